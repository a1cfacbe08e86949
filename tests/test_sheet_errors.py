"""One sheet the reader cannot understand must not cost the other sheets of the workbook.

The workbook is written here with openpyxl: a readable sheet ``用水`` (two indicators, two
years) and a sheet ``numbers`` holding a grid of bare numbers with no label anywhere (nothing
says what they measure, so the reader must refuse it). Expected values are the cells written.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import openpyxl
import pytest

import greenstats
from greenstats.errors import GreenstatsError, LayoutError
from greenstats.reader import ERROR_COLUMNS

GOOD = {("用水总量", 2020): 25.1, ("用水总量", 2021): 26.3, ("工业用水", 2020): 10.2}
GOOD[("工业用水", 2021)] = 11.0


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "用水"
    ws["A1"] = "表1  连云港市用水情况"
    ws.append(["指标", 2020, 2021])
    ws.append(["用水总量(亿立方米)", 25.1, 26.3])
    ws.append(["工业用水(亿立方米)", 10.2, 11.0])
    bad = wb.create_sheet("numbers")
    for r in range(2, 5):
        for c in range(2, 5):
            bad.cell(r, c, float(r * 10 + c))
    wb.save(path)
    return path


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return _workbook(tmp_path / "two-sheets.xlsx")


def _values(tidy) -> dict[tuple[str, int], float]:
    return {
        (i, int(y)): float(v)
        for i, y, v in zip(tidy["indicator"], tidy["year"], tidy["value"], strict=True)
    }


def test_default_raises_naming_the_bad_sheet(book):
    with pytest.raises(LayoutError) as info:
        greenstats.read_yearbook(book)
    assert info.value.sheet == "numbers"
    assert "two-sheets.xlsx" in str(info.value)


def test_collect_reads_the_good_sheet_and_reports_the_bad_one(book):
    with pytest.warns(UserWarning, match=r"1 sheet\(s\) could not be read"):
        tidy = greenstats.read_yearbook(book, errors="collect")
    assert set(tidy["source_sheet"]) == {"用水"}
    assert _values(tidy) == GOOD
    assert set(tidy["unit"]) == {"亿立方米"}
    err = tidy.attrs["errors"]
    assert list(err.columns) == list(ERROR_COLUMNS)
    assert len(err) == 1
    row = err.iloc[0]
    assert (row["file"], row["sheet"], row["error"]) == (
        "two-sheets.xlsx",
        "numbers",
        "LayoutError",
    )
    assert row["cell"] and row["cell"] != "nan"
    assert "Fix:" in row["message"]


def test_collect_on_a_clean_workbook_gives_an_empty_report(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["指标", 2020])
    wb.active.append(["用水总量(亿立方米)", 25.1])
    wb.save(tmp_path / "one.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tidy = greenstats.read_yearbook(tmp_path / "one.xlsx", errors="collect")
    assert tidy.attrs["errors"].empty
    assert tidy["value"].tolist() == [25.1]


def test_errors_argument_is_checked(book):
    with pytest.raises(GreenstatsError) as info:
        greenstats.read_yearbook(book, errors="ignore")
    assert info.value.key == "errors"


@pytest.mark.parametrize("jobs", [1, 2])
def test_read_yearbooks_skips_the_sheet_not_the_file(tmp_path, jobs):
    _workbook(tmp_path / "a.xlsx")
    _workbook(tmp_path / "b.xlsx")
    with pytest.warns(UserWarning, match=r"0 of 2 files could not be read, and 2 sheet"):
        tidy = greenstats.read_yearbooks(tmp_path, jobs=jobs, progress=False)
    assert sorted(set(tidy["source_file"])) == ["a.xlsx", "b.xlsx"]
    assert len(tidy) == 2 * len(GOOD)
    err = tidy.attrs["errors"]
    assert sorted(err["file"]) == ["a.xlsx", "b.xlsx"]
    assert set(err["sheet"]) == {"numbers"}


def test_cli_skip_bad_sheets(book, tmp_path):
    exe = [sys.executable, "-m", "greenstats", "read", str(book)]
    strict = subprocess.run(exe, capture_output=True, text=True, check=False)
    assert strict.returncode == 2
    assert "numbers" in strict.stderr and "Traceback" not in strict.stderr
    out = tmp_path / "tidy.csv"
    ok = subprocess.run(
        [*exe, "--skip-bad-sheets", "-o", str(out)], capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0, ok.stderr
    assert "could not be read" in ok.stderr
    text = out.read_text(encoding="utf-8")
    assert "25.1" in text and "用水总量" in text
