"""The grid's bulk reading of wide rows of one shape gives exactly what reading the same rows
cell by cell gives (the oracle: the same grid with the bulk path switched off), and plain
numbers reach the parser as cells that read like any other cell."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenstats import layout
from greenstats.io.containers import Sheet
from greenstats.layout import _Grid, _PlainNum, parse_sheet

NAN, INF = math.nan, math.inf


def _wide_rows() -> list[list[object]]:
    """Rows of 10 columns: a label, 9 numbers; a run of 20 rows of one shape (read in bulk
    once its 16th row is seen), odd rows within the run and after it, then the run again."""
    head = ["地区", *[f"{y}年" for y in range(2011, 2020)]]
    base = [[f"县{i}", *[float(100 * i + k) for k in range(9)]] for i in range(20)]
    base[4][3] = NAN  # rows that stay cell by cell when the run joins bulk reading
    base[7][0] = ""
    odd = [
        ["甲", *[1.5] * 4, NAN, *[2.5] * 4],  # a NaN in a row of the shape: a marker cell
        ["乙", *[1.0] * 4, INF, -INF, *[3.0] * 3],  # inf - inf sums to NaN: cell by cell
        ["丙", *[7.0] * 9],
        ["", *[8.0] * 9],  # an empty text in the label column of the shape
        ["…", *[9.0] * 9],  # a marker in the label column
        ["12.5", *[9.5] * 9],  # a number stored as text
        [3, *[4.0] * 9],  # an int cell
        ["丁", *[5.0] * 4, None, *[5.0] * 4],  # a gap: another shape
        ["戊", *[6.0] * 4, None, *[6.0] * 4],
        [True, *[1.0] * 9],
        [dt.date(2020, 1, 1), *[1.0] * 9],
        ["己", *[2.0] * 9],
        ["庚", *[2.0] * 9, "注"],
        ["辛", *[2.0] * 9, "注"],
        ["壬", *[2.0] * 9, "注"],
    ]
    return [head, *base, *odd, *base]


def _snapshot(g: _Grid) -> tuple:
    """Everything the parser asks a grid, row by row and column by column."""
    rng = range(g.nr)
    rows = [[(c, type(ci).__name__, repr(ci)) for c, ci in g.rmap(r).items()] for r in rng]
    cells = [[repr(g.get(r, c)) for c in range(g.nc + 1)] for r in rng]
    columns = [[repr(x) for x in g.column(rng, c)] for c in range(g.nc + 1)]
    # rows 16-20: one shape read in bulk by the fast grid (the column at C speed)
    columns += [[repr(x) for x in g.column(range(16, 21), c)] for c in range(g.nc + 1)]
    others = [[(c, repr(ci)) for c, ci in g.other_items(r)] for r in rng]
    return (
        rows,
        cells,
        columns,
        others,
        [sorted(g.cols(r)) == sorted(g.colset(r)) == sorted(g.rmap(r)) for r in rng],
        [g.non_year_number(r) for r in rng],
        g.nonplain,
        g.text_only,
        g.numish,
        g.first,
        g.last,
        g.ncells,
        g.col_total(),
    )


@pytest.fixture
def cell_by_cell(monkeypatch):
    def build(sheet: Sheet) -> _Grid:
        monkeypatch.setattr(layout, "_GRID_RUN", 10**9)
        try:
            return _Grid(sheet)
        finally:
            monkeypatch.undo()

    return build


def test_bulk_rows_equal_cell_by_cell(cell_by_cell):
    sheet = Sheet("S", _wide_rows(), ())
    bulk, slow = _Grid(sheet), cell_by_cell(sheet)
    assert _snapshot(bulk) == _snapshot(slow)


def test_bulk_rows_hold_what_the_cells_say():
    rows = _wide_rows()
    g = _Grid(Sheet("S", rows, ()))
    # the run of 20 rows is read in bulk, its first 15 rows joining it once the 16th is seen
    assert g.row_map[0] is not None and g.shape_of[0] is None  # the header row
    bulk_rows = [r for r in range(1, 21) if r not in (5, 8)]
    assert all(g.row_map[r] is None and g.shape_of[r] is g.shape_of[16] for r in bulk_rows)
    # row 5 holds a NaN (a marker cell), row 8 an empty label: they stay cell by cell
    assert g.row_map[5] is not None and g.get(5, 3).kind == layout._MARK
    assert g.row_map[8] is not None and 0 not in g.row_map[8]
    assert g.column(range(16, 21), 0)[1].raw == "县16" and g.column([17, 20], 9) == [1608.0, 1908.0]
    assert g.column([16, 17], 10) == [None, None]
    # a row read in bulk: label a text cell, numbers plain floats
    m = g.rmap(18)
    assert list(m) == list(range(10))
    assert m[0].kind == layout._TEXT and m[0].raw == "县17"
    assert [m[c] for c in range(1, 10)] == [1700.0 + k for k in range(9)]
    assert all(type(m[c]) is float for c in range(1, 10))
    assert g.nonplain[18] == [0]
    # NaN (within the run): a marker with status M; the row's other numbers stay plain
    r_nan = 1 + 20
    assert g.get(r_nan, 5).kind == layout._MARK and g.get(r_nan, 5).status == "M"
    assert 5 in g.nonplain[r_nan] and 5 in g.numish
    # inf - inf: both kept as numbers, cell by cell
    r_inf = r_nan + 1
    assert g.rmap(r_inf)[5] == INF and g.rmap(r_inf)[6] == -INF
    # an empty text is no cell; a marker and a number stored as text are "numish"
    assert 0 not in g.rmap(r_inf + 2)
    assert g.get(r_inf + 3, 0).kind == layout._MARK
    assert g.get(r_inf + 4, 0).kind == layout._NUM and g.get(r_inf + 4, 0).value == 12.5
    assert 0 in g.numish
    # an int is a number cell, not among the columns of cells that are not plain numbers
    r_int = r_inf + 5
    assert g.get(r_int, 0).kind == layout._NUM and g.get(r_int, 0).value == 3.0
    assert 0 not in g.nonplain[r_int]
    # a gap: the column is absent from that row
    assert 5 not in g.rmap(r_int + 1) and g.first[r_int + 1] == 0 and g.last[r_int + 1] == 9
    # column counts: every row fills columns 0-9, except the three rows with an empty label
    # (column 0: one odd row, row 8 of each run) and the two gap rows (column 5); column 10
    # only in the three rows with a note
    total = g.col_total()
    assert total[5] == g.nr - 2 and total[0] == g.nr - 3 and total[10] == 3


def test_plain_numbers_read_as_cells():
    g = _Grid(Sheet("S", _wide_rows(), ()))
    assert type(g.get(18, 3)) is _PlainNum and g.get(18, 3) == 1702.0  # a row read in bulk
    ci = g.get(2, 3)
    assert type(ci) is _PlainNum
    assert (ci.kind, ci.raw, ci.value, ci.status, ci.note, ci.unit) == (
        layout._NUM,
        102.0,
        102.0,
        "A",
        None,
        None,
    )
    assert ci.text == "102"
    row = g.row(2)
    assert row is g.row(2)  # built once
    assert [type(x).__name__ for _, x in row[1:]] == ["_PlainNum"] * 9
    assert [(r, c) for (r, c), _ in g.items()][:3] == [(0, 0), (0, 1), (0, 2)]


def test_parse_same_with_and_without_bulk(cell_by_cell, monkeypatch):
    rows = [["地区", *[f"{y}年" for y in range(2011, 2020)]]]
    rows += [[f"县{i}", *[float(10 * i + k) for k in range(9)]] for i in range(1, 30)]
    rows[7][4] = "…"
    rows[12][6] = NAN
    sheet = Sheet("S", rows, ())
    fast = parse_sheet(sheet, file_name="f.xlsx")
    monkeypatch.setattr(layout, "_GRID_RUN", 10**9)
    slow = parse_sheet(sheet, file_name="f.xlsx")
    assert fast.rows == slow.rows
    assert fast.ledger == slow.ledger
    # and by hand: 29 regions x 9 years (column c is year 2010 + c), 县7's 2014 a marker,
    # 县12's 2016 a missing value
    assert len(fast.rows) == 29 * 9
    by = {(x["region"], x["year"]): x for x in fast.rows}
    assert by[("县7", 2014)]["status"] != "A" and math.isnan(by[("县7", 2014)]["value"])
    assert by[("县12", 2016)]["status"] == "M"
    assert by[("县3", 2019)]["value"] == 38.0


def test_rows_in_long_runs_match_the_cells():
    """``rows_in`` over a long run (the numpy path) against the raw rows themselves."""
    rows: list[list[object]] = []
    for r in range(400):
        k = r % 7
        if k == 0:
            row = [f"县{r}", *[float(r + c) for c in range(9)]]  # within columns 0-9
        elif k == 1:
            row = [None] * 12 + ["旁注"]  # only right of the band
        elif k == 2:
            row = ["左", None, None, None, None, None, None, None, None, None, None, None, "右"]
        elif k == 3:
            row = []  # empty
        elif k == 4:
            row = [None, None, None, 1.0, 2.0]  # inside, not from column 0
        elif k == 5:
            row = [None] * 11 + ["x", "y"]  # across the band's right edge, nothing inside
        else:
            row = ["", None, 3.0, *[None] * 10, "z"]  # an empty text; a number inside
        rows.append(row)
    g = _Grid(Sheet("S", rows, ()))

    def by_hand(r0: int, r1: int, lo: int, hi: int) -> list[int]:
        return [r for r in range(r0, r1) if any(v not in (None, "") for v in rows[r][lo : hi + 1])]

    for r0, r1, lo, hi in [(0, 400, 0, 9), (3, 390, 0, 11), (0, 400, 2, 4), (0, 400, 11, 12)]:
        assert g.rows_in(r0, r1, lo, hi) == by_hand(r0, r1, lo, hi)
    # a short run takes the loop: the same answer
    assert g.rows_in(0, 30, 0, 9) == by_hand(0, 30, 0, 9)


def test_source_cells_against_string_building():
    from greenstats.io.containers import column_letter
    from greenstats.layout import _source_cells

    cols = [0, 1, 25, 26, 27, 701, 702, 16383]  # A, B, Z, AA, AB, ZZ, AAA, XFD
    letters = [column_letter(c) for c in cols]
    assert letters[:4] == ["A", "B", "Z", "AA"] and letters[-1] == "XFD"
    rows = [0, 8, 9, 10, 98, 99, 100, 998, 999, 1000, 12345, 1048575]
    got = _source_cells(letters, rows).to_pylist()
    assert got == [f"{lt}{r + 1}" for r in rows for lt in letters]
    assert got[:3] == ["A1", "B1", "Z1"] and got[-1] == "XFD1048576"


def test_text_block_against_lists():
    from greenstats.layout import _text_block

    per_col = ["用水总量", None, "", "GDP (亿元)"]
    per_row = ["连云港市", "海州区", None, "赣榆区"]
    tiled = _text_block(per_col, 4, 3, tiled=True).to_pylist()
    assert tiled == per_col * 3
    repeated = _text_block(per_row, 2, 4, tiled=False).to_pylist()
    assert repeated == [t for t in per_row for _ in range(2)]
    with pytest.raises(TypeError):
        _text_block(["a", 2.0], 2, 1, tiled=True)


def test_source_cells_rows_in_any_order_and_empty():
    from greenstats.layout import _source_cells

    rows = [1000, 5, 99, 99999, 7, 12]
    assert _source_cells(["D", "AB"], rows).to_pylist() == [
        f"{lt}{r + 1}" for r in rows for lt in ("D", "AB")
    ]
    assert _source_cells(["A"], []).to_pylist() == []
    assert _source_cells([], [3]).to_pylist() == []


def test_formula_without_cache_in_a_bulk_row(cell_by_cell):
    """Formula cells without a cached value: one right of the end of a row read in bulk
    (that row turns back to cell by cell), one in an empty cell of a row read cell by cell."""
    rows = _wide_rows()
    rows[18] = [*rows[18][:5], None, *rows[18][6:]]  # row 18: column 5 empty
    sheet = Sheet("S", rows, (), formula_no_cache=frozenset({(18, 5), (17, 12)}))
    bulk, slow = _Grid(sheet), cell_by_cell(sheet)
    assert _snapshot(bulk) == _snapshot(slow)
    for r, c in [(18, 5), (17, 12)]:
        ci = bulk.get(r, c)
        assert ci.kind == layout._MARK and ci.status == "F"
        assert c in bulk.nonplain[r] and c in bulk.numish
    assert bulk.row_map[17] is not None and bulk.shape_of[17] is None
    assert bulk.nc == 13 and bulk.last[17] == 12
    # the rows around them, still read in bulk, keep their own columns (a list rows of one
    # shape share is not extended for one of them)
    assert bulk.shape_of[16] is not None and bulk.nonplain[16] == [0] == bulk.nonplain[19]
    assert bulk.text_only[16] and not bulk.text_only[17]


def test_texts_of_bulk_rows_read_per_column():
    """Rows of a shape whose other columns hold text: their texts are classified once per
    distinct text after the rows are read (a label, a marker, an empty text), and each row's
    cells are the sheet's cells of its texts."""
    head = ["地区", "年份", "值"]
    rows = [head] + [[f"县{i % 7}", float(2000 + i), float(i)] for i in range(40)]
    rows[30][0] = "…"  # a marker in the label column of the run
    rows[33][0] = ""  # an empty text: that row is read cell by cell
    g = _Grid(Sheet("S", rows, ()))
    sh = g.shape_of[20]
    assert sh is not None and sh.texts_only and g.shape_of[2] is sh
    assert g.shape_of[33] is None and g.row_map[33] == {1: 2032.0, 2: 32.0}
    assert sh.count == 39  # 40 body rows less the one with an empty text
    assert g.get(30, 0).kind == layout._MARK and not g.text_only[30] and 0 in g.numish
    assert g.text_only[29] and g.nonplain[29] == [0]
    # one cell per distinct text: 县3 in rows 4, 11, 18, ... is the same object
    assert g.get(4, 0) is g.get(11, 0) is g.column([18, 25], 0)[0] is g.other(25)[0]
    assert g.get(4, 0).raw == "县3" and g.column(range(28, 32), 0)[2].raw == "…"
    assert (g.first[33], g.last[33], g.ncells[33]) == (1, 2, 2)


@pytest.mark.parametrize("n_rows", [100, 300])
def test_body_counts_short_and_long_bodies(n_rows):
    """Column counts of a body, [numbers, markers and blanks, text], counted by hand: a
    label column, three number columns (every 10th value of the second a marker), a side
    note beyond an empty column on every 50th row (outside the band)."""
    from greenstats.layout import _SheetParser

    rows: list[list[object]] = [["地区", "甲", "乙", "丙"]]
    for i in range(1, n_rows + 1):
        row: list[object] = [f"县{i}", float(i), "…" if i % 10 == 0 else float(i) + 0.5, 1.0]
        if i % 50 == 0:
            row += [None, None, "注：另计"]
        rows.append(row)
    parser = _SheetParser(Sheet("S", rows, ()), "f.xlsx", None, None, None, None)
    num_cols, stats = parser._body_stats(list(range(1, n_rows + 1)), 0, 3)
    marks = n_rows // 10
    assert num_cols == {1, 2, 3}
    assert stats[0] == [0, 0, n_rows]
    assert stats[1] == [n_rows, 0, 0] and stats[3] == [n_rows, 0, 0]
    assert stats[2] == [n_rows - marks, marks, 0]
    assert 6 not in stats


def test_uniform_shape_of_rows():
    g = _Grid(Sheet("S", _wide_rows(), ()))
    sh = g.shape_of[16]
    assert sh is not None
    assert g.uniform_shape([16, 17, 18]) is sh
    assert g.uniform_shape([20, 16, 18]) is sh  # any order
    assert g.uniform_shape([4, 6]) is sh  # row 5 between them is not of the shape
    assert g.uniform_shape([4, 5, 6]) is None  # row 5 (a NaN) is read cell by cell
    assert g.uniform_shape([0, 1]) is None and g.uniform_shape([]) is None


def test_has_cells_is_whether_cells_are_listed():
    """``has_cells`` answers what ``bool(cells(r, lo, hi))`` answers, for every row and every
    band of columns of a grid with gaps, bulk rows, leading blanks and empty rows."""
    rows = _wide_rows()
    rows.insert(3, [None] * 10)  # an empty row
    rows.insert(5, [None, None, None, "注", None, None])  # one cell, inside a band
    rows.insert(6, [None, 1.0, *[None] * 7, 2.0])  # cells only at both ends
    g = _Grid(Sheet("S", rows, ()))
    assert any(g.shape_of[r] is not None for r in range(g.nr))  # bulk rows among them
    for r in range(g.nr):
        for lo in range(g.nc + 1):
            for hi in range(lo, g.nc + 1):
                assert g.has_cells(r, lo, hi) == bool(g.cells(r, lo, hi)), (r, lo, hi)
    # by hand: the row with cells at columns 1 and 9 only
    assert not g.has_cells(6, 2, 8) and g.has_cells(6, 0, 1) and g.has_cells(6, 9, 12)
    assert not g.has_cells(3, 0, 12) and g.has_cells(5, 3, 3) and not g.has_cells(5, 4, 9)


# values a column of a random run may hold: mostly its own type, sometimes another
_ODD = [math.nan, math.inf, None, "", "…", "-", "12.5", "NA", "  ", "注：x", 3, True, 2015.0]


@st.composite
def _runs(draw) -> tuple[list[list[object]], frozenset[tuple[int, int]]]:
    """A grid of 22-60 rows of one column layout with two number columns or more (so runs
    are read in bulk), a cell now and then replaced by an odd value, and a few formula cells
    without a cached value."""
    kinds = ["f", "f", *draw(st.lists(st.sampled_from("ftzni"), min_size=0, max_size=4))]
    kinds = draw(st.permutations(kinds))
    n_cols = len(kinds)
    n_rows = draw(st.integers(22, 60))
    odd = draw(st.sampled_from([0.005, 0.01, 0.02]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = random.Random(seed)
    rows = []
    for _ in range(n_rows):
        row: list[object] = []
        for k in kinds:
            if k == "f":
                v: object = float(rng.randint(1, 3000))
            elif k == "t":
                v = rng.choice(["县1", "县2", "海州区"])
            elif k == "z":
                v = f"城{rng.randint(0, 40)}"
            elif k == "n":
                v = None
            else:
                v = rng.randint(0, 5)
            if rng.random() < odd:
                v = rng.choice(_ODD)
            row.append(v)
        rows.append(row)
    formulas = draw(
        st.frozensets(st.tuples(st.integers(0, n_rows - 1), st.integers(0, n_cols + 1)), max_size=2)
    )
    return rows, formulas


@settings(max_examples=150, deadline=None, derandomize=True)
@given(_runs())
def test_random_runs_read_in_bulk_as_cell_by_cell(grid):
    """Random runs of rows (labels, numbers, ints, gaps, with markers, empty texts, NaN, inf
    and formula cells sprinkled in): everything the parser asks the grid is the same whether
    the runs are read in bulk or cell by cell, and the bulk row counts add up."""
    rows, formulas = grid
    sheet = Sheet("S", rows, (), formula_no_cache=formulas)
    bulk = _Grid(sheet)
    saved = layout._GRID_RUN
    layout._GRID_RUN = 10**9
    try:
        slow = _Grid(sheet)
    finally:
        layout._GRID_RUN = saved
    assert _snapshot(bulk) == _snapshot(slow)
    assert sum(sh.count for sh in bulk.shapes) == sum(s is not None for s in bulk.shape_of)
