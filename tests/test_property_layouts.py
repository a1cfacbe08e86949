"""Property test: random tidy data rendered in random yearbook layouts reads back unchanged.

Hypothesis draws a small tidy table (indicators with units, regions, years, values, a few
markers) and a layout: years across or down; header depth 1-3 with merges; the unit in the
header or on a unit line; optional title, notes, a page-break repeat (续表) or a second page
tiled to the right with a vertical offset; a footnote marker ① on one value with its note;
leading empty rows/columns; year cells as numbers, floats, ``2020年``, ``2020 年``, ``2020年末`` or a mix of numbers and text, ascending
or descending; bilingual indicator headers (``中文(单位)\r\nEnglish``); region labels indented
with ASCII, U+3000 or U+00A0 spaces. Header depth 3 adds a row with the unit (or, with a unit
line, the English name). Layouts with header depth 1 either carry one region only, passed as
``region=`` (the table has no region dimension then, as in NBS exports), or name their one
indicator in the title (``3-7  各县区常住人口`` with a unit line) with regions down or across.

The test writes the sheet with openpyxl and checks that ``read_yearbook`` returns every
(indicator, region, year) once, with the same value or marker status, the unit, the A1 address
the renderer used, the table number, the notes and the footnote bound to its cell only.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

import greenstats
from greenstats.schema import LEDGER_ROLES

try:
    from conftest import source_cells
except ModuleNotFoundError:  # tests/ collected as a package
    from tests.conftest import source_cells

INDICATORS = [
    "地区生产总值",
    "能源消费总量",
    "用水总量",
    "工业增加值",
    "常住人口",
    "二氧化硫排放量",
    "建成区绿化覆盖率",
    "城镇居民人均可支配收入",
    "全社会用电量",
    "规模以上工业企业数",
]
ENGLISH = {
    "地区生产总值": "Gross Regional Product",
    "能源消费总量": "Total Energy Consumption",
    "用水总量": "Total Water Use",
    "工业增加值": "Industrial Value Added",
    "常住人口": "Resident Population",
    "二氧化硫排放量": "Sulphur Dioxide Emission",
    "建成区绿化覆盖率": "Green Coverage of Built Area",
    "城镇居民人均可支配收入": "Per Capita Disposable Income of Urban Residents",
    "全社会用电量": "Electricity Consumption",
    "规模以上工业企业数": "Number of Industrial Enterprises above Designated Size",
}
UNITS = ["亿元", "万吨标准煤", "亿立方米", "万人", "吨", "%", "万千瓦时", "元", "个", "公顷", "‰"]
REGIONS = [
    "全市",
    "海州区",
    "连云区",
    "赣榆区",
    "东海县",
    "灌云县",
    "灌南县",
    "江苏省",
    "苏州市",
    "昆山市",
    "浦东新区",
    "延边朝鲜族自治州",
    "锡林郭勒盟",
    "沭阳县",
]
MARKERS = {"…": "L", "-": "M", "—": "M", "NA": "M"}


@dataclass
class Case:
    indicators: list[tuple[str, str]]
    regions: list[str]
    years: list[int]
    cells: dict[tuple[str, str, int], object]  # raw value written: float, str number or marker
    across: bool
    depth: int
    unit_line: bool
    title: bool
    notes: bool
    paging: str  # "single", "repeat" (续表 below) or "tile" (second page to the right)
    lead_rows: int
    lead_cols: int
    year_style: str
    text_numbers: bool
    bilingual: bool = False
    indent: str = ""
    tile_offset: int = 0
    footnote: tuple[str, str, int] | None = None  # the key whose value carries "①"
    title_indicator: bool = False
    expected: dict[tuple[str, str, int], tuple[float | None, str, str, str]] = field(
        default_factory=dict
    )  # key -> (value, status, unit, A1)


@st.composite
def cases(draw) -> Case:
    depth = draw(st.integers(1, 3))
    across = draw(st.booleans())
    # depth 1 only: one indicator named by the title ("各县区常住人口"), its unit on a unit line
    title_indicator = depth == 1 and draw(st.booleans())
    unit_line = title_indicator or draw(st.booleans())
    n_ind = 1 if title_indicator else draw(st.integers(1, 3))
    ind_idx = draw(
        st.lists(st.integers(0, len(INDICATORS) - 1), min_size=n_ind, max_size=n_ind, unique=True)
    )
    if unit_line:
        unit = draw(st.sampled_from(UNITS))
        indicators = [(INDICATORS[i], unit) for i in ind_idx]
    else:
        indicators = [(INDICATORS[i], draw(st.sampled_from(UNITS))) for i in ind_idx]
    n_reg = 1 if depth == 1 and not title_indicator else draw(st.integers(1, 4))
    regions = draw(st.lists(st.sampled_from(REGIONS), min_size=n_reg, max_size=n_reg, unique=True))
    n_years = draw(st.integers(2, 4))
    start = draw(st.integers(1978, 2020))
    years = list(range(start, start + n_years))
    if draw(st.booleans()):
        years.reverse()
    text_numbers = draw(st.booleans())
    cells: dict[tuple[str, str, int], object] = {}
    for ind, _u in indicators:
        for reg in regions:
            for y in years:
                v = draw(st.integers(-99_999, 9_999_999)) / 100
                cells[(ind, reg, y)] = v
    # a few markers, never a whole row or column of them (those would read as headings)
    keys = sorted(cells)
    n_markers = draw(st.integers(0, min(2, len(keys) // 4)))
    for k in draw(
        st.lists(st.sampled_from(keys), min_size=n_markers, max_size=n_markers, unique=True)
    ):
        cells[k] = draw(st.sampled_from(sorted(MARKERS)))
    repeat_ok = (
        len(regions)
        if across and (depth > 1 or title_indicator)
        else len(indicators)
        if across
        else len(years)
    ) >= 2
    numeric = [k for k in keys if not isinstance(cells[k], str)]
    footnote = draw(st.sampled_from(numeric)) if numeric and draw(st.booleans()) else None
    return Case(
        indicators=indicators,
        regions=regions,
        years=years,
        cells=cells,
        across=across,
        depth=depth,
        unit_line=unit_line,
        title=title_indicator or draw(st.booleans()),
        notes=draw(st.booleans()),
        paging=draw(st.sampled_from(["single", "repeat", "tile"])) if repeat_ok else "single",
        lead_rows=draw(st.integers(0, 3)),
        lead_cols=draw(st.integers(0, 2)),
        year_style=draw(st.sampled_from(["int", "float", "text", "spaced", "end", "mixed"])),
        text_numbers=text_numbers,
        bilingual=draw(st.booleans()),
        indent=draw(st.sampled_from(["", "  ", "\u3000\u3000", "\xa0\xa0"])),
        tile_offset=draw(st.integers(0, 2)),
        footnote=footnote,
        title_indicator=title_indicator,
    )


def _year_cell(case: Case, y: int):
    if case.year_style == "mixed":  # typed inconsistently: numbers and text in one table
        return y if y % 2 else f"{y}年"
    styles = {"int": y, "float": float(y), "text": f"{y}年", "spaced": f"{y} 年", "end": f"{y}年末"}
    return styles[case.year_style]


def render(case: Case, path: Path) -> None:
    """Write ``case`` as a yearbook sheet and fill ``case.expected``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    draw_table(ws, case, 1 + case.lead_rows, 1 + case.lead_cols, "3-7")
    wb.save(path)


def draw_table(ws, case: Case, r0: int, c0: int, tid: str) -> tuple[int, int]:
    """Draw ``case`` with its top-left corner at (r0, c0); return (next free row, last column)."""
    r = r0
    if case.title:
        name = f"各县区{case.indicators[0][0]}" if case.title_indicator else "测试统计表"
        ws.cell(r, c0, f"{tid}  {name}")
        r += 1
    if case.unit_line:
        ws.cell(r, c0, f"单位：{case.indicators[0][1]}")
        r += 1

    def label(ind: str, unit: str) -> str:
        return ind if case.unit_line else f"{ind}({unit})"

    def head(text: str, ind: str) -> str:  # a header cell, bilingual when asked
        return f"{text}\r\n{ENGLISH[ind]}" if case.bilingual else text

    # columns: list of (indicator, region, year) partial keys per column; rows likewise
    if case.title_indicator and case.across:  # rows: regions, columns: years
        row_keys = list(case.regions)
        col_keys = list(case.years)
        stub_label = "地区"
    elif case.title_indicator:  # rows: years, columns: regions
        row_keys = list(case.years)
        col_keys = list(case.regions)
        stub_label = "年份"
    elif case.across:
        if case.depth == 1:  # rows: indicators (unit in the name), columns: years
            row_keys = [(ind, case.regions[0]) for ind, _ in case.indicators]
            col_keys = list(case.years)
            stub_label = "指标"
        else:  # rows: regions, columns: indicator x year
            row_keys = list(case.regions)
            col_keys = [(ind, y) for ind, _ in case.indicators for y in case.years]
            stub_label = "地区"
    else:
        if case.depth == 1:  # rows: years, columns: indicators
            row_keys = list(case.years)
            col_keys = [(ind, case.regions[0]) for ind, _ in case.indicators]
            stub_label = "年份"
        else:  # rows: years, columns: indicator x region
            row_keys = list(case.years)
            col_keys = [(ind, reg) for ind, _ in case.indicators for reg in case.regions]
            stub_label = "年份"
    units = dict(case.indicators)

    def write_header(top: int, left: int) -> int:
        ws.cell(top, left, stub_label)
        if case.depth > 1:
            ws.merge_cells(
                start_row=top, start_column=left, end_row=top + case.depth - 1, end_column=left
            )
        for j, key in enumerate(col_keys):
            col = left + 1 + j
            if case.depth == 1:
                if case.across:
                    ws.cell(top, col, _year_cell(case, key))
                elif case.title_indicator:
                    ws.cell(top, col, key)
                else:
                    ind = key[0]
                    ws.cell(top, col, head(label(ind, units[ind]), ind))
            else:
                ind, inner = key
                width = len(case.years) if case.across else len(case.regions)
                if j % width == 0:
                    name = ind if (case.depth == 3 or case.unit_line) else label(ind, units[ind])
                    ws.cell(top, col, head(name, ind))
                    if width > 1:
                        ws.merge_cells(
                            start_row=top, start_column=col, end_row=top, end_column=col + width - 1
                        )
                    if case.depth == 3:  # second row: the unit, or the English name
                        ws.cell(top + 1, col, ENGLISH[ind] if case.unit_line else f"({units[ind]})")
                        if width > 1:
                            ws.merge_cells(
                                start_row=top + 1,
                                start_column=col,
                                end_row=top + 1,
                                end_column=col + width - 1,
                            )
                inner_cell = _year_cell(case, inner) if case.across else inner
                ws.cell(top + case.depth - 1, col, inner_cell)
        return top + case.depth

    def write_rows(top: int, left: int, keys: list) -> int:
        r = top
        for rk in keys:
            if case.across and case.depth == 1 and not case.title_indicator:
                ws.cell(r, left, label(rk[0], units[rk[0]]))
            elif isinstance(rk, int):
                ws.cell(r, left, _year_cell(case, rk))
            else:
                ws.cell(r, left, case.indent + rk)
            for j, ck in enumerate(col_keys):
                if case.title_indicator:
                    ind = case.indicators[0][0]
                    key = (ind, rk, ck) if case.across else (ind, ck, rk)
                elif case.across and case.depth == 1:
                    key = (rk[0], rk[1], ck)
                elif case.across:
                    key = (ck[0], rk, ck[1])
                else:
                    key = (ck[0], ck[1], rk)
                raw = case.cells[key]
                col = left + 1 + j
                addr = f"{get_column_letter(col)}{r}"
                if isinstance(raw, str):  # a marker
                    ws.cell(r, col, raw)
                    case.expected[key] = (None, MARKERS[raw], units[key[0]], addr)
                else:
                    text = f"{raw:,.2f}" if case.text_numbers else raw
                    if key == case.footnote:
                        text = f"{raw:.2f}①"
                    ws.cell(r, col, text)
                    case.expected[key] = (raw, "A", units[key[0]], addr)
            r += 1
        return r

    continued = f"{tid}  续表" if case.title else "续表"
    last_col = c0 + len(col_keys)
    if case.paging == "single":
        r = write_rows(write_header(r, c0), c0, row_keys)
    else:
        half = len(row_keys) // 2
        first, second = row_keys[:half], row_keys[half:]
        end_left = write_rows(write_header(r, c0), c0, first)
        if case.paging == "repeat":
            ws.cell(end_left, c0, continued)
            r = write_rows(write_header(end_left + 1, c0), c0, second)
        else:  # tile: the second page to the right, tile_offset rows lower, one empty column
            left2 = c0 + len(col_keys) + 2
            top2 = r + case.tile_offset
            if case.tile_offset:
                ws.cell(top2 - 1, left2, continued)
            end_right = write_rows(write_header(top2, left2), left2, second)
            r = max(end_left, end_right)
            last_col = left2 + len(col_keys)
    if case.notes:
        ws.cell(r, c0, "注：本表数据为测试数据。")
        ws.cell(r + 1, c0, "资料来源：连云港市统计局")
        r += 2
    if case.footnote:
        ws.cell(r, c0, "注：①为快报数。")
        r += 1
    return r, last_col


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases())
def test_random_layouts_read_back_unchanged(case: Case):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "layout.xlsx"
        render(case, path)
        region = case.regions[0] if case.depth == 1 and not case.title_indicator else None
        tidy = greenstats.read_yearbook(path, region=region)
        ledger = greenstats.cell_ledger(path)
        written = {cell for (_sheet, cell) in source_cells(path, formulas=True)}
    # the ledger accounts for every written cell once, and its value/marker cells are the rows
    cells = list(ledger["source_cell"])
    assert len(cells) == len(set(cells)), "a cell twice in the ledger"
    assert set(cells) == written, (sorted(written - set(cells)), sorted(set(cells) - written))
    assert set(ledger["role"]) <= set(LEDGER_ROLES)
    body = set(ledger.loc[ledger["role"].isin(["value", "marker"]), "source_cell"])
    assert body == set(tidy["source_cell"]), sorted(body ^ set(tidy["source_cell"]))
    assert len(tidy) == len(case.expected), (
        f"{len(tidy)} rows, expected {len(case.expected)}\n{tidy[['indicator', 'region', 'year', 'value', 'source_cell']]}"
    )
    got = {}
    for row in tidy.itertuples(index=False):
        key = (row.indicator, row.region, None if pd.isna(row.year) else int(row.year))
        assert key not in got, f"duplicate key {key}"
        got[key] = row
    for key, (value, status, unit, addr) in case.expected.items():
        assert key in got, f"missing {key}; got keys {sorted(got, key=str)[:8]}"
        row = got[key]
        assert row.status == status, (key, row.status, status)
        if value is None:
            assert pd.isna(row.value), (key, row.value)
        else:
            assert math.isclose(row.value, value, rel_tol=1e-12), (key, row.value, value)
            assert row.unit == unit, (key, row.unit, unit)
        assert row.source_cell == addr, (key, row.source_cell, addr)
        assert row.source_sheet == "表"
        if case.title:
            assert row.table_id == "3-7", (key, row.table_id)
        if case.notes:
            assert "连云港市统计局" in str(row.note), (key, row.note)
        if case.footnote:
            marked = "快报数" in str(row.note)
            assert marked == (key == case.footnote), (key, case.footnote, row.note)
        if case.bilingual and not case.title_indicator and not (case.across and case.depth == 1):
            assert ENGLISH[key[0]] in str(row.indicator_en), (key, row.indicator_en)


CELL_TEXTS = [
    "地区",
    "指标",
    "2020年",
    "2021",
    "比上年增长(%)",
    "单位：万吨",
    "注：测试",
    "续表",
    "全市",
    "  海州区",
    "#其中",
    "…",
    "-",
    "NA",
    "12.5①",
    "１２",
    "(万人)",
    "3-1  表题",
]
grid_cell = st.one_of(
    st.none(),
    st.none(),
    st.sampled_from(CELL_TEXTS),
    st.integers(-5, 2030),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
)


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(st.lists(grid_cell, min_size=1, max_size=6), min_size=1, max_size=8),
    st.lists(
        st.tuples(st.integers(1, 8), st.integers(1, 6), st.integers(0, 2), st.integers(0, 2)),
        max_size=2,
    ),
)
def test_random_grids_never_crash_and_ledger_is_complete(grid, merges):
    """Any grid either reads or raises a GreenstatsError (issue point 13: no bare KeyError or
    IndexError); and whenever the ledger is produced it lists every non-empty cell once."""
    from greenstats.errors import GreenstatsError

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "grid"
    written = set()
    for r, row in enumerate(grid, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(r, c, v)
                written.add(f"{get_column_letter(c)}{r}")
    for r, c, dr, dc in merges:
        if dr or dc:
            try:
                ws.merge_cells(start_row=r, start_column=c, end_row=r + dr, end_column=c + dc)
            except ValueError:
                pass
    # merging blanks every cell of the range but its top-left one
    written = {a for a in written if ws[a].value is not None}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "grid.xlsx"
        wb.save(path)
        try:
            tidy = greenstats.read_yearbook(path)
        except GreenstatsError:
            tidy = None
        try:
            ledger = greenstats.cell_ledger(path)
        except GreenstatsError:
            ledger = None
    if tidy is not None:
        assert set(tidy["source_cell"]) <= {
            f"{get_column_letter(c)}{r}" for r in range(1, 10) for c in range(1, 10)
        }
    if ledger is not None:
        cells = list(ledger["source_cell"])
        assert len(cells) == len(set(cells)), "a cell twice in the ledger"
        assert set(cells) == written, (sorted(written - set(cells)), sorted(set(cells) - written))


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    cases().filter(lambda c: c.depth > 1),
    cases().filter(lambda c: c.depth > 1),
    st.sampled_from(["stacked", "side"]),
    st.integers(1, 2),
    st.integers(0, 2),
)
def test_two_tables_in_one_sheet(first: Case, second: Case, arrangement, gap, offset):
    """Two numbered tables stacked or side by side in one sheet keep apart, each with its own
    table_id, values and addresses (issue point 10)."""
    first.title = second.title = True
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    r0, c0 = 1 + first.lead_rows, 1 + first.lead_cols
    end_row, last_col = draw_table(ws, first, r0, c0, "3-7")
    if arrangement == "stacked":
        draw_table(ws, second, end_row + gap, c0, "3-8")
    else:
        draw_table(ws, second, r0 + offset, last_col + 1 + gap, "3-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "two.xlsx"
        wb.save(path)
        tidy = greenstats.read_yearbook(path)
    expected = {("3-7", *k): v for k, v in first.expected.items()}
    expected |= {("3-8", *k): v for k, v in second.expected.items()}
    assert len(tidy) == len(expected), tidy[
        ["table_id", "indicator", "region", "year", "source_cell"]
    ]
    for row in tidy.itertuples(index=False):
        key = (
            row.table_id,
            row.indicator,
            row.region,
            None if pd.isna(row.year) else int(row.year),
        )
        assert key in expected, f"unexpected {key} at {row.source_cell}"
        value, status, unit, addr = expected[key]
        assert row.source_cell == addr, (key, row.source_cell, addr)
        assert row.status == status, (key, row.status, status)
        if value is not None:
            assert math.isclose(row.value, value, rel_tol=1e-12), (key, row.value, value)
            assert row.unit == unit, (key, row.unit, unit)
