"""Error values in a BIFF .xls (``#DIV/0!``, ``#N/A``) are cells too: calamine hands them over
as empty, so without care they would vanish from the ledger and the tidy table.

The workbook is written here with xlwt (a BIFF8 writer): expected values are the cells written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import greenstats

xlwt = pytest.importorskip("xlwt", reason="xlwt (test extra) writes the BIFF workbook")


def _book(path: Path, *, errors: bool = True) -> Path:
    wb = xlwt.Workbook()
    ws = wb.add_sheet("用水")
    for c, v in enumerate(["指标", 2020, 2021]):
        ws.write(0, c, v)
    for c, v in enumerate(["用水总量(亿立方米)", 25.1, 26.3]):
        ws.write(1, c, v)
    ws.write(2, 0, "用水效率(%)")
    ws.write(2, 2, 0.5)
    ws.write(3, 0, "重复利用率(%)")
    ws.write(3, 1, 80.5)
    if errors:
        ws.row(2).set_cell_error(1, "#DIV/0!")  # B3
        ws.row(3).set_cell_error(2, 0x2A)  # C4: #N/A (BIFF error code 0x2A)
    else:
        ws.write(2, 1, 0.4)
        ws.write(3, 2, 81.0)
    wb.save(str(path))
    return path


def test_error_cells_are_in_the_ledger(tmp_path):
    ledger = greenstats.cell_ledger(_book(tmp_path / "e.xls"))
    raw = ledger.set_index("source_cell")["raw"]
    assert raw["B3"] == "#DIV/0!"
    assert raw["C4"] == "#N/A"
    # every cell written is accounted for: 3 + 3 + 3 + 3
    assert len(ledger) == 12


def test_error_cells_are_values_without_a_number(tmp_path):
    tidy = greenstats.read_yearbook(_book(tmp_path / "e.xls"))
    by_cell = tidy.set_index("source_cell")
    assert by_cell.loc["B2", "value"] == 25.1
    assert by_cell.loc["C3", "value"] == 0.5
    div = by_cell.loc["B3"]
    assert div["indicator"] == "用水效率" and int(div["year"]) == 2020
    assert div["value"] != div["value"]  # NaN: an error is no number
    assert div["status"] == "X"  # text that is neither a number nor a known marker
    na = by_cell.loc["C4"]
    assert na["value"] != na["value"] and na["status"] == "M"  # NA: missing


def test_a_workbook_without_errors_is_unchanged(tmp_path):
    tidy = greenstats.read_yearbook(_book(tmp_path / "ok.xls", errors=False))
    assert set(tidy["status"]) == {"A"}
    assert tidy.set_index("source_cell").loc["C4", "value"] == 81.0
