"""Fast paths of the layout engine give what the general reading gives.

Each test states the answer independently: ``clean.parse_number`` (the general reading of a
cell's text) for the word shortcut of ``_classify_str``; values written by hand for the
research-panel year column.
"""

from __future__ import annotations

import math
import re

import pytest

from greenstats import clean
from greenstats.io.containers import Sheet
from greenstats.layout import _MARK, _NUM, _TEXT, _classify_str, _number_with_unit, parse_sheet

WORDS = [
    "Coal",
    "Total Energy",
    "NA",
    "N/A",
    "n.a.",
    "na ",
    "nan",
    "NaN",
    "inf",
    "Infinity",
    "e5",
    "E10",
    "x",
    "A1",
    "Q1 2020",
    "GDP (100 million yuan)",
    "Unit: 10000 tons",
    "abc①",
]


@pytest.mark.parametrize("text", WORDS)
def test_words_classified_as_parse_number_reads_them(text):
    cell = _classify_str(text)
    p = clean.parse_number(text)
    if p.status == "X" and _number_with_unit(text) is None:
        assert cell.kind == _TEXT and cell.status == "X" and cell.raw == text
        assert cell.text == text and cell.value is None and cell.note is None
    elif p.status == "A":
        assert cell.kind == _NUM and cell.value == p.value
    else:
        assert cell.kind == _MARK and cell.status == p.status


def test_missing_value_words_stay_markers():
    assert _classify_str("NA").kind == _MARK and _classify_str("NA").status == "M"
    assert _classify_str("Coal").kind == _TEXT


def _panel(years: list[object]) -> Sheet:
    rows: list[list[object]] = [["城市", "年份", *[f"指标{k}" for k in range(8)]]]
    for i, y in enumerate(years):
        rows.append([f"城{i % 3}市", y, *[float(100 * i + k + 1) for k in range(8)]])
    return Sheet("panel", rows, ())


def test_panel_year_column_of_numbers():
    years = [2001.0 + (i // 3) for i in range(12)]
    rows = parse_sheet(_panel(years), file_name="p.xlsx").rows
    assert len(rows) == 12 * 8
    # row i (0-based) is city i % 3 in year 2001 + i // 3; its value k is 100 * i + k + 1
    got = {(x["region"], x["year"], x["indicator"]): x["value"] for x in rows}
    assert got[("城1市", 2002, "指标5")] == 100 * 4 + 5 + 1
    assert got[("城2市", 2004, "指标0")] == 100 * 11 + 1


def test_panel_year_column_mixing_text_years():
    years: list[object] = [2001.0 + (i // 3) for i in range(12)]
    years[4] = "2002年"  # a year as text: the column is read year by year
    rows = parse_sheet(_panel(years), file_name="p.xlsx").rows
    got = {(x["region"], x["year"], x["indicator"]): x["value"] for x in rows}
    assert got[("城1市", 2002, "指标5")] == 406.0
    assert {x["year"] for x in rows} == {2001, 2002, 2003, 2004}
    assert not any(math.isnan(x["value"]) for x in rows)


def _corpus_texts() -> list[str]:
    """Every text cell of the committed fixtures (and the real files when present)."""
    from pathlib import Path

    from greenstats.errors import GreenstatsError
    from greenstats.io.containers import open_workbook

    root = Path(__file__).resolve().parent
    paths = sorted((root / "data" / "fixtures").glob("*.xls*"))
    real = root.parent.parent / "shared" / "real-data"
    if real.is_dir():
        paths += sorted(p for p in real.rglob("*.xls*") if "reference" not in p.parts)
    texts: set[str] = set()
    for p in paths:
        try:
            wb = open_workbook(p)
        except GreenstatsError:
            continue
        for sh in wb.sheets:
            texts.update(v for row in sh.cells for v in row if isinstance(v, str))
    return sorted(texts)


def test_unit_hint_skips_only_labels_without_a_unit(monkeypatch):
    texts = _corpus_texts() + ["单位 万元", "UNITS: t", "增长‰", "GDP（亿元）", "人口"]
    assert len(texts) > 500
    fast = [clean.parse_unit(t) for t in texts]
    monkeypatch.setattr(clean, "_UNIT_HINT", re.compile(""))  # always look
    assert [clean.parse_unit(t) for t in texts] == fast


def test_stub_rank_shortcut_agrees_with_clean():
    from greenstats.layout import _stub_rank

    texts = _corpus_texts() + ["其中", "其他", "一般", "一、工业", "（一）农业", "①城镇"]
    assert [_stub_rank(t) for t in texts] == [clean.stub_rank(t) for t in texts]


def test_english_stub_column_counted_per_distinct_cell():
    """``_english_col``: over 80% of a stub column's text cells without Chinese characters,
    and a letter among the first 20. Counts by hand; cells that are not hashable (markers,
    plain ``_Cell`` texts), numbers and gaps among the entries."""
    from greenstats.layout import _Cell, _PlainText, _SheetParser

    english = _SheetParser._english_col
    bj, zh = _PlainText("Beijing"), _PlainText("北京")
    mark = _Cell(_MARK, "…", None, "M")
    # 9 of 10 texts are English (the same cell repeated): 9 > 8
    assert english([bj] * 9 + [zh, mark, 1.0, None])
    # 8 of 10: not over 80%
    assert not english([bj] * 8 + [zh, zh])
    # 2 of 3 texts English (a marker is no text): 2 <= 2.4
    assert not english([bj, _Cell(_TEXT, "Tianjin"), zh, mark, mark])
    # codes without a letter are not names
    assert not english([_PlainText("12-3"), _PlainText("45/6"), 2.0])
    # no text at all
    assert not english([None, 1.0, mark])
    # a letter only after the first 20 texts does not count
    assert not english([_PlainText("0001")] * 20 + [bj] * 5)
    assert english([_PlainText("0001")] * 19 + [bj] * 5)
