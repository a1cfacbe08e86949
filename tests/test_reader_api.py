"""Public reader API on workbook files: columns and dtypes, ledger, many files, errors.

Workbooks are written here with openpyxl; expected values are the numbers written.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import greenstats
from greenstats.errors import LayoutError, ReadError
from greenstats.reader import ERROR_COLUMNS, LEDGER_COLUMNS
from greenstats.schema import LEDGER_ROLES, TIDY_COLUMNS, TIDY_DTYPES

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT / "data" / "raw" / "lianyungang-yearbook-SIMULATED.xlsx"


def write(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path


WATER = [
    ["9-5  全市用水情况"],
    [None, None, "单位：亿立方米"],
    ["年  份", "用水总量", "工业用水"],
    ["2022年", 29.17, 4.92],
    ["2023年", 29.37, "—"],
]


@pytest.fixture
def water(tmp_path):
    return write(tmp_path / "water.xlsx", {"9-5": WATER, "blank": [["说明：本册为示例"]]})


def test_tidy_columns_and_dtypes(water):
    tidy = greenstats.read_yearbook(water)
    assert tuple(tidy.columns[: len(TIDY_COLUMNS)]) == TIDY_COLUMNS
    for col, dtype in TIDY_DTYPES.items():
        assert (
            tidy[col].dtype == pd.api.types.pandas_dtype(dtype) or str(tidy[col].dtype) == dtype
        ), col
    assert len(tidy) == 4
    row = tidy.set_index("source_cell").loc["B4"]
    assert (row.indicator, row.year, row.value, row.unit, row.status) == (
        "用水总量",
        2022,
        29.17,
        "亿立方米",
        "A",
    )
    assert row.source_file == "water.xlsx" and row.source_sheet == "9-5" and row.table_id == "9-5"
    marker = tidy.set_index("source_cell").loc["C5"]
    assert marker.status == "M" and math.isnan(marker.value)


def test_sheet_argument_and_missing_sheet(water):
    assert set(greenstats.read_yearbook(water, sheet="9-5")["source_sheet"]) == {"9-5"}
    with pytest.raises(ReadError):
        greenstats.read_yearbook(water, sheet="nope")


def test_cell_ledger_covers_every_non_empty_cell(water):
    led = greenstats.cell_ledger(water)
    assert tuple(led.columns) == LEDGER_COLUMNS
    wb = openpyxl.load_workbook(water)
    expected = {
        (ws.title, c.coordinate)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }
    got = set(zip(led.source_sheet, led.source_cell, strict=True))
    assert got == expected and len(led) == len(expected)
    assert set(led.role) <= set(LEDGER_ROLES)
    roles = {(s, c): r for s, c, r in zip(led.source_sheet, led.source_cell, led.role, strict=True)}
    assert roles[("9-5", "A1")] == "title"
    assert roles[("9-5", "C2")] == "unit"
    assert roles[("9-5", "B3")] == "header"
    assert roles[("9-5", "B4")] == "value"
    assert roles[("9-5", "C5")] == "marker"
    ignored = led[led.role == "ignored"]
    assert ignored.reason.notna().all() and len(ignored) == 1  # the text-only sheet
    assert led.loc[led.role != "ignored", "reason"].isna().all()
    assert (led.loc[led.source_cell == "B4", "row"] == 4).all()


def test_read_yearbooks_collects_errors_and_reads_the_rest(tmp_path, water):
    folder = tmp_path / "many"
    folder.mkdir()
    write(folder / "a.xlsx", {"9-5": WATER})
    write(folder / "b.xlsx", {"表": [["海州区", 1.0, 2.0], ["连云区", 3.0, 4.0]]})  # no header
    (folder / "c.xls").write_bytes(b"\x00\x01 not a workbook")
    (folder / "notes.txt").write_text("not read", encoding="utf-8")
    with pytest.warns(UserWarning, match="2 of 3 files"):
        tidy = greenstats.read_yearbooks(folder, progress=False)
    assert set(tidy.source_file) == {"a.xlsx"} and len(tidy) == 4
    err = tidy.attrs["errors"]
    assert tuple(err.columns) == ERROR_COLUMNS
    assert set(err.file) == {"b.xlsx", "c.xls"}
    b = err.set_index("file").loc["b.xlsx"]
    assert b.error == "LayoutError" and b.sheet == "表" and b.cell == "B1"
    assert "recipe" in b.message
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        par = greenstats.read_yearbooks(
            [folder / "a.xlsx", folder / "b.xlsx"], jobs=2, progress=False
        )
    pd.testing.assert_frame_equal(par.reset_index(drop=True), tidy.reset_index(drop=True))
    assert len(par.attrs["errors"]) == 1


def test_read_yearbooks_without_errors_has_an_empty_report(water):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tidy = greenstats.read_yearbooks([water], progress=False)
    assert tidy.attrs["errors"].empty and len(tidy) == 4


def test_layout_error_names_file_sheet_cell(tmp_path):
    p = write(tmp_path / "bad.xlsx", {"表": [["海州区", 1.0, 2.0], ["连云区", 3.0, 4.0]]})
    with pytest.raises(LayoutError) as err:
        greenstats.read_yearbook(p)
    assert (err.value.file, err.value.sheet, err.value.cell) == ("bad.xlsx", "表", "B1")
    tidy = greenstats.read_yearbook(
        p, recipe={"header_rows": 0, "stub": "region", "indicator": "人口"}
    )
    assert list(tidy.region) == ["海州区", "海州区", "连云区", "连云区"]
    assert list(tidy.value) == [1.0, 2.0, 3.0, 4.0]


def test_recipe_from_yaml_and_region_year_arguments(tmp_path):
    p = write(tmp_path / "county.xlsx", {"1": [["指标", "数值"], ["常住人口(万人)", 95.1]]})
    tidy = greenstats.read_yearbook(p, region="灌云县", year=2023)
    row = tidy.iloc[0]
    assert (row.region, row.year, row.indicator, row.unit) == ("灌云县", 2023, "常住人口", "万人")
    y = tmp_path / "r.yaml"
    y.write_text("year: 2021\nregion: 灌南县\n", encoding="utf-8")
    row = greenstats.read_yearbook(p, recipe=y).iloc[0]
    assert (row.region, row.year) == ("灌南县", 2021)


def test_merged_two_level_header_file(tmp_path):
    p = write(
        tmp_path / "emp.xlsx",
        {
            "二": [
                ["中国2014年地级以上城市按产业划分的年末单位从业人员统计(二)"],
                ["单位:人"],
                ["城市", "第一产业", None, "第二产业", None],
                [None, "全市", "市辖区", "全市", "市辖区"],
                ["\xa0\xa0连云港市", 8900, 5935, 243300, 181308],
                ["摘编自《中国城市统计年鉴2015》"],
            ]
        },
        {"二": ["A1:E1", "A3:A4", "B3:C3", "D3:E3"]},
    )
    tidy = greenstats.read_yearbook(p).set_index("source_cell")
    e5 = tidy.loc["E5"]
    assert (e5.region, e5.indicator, e5.breakdown, e5.year, e5.value, e5.unit) == (
        "连云港市",
        "第二产业",
        "市辖区",
        2014,
        181308.0,
        "人",
    )
    assert "摘编自" in e5.note


def test_lead_sample_workbook_reads_with_zero_configuration():
    if not SAMPLE.is_file():
        pytest.skip(f"missing {SAMPLE}")
    tidy = greenstats.read_yearbook(SAMPLE)
    assert tidy.attrs.get("errors") is None
    # values read by hand from the workbook (sheet 9-5, row 2020年; sheet 10-3, D8 is "—")
    water = tidy[(tidy.source_sheet == "9-5") & (tidy.source_cell == "B12")].iloc[0]
    assert (water.indicator, water.year, water.value, water.unit) == (
        "用水总量",
        2020,
        29.25,
        "亿立方米",
    )
    kitchen = tidy[(tidy.source_sheet == "10-3") & (tidy.source_cell == "C8")].iloc[0]
    assert kitchen.indicator == "餐厨废弃物无害化处理率" and kitchen.year == 2013
    assert kitchen.status == "M" and math.isnan(kitchen.value)
    gdp = tidy[(tidy.source_sheet == "1-2") & (tidy.source_cell == "B4")].iloc[0]
    assert gdp.indicator == "地区生产总值" and gdp.year == 2013 and gdp.value == 1803.2
    assert gdp.unit == "亿元" and gdp.region == "连云港市"
    assert set(tidy.status) <= {"A", "M"}


def test_wide_matrix_with_gaps_reads_every_cell(tmp_path):
    """A CEADs-like matrix (cities down, years across) large enough for the array path,
    with empty value cells, an empty first year column and a city without any value."""
    years = list(range(1995, 2015))
    cities = [f"测试{i:02d}市" for i in range(60)]
    rows = [["城市", *years]]
    expected = {}
    for i, city in enumerate(cities):
        row = [city]
        for j, y in enumerate(years):
            empty = j == 0 or (i * 7 + j) % 11 == 0 or i == 13  # city 13 has no value at all
            v = None if empty else round(i * 1.5 + j * 0.25 + 1, 3)
            row.append(v)
            expected[(city, y)] = v
        rows.append(row)
    path = write(tmp_path / "matrix.xlsx", {"emission matrix": rows})
    tidy = greenstats.read_yearbook(path)
    got = tidy.set_index(["region", "year"])
    n_values = sum(v is not None for v in expected.values())
    assert int((tidy["status"] == "A").sum()) == n_values
    for (city, y), v in expected.items():
        if v is None:
            continue
        row = got.loc[(city, y)]
        assert row["value"] == pytest.approx(v)
        col = openpyxl.utils.get_column_letter(years.index(y) + 2)
        assert row["source_cell"] == f"{col}{cities.index(city) + 2}"
    # an empty cell in a row that has values is a missing marker, never a 0 or a lost cell
    gap = next(
        (c, y) for (c, y), v in expected.items() if v is None and c != cities[13] and y > 1995
    )
    assert got.loc[gap, "status"] == "M" and math.isnan(got.loc[gap, "value"])
    assert cities[13] not in set(tidy.loc[tidy["status"] == "A", "region"])
