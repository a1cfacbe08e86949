"""A metadata sheet (key/value rows such as ``单位 | 万吨``) states the unit for the workbook.

The workbook is written here with openpyxl; expected values are the cells written.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

import greenstats


def _book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    meta = wb.active
    meta.title = "说明"
    meta.append(["内容", "连云港市工业固体废物"])
    meta.append(["计量单位", "万吨"])
    plain = wb.create_sheet("产生量")
    plain.append(["年份", "产生量"])
    plain.append([2020, 512.5])
    plain.append([2021, 530.25])
    own = wb.create_sheet("投资")
    own.append(["单位：亿元"])
    own.append(["年份", "治理投资"])
    own.append([2021, 3.5])
    wb.save(path)
    return path


def test_unit_of_the_metadata_sheet_fills_tables_without_one(tmp_path):
    tidy = greenstats.read_yearbook(_book(tmp_path / "meta.xlsx"))
    plain = tidy[tidy["source_sheet"] == "产生量"]
    assert plain["value"].tolist() == [512.5, 530.25]
    assert set(plain["unit"]) == {"万吨"}
    assert set(plain["unit_mult"].astype(int)) == {4}  # 万 = 10^4


def test_a_table_keeps_its_own_unit(tmp_path):
    tidy = greenstats.read_yearbook(_book(tmp_path / "meta.xlsx"))
    own = tidy[tidy["source_sheet"] == "投资"]
    assert own["value"].tolist() == [3.5]
    assert set(own["unit"]) == {"亿元"}


def test_metadata_cells_are_in_the_ledger_as_unit(tmp_path):
    ledger = greenstats.cell_ledger(_book(tmp_path / "meta.xlsx"))
    meta = ledger[ledger["source_sheet"] == "说明"].set_index("source_cell")["role"]
    assert meta["A2"] == "unit" and meta["B2"] == "unit"
    assert set(meta.index) == {"A1", "B1", "A2", "B2"}  # every non-empty cell accounted for
