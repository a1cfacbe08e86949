"""Shared pytest fixtures: the committed reader fixtures, the real files, and tidy-row checks.

The real files live outside the repository, in ``<project root>/../shared/real-data``. Tests
that need them use the ``real_data`` (directory) or ``real_file`` (one file) fixtures, which
skip with a reason naming what is missing instead of passing silently.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lxml.html
import msoffcrypto
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES_DIR = PROJECT_ROOT / "tests" / "data" / "fixtures"
REAL_DATA_DIR = PROJECT_ROOT.parent / "shared" / "real-data"

#: The real files listed in SOURCES.md (reference CSVs excepted: they are not yearbook tables).
REAL_FILES: tuple[str, ...] = (
    "ccsy-cnki/2-1-population-encrypted.xls",
    "ccsy-cnki/employment-by-industry-2014.xls",
    "ccsy-cnki/employment-share-2014-html.xls",
    "ccsy-cnki/deposits-loans-2014-html.xls",
    "ccsy-cnki/city-counts-2014-html.xls",
    "ccsy-cnki/employment-share-2014-gbk-csv.xls",
    "cesy-2008/4-1-energy-balance-standard.xls",
    "cesy-2008/4-2-energy-balance-physical.xls",
    "cesy-2008/appendix-4-coal-equivalent-factors-zh.xls",
    "cesy-2008/appendix-4-coal-equivalent-factors-en.xls",
    "nbs-exports/national-energy-balance.xls",
    "nbs-exports/guangzhou-indicators.xls",
    "nbs-exports/shenzhen-indicators.xls",
    "panels/ceads-city-co2-1997-2019.xlsx",
    "panels/city-panel-2004-2012.xlsx",
)


def real_files_present() -> list[str]:
    """REAL_FILES plus any other workbook found in the real-data folder (not reference CSVs)."""
    names = list(REAL_FILES)
    if REAL_DATA_DIR.is_dir():
        for p in sorted(REAL_DATA_DIR.rglob("*")):
            rel = p.relative_to(REAL_DATA_DIR).as_posix()
            if (
                p.is_file()
                and p.suffix.lower() in {".xls", ".xlsx", ".csv", ".html", ".htm"}
                and not rel.startswith("reference/")
                and rel != "expected-cells.csv"
                and rel not in names
            ):
                names.append(rel)
    return names


def load_manifest() -> dict[str, dict[str, Any]]:
    return json.loads((FIXTURES_DIR / "manifest.json").read_text(encoding="utf-8"))["files"]


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """Folder of the committed fixture workbooks (written by tests/fixtures/make_fixtures.py)."""
    assert (FIXTURES_DIR / "manifest.json").is_file(), (
        "fixtures missing: run `python tests/fixtures/make_fixtures.py`"
    )
    return FIXTURES_DIR


@pytest.fixture(scope="session")
def manifest(fixtures_dir: Path) -> dict[str, dict[str, Any]]:
    """Expected values per fixture file (see make_fixtures.py for the layout)."""
    return load_manifest()


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real-data folder; skips (naming it) when it is absent."""
    if not REAL_DATA_DIR.is_dir():
        pytest.skip(f"real-data folder missing: {REAL_DATA_DIR}")
    return REAL_DATA_DIR


@pytest.fixture(scope="session")
def real_file(real_data: Path) -> Callable[[str], Path]:
    """Return a function giving the path of one real file; skips naming the file if absent."""

    def get(rel: str) -> Path:
        path = real_data / rel
        if not path.is_file():
            pytest.skip(f"real file missing: {path}")
        return path

    return get


# --------------------------------------------------------------------------- tidy checks
def _is_na(x: Any) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _text(x: Any) -> str:
    return "" if _is_na(x) else str(x)


def check_row(row: pd.Series, exp: dict[str, Any]) -> list[str]:
    """Compare one tidy row with an expectation dict; return the mismatches in words."""
    bad: list[str] = []
    where = f"{exp.get('sheet')}!{exp.get('cell')}"
    if "value" in exp:
        v, want = row["value"], exp["value"]
        if want is None:
            if not _is_na(v):
                bad.append(f"{where}: value {v!r}, expected NaN")
        elif _is_na(v) or not math.isclose(float(v), float(want), rel_tol=1e-9, abs_tol=1e-9):
            bad.append(f"{where}: value {v!r}, expected {want!r}")
    for key in ("status", "region", "indicator", "unit", "table_id"):
        if key in exp:
            got, want = row[key], exp[key]
            if want is None:
                if not _is_na(got):
                    bad.append(f"{where}: {key} {got!r}, expected NA")
            elif _is_na(got) or str(got) != str(want):
                bad.append(f"{where}: {key} {got!r}, expected {want!r}")
    if "year" in exp:
        got, want = row["year"], exp["year"]
        if want is None:
            if not _is_na(got):
                bad.append(f"{where}: year {got!r}, expected NA")
        elif _is_na(got) or int(got) != int(want):
            bad.append(f"{where}: year {got!r}, expected {want}")
    if "labels" in exp:
        text = _text(row["indicator"]) + " / " + _text(row["breakdown"])
        for label in exp["labels"]:
            if label not in text:
                bad.append(f"{where}: label {label!r} not in indicator/breakdown {text!r}")
    for key, col in (
        ("breakdown_contains", "breakdown"),
        ("indicator_en_contains", "indicator_en"),
        ("note_contains", "note"),
        ("table_title_contains", "table_title"),
    ):
        if key in exp and exp[key] not in _text(row[col]):
            bad.append(f"{where}: {col} {row[col]!r} lacks {exp[key]!r}")
    if "unit_mult" in exp:
        if "unit_mult" not in row.index:
            bad.append(f"{where}: no unit_mult column (multipliers must be explicit)")
        elif _is_na(row["unit_mult"]) or int(row["unit_mult"]) != exp["unit_mult"]:
            bad.append(f"{where}: unit_mult {row['unit_mult']!r}, expected {exp['unit_mult']}")
    return bad


def rows_at(tidy: pd.DataFrame, sheet: str, cell: str) -> pd.DataFrame:
    """The tidy rows whose provenance is sheet!cell."""
    return tidy[(tidy["source_sheet"] == sheet) & (tidy["source_cell"] == cell)]


def check_expected_cells(tidy: pd.DataFrame, cells: list[dict[str, Any]]) -> list[str]:
    """Check each expected cell has exactly one tidy row and that it matches."""
    bad: list[str] = []
    for exp in cells:
        hit = rows_at(tidy, exp["sheet"], exp["cell"])
        if len(hit) != 1:
            bad.append(f"{exp['sheet']}!{exp['cell']}: {len(hit)} tidy rows, expected 1")
            continue
        bad += check_row(hit.iloc[0], exp)
    return bad


@pytest.fixture(scope="session")
def check_cells() -> Callable[[pd.DataFrame, list[dict[str, Any]]], list[str]]:
    """``check_cells(tidy, expectations) -> list of mismatch messages`` (empty when all good)."""
    return check_expected_cells


# --------------------------------------------------------------------------- independent cells
# Non-empty source cells read without greenstats: python-calamine (or openpyxl, which shows
# formulas) after msoffcrypto decryption, lxml.html with our own rowspan/colspan expansion,
# the csv module.
def a1(r: int, c: int) -> str:
    return f"{get_column_letter(c + 1)}{r + 1}"


def _decrypt_if_needed(data: bytes) -> bytes:
    if data[:4] != b"\xd0\xcf\x11\xe0":
        return data
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    if not office.is_encrypted():
        return data
    office.load_key(password="VelvetSweatshop")
    out = io.BytesIO()
    office.decrypt(out)
    return out.getvalue()


def _cells_calamine(data: bytes) -> dict[tuple[str, str], Any]:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    cells = {}
    for name in wb.sheet_names:
        grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                if v is not None and v != "":
                    cells[(name, a1(r, c))] = v
    return cells


def _cells_openpyxl(data: bytes) -> dict[tuple[str, str], Any]:
    wb = openpyxl.load_workbook(io.BytesIO(data))  # formulas visible as "=..."
    cells = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None and cell.value != "":
                    cells[(ws.title, cell.coordinate)] = cell.value
    return cells


def _cells_html(text: str) -> dict[tuple[str, str], Any]:
    doc = lxml.html.fromstring(text)
    cells = {}
    for t, table in enumerate(doc.iter("table")):
        taken: set[tuple[int, int]] = set()
        for r, tr in enumerate(table.iter("tr")):
            c = 0
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                for dr in range(rs):
                    for dc in range(cs):
                        taken.add((r + dr, c + dc))
                value = td.text_content()
                if value != "":
                    cells[(f"table{t}", a1(r, c))] = value
                c += cs
    return cells


def _cells_csv(data: bytes) -> dict[tuple[str, str], Any]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    delimiter = "\t" if text.count("\t") > text.count(",") else ","
    cells = {}
    for r, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
        for c, v in enumerate(row):
            if v != "":
                cells[("csv", a1(r, c))] = v
    return cells


def _cells_spreadsheetml(data: bytes) -> dict[tuple[str, str], Any]:
    """Excel 2003 XML: rows/cells with ss:Index jumps and MergeAcross/MergeDown spans."""
    from lxml import etree

    ns = "{urn:schemas-microsoft-com:office:spreadsheet}"
    root = etree.fromstring(data)
    cells = {}
    for ws in root.iter(f"{ns}Worksheet"):
        name = ws.get(f"{ns}Name")
        taken: set[tuple[int, int]] = set()
        r = -1
        for row in ws.iter(f"{ns}Row"):
            r = int(row.get(f"{ns}Index", r + 2)) - 1
            c = -1
            for cell in row.iter(f"{ns}Cell"):
                c = int(cell.get(f"{ns}Index")) - 1 if cell.get(f"{ns}Index") else c + 1
                while (r, c) in taken:
                    c += 1
                across = int(cell.get(f"{ns}MergeAcross", 0))
                down = int(cell.get(f"{ns}MergeDown", 0))
                for dr in range(down + 1):
                    for dc in range(across + 1):
                        taken.add((r + dr, c + dc))
                data_el = cell.find(f"{ns}Data")
                if data_el is not None and (data_el.text or "") != "":
                    cells[(name, a1(r, c))] = data_el.text
                c += across
    return cells


def source_cells(path: Path, *, formulas: bool) -> dict[tuple[str, str], Any]:
    """Non-empty cells of any container, keyed by (sheet, A1)."""
    data = _decrypt_if_needed(path.read_bytes())
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data[:4] == b"\xd0\xcf\x11\xe0":
        return _cells_calamine(data)
    if data[:2] == b"PK":
        return _cells_openpyxl(data) if formulas else _cells_calamine(data)
    if head.startswith(b"<") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:2048]:
        return _cells_spreadsheetml(data)
    if head.startswith(b"<"):
        return _cells_html(data.decode("utf-8", errors="replace"))
    return _cells_csv(data)
