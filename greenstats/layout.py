"""Zero-configuration layout engine: a :class:`~greenstats.io.containers.Sheet` in, tidy rows out.

This module is pure (no I/O). It finds the tables of a sheet and turns every value cell into
one tidy row, and every non-empty cell into one ledger entry with its role.

How a sheet is read
-------------------
1. Cells are classified: number (also numbers stored as text, full-width digits, glued
   footnote markers), marker (``…``, ``-``, ``NA``, ``&nbsp;`` ...), text, or blank.
2. Column bands: printed pages tiled side by side are split at empty columns (over the
   whole sheet, then again within the rows of each segment, so that tiles above or below a
   wider table are found too); a band without numbers joins its neighbour.
3. Segments: within a band, rows holding numbers form table bodies; a title row
   (``9-5 ...``), a continuation row (``续表``, ``continued``) or a repeated header between
   two bodies starts a new segment. A segment without its own title that repeats the
   previous header (or says ``续表``) continues the previous table; rows repeated at the
   page break are ledgered as duplicates and read once.
4. Per segment: title block (table number, Chinese and English titles, year and region in
   the title, NBS metadata rows ``地区：``/``指标：``, unit lines), header block (1-5 rows,
   merged cells, bilingual text, labels wrapped over rows), stub columns (year, region,
   indicator, English twin, unit column ``计量单位``, row numbers ``序号`` and identifier
   columns), body (section rows without values are headers), notes (``注：``, ``资料来源``,
   bound to the cells whose footnote marker they start with, otherwise to the table).
5. Orientation: years from the column headers or the stub; the stub holds regions or
   indicators; growth columns (``比上年增长``) stay in ``breakdown``, never a year.

Examples
--------
>>> from greenstats.io.containers import Sheet
>>> sheet = Sheet(name="S", cells=[
...     ["9-5  全市用水情况"],
...     [None, None, "单位：亿立方米"],
...     ["年  份", "用水总量", "农业用水"],
...     ["2022年", 29.17, 19.57],
...     ["2023年", 29.37, "…"],
... ], merged=())
>>> result = parse_sheet(sheet, file_name="w.xlsx")
>>> [(r["indicator"], r["year"], r["value"], r["unit"], r["status"], r["source_cell"])
...  for r in result.rows]  # doctest: +NORMALIZE_WHITESPACE
[('用水总量', 2022, 29.17, '亿立方米', 'A', 'B4'), ('农业用水', 2022, 19.57, '亿立方米', 'A', 'C4'),
 ('用水总量', 2023, 29.37, '亿立方米', 'A', 'B5'), ('农业用水', 2023, nan, '亿立方米', 'L', 'C5')]
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, islice, repeat
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np

from greenstats import clean
from greenstats.errors import GreenstatsError, LayoutError
from greenstats.io.containers import Sheet, a1, column_letter
from greenstats.specs.recipe import Recipe

__all__ = ["EXTRA_COLUMNS", "LedgerEntry", "SheetResult", "context_from_text", "parse_sheet"]

#: Optional columns written after ``schema.TIDY_COLUMNS``.
EXTRA_COLUMNS: tuple[str, ...] = ("unit_mult", "level", "parent")

# cell kinds
_NUM, _MARK, _TEXT, _BLANK = 1, 2, 3, 4

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_UNIT_LINE = re.compile(r"^[\s\u3000]*(单\s*位|计量单位|unit|units)\s*[:：]", re.IGNORECASE)
_YEAR_WORDS = {"年份", "年度", "年", "时间", "年别", "year", "years", "时期", "period"}
_UNIT_WORDS = {"计量单位", "单位", "unit", "units", "计量单位unit"}
_ID_WORDS = {"id", "编号", "代码", "code", "序号", "行政区划代码", "区划代码", "no", "no."}
_REGION_WORDS = {
    "城市",
    "地区",
    "地市",
    "省份",
    "省",
    "省市",
    "县区",
    "区县",
    "县(市、区)",
    "县（市、区）",
    "区域",
    "市",
    "市县",
    "市别",
    "地区名称",
    "城市名称",
    "city",
    "cities",
    "region",
    "regions",
    "province",
    "area",
    "county",
}
_STUB_HEAD_WORDS = {
    "指标",
    "项目",
    "指标名称",
    "item",
    "items",
    "indicator",
    "indicators",
    "年份",
    "year",
}
_REGION_EXACT = {
    "全国",
    "全省",
    "全市",
    "市区",
    "市辖区",
    "全国总计",
    "总计",
    "合计",
    "全县",
    "全区",
}
_REGION_END = ("市", "省", "县", "区", "州", "盟", "旗", "自治区", "特别行政区")
_GROWTH_START = re.compile(r"(比上年|比去年|同比|年均|平均每年|增长|增速|growth)", re.IGNORECASE)
_NOTE_MARK = re.compile(r"^(?:注\s*[:：]\s*)?([①-⑳*※△▲]|\(\d+\)|（\d+）|[a-z]\))")
_NUM_UNIT = re.compile(r"^\s*(-?\d{1,3}(?:[ \u2009\u202f]\d{3})+|-?\d+)(\.\d+)?\s*(\S.*)$")
_UNIT_MORPHEMES = (
    "%",
    "‰",
    "吨",
    "元",
    "人",
    "米",
    "瓦",
    "焦",
    "卡",
    "小时",
    "个",
    "张",
    "户",
    "辆",
    "公顷",
    "亩",
    "公里",
    "克",
    "标准煤",
    "标煤",
    "tce",
    "kg",
    "km",
    "份",
    "件",
    "所",
    "家",
    "床",
    "次",
    "项",
    "台",
    "套",
    "度",
    "平方",
    "立方",
    "百分比",
    "倍",
    "岁",
    "升",
    "美元",
    "tn",
    "cu.m",
    "kw",
    "kj",
    "persons",
    "yuan",
    "%",
    "头",
    "只",
    "条",
    "艘",
    "座",
    "处",
    "册",
    "部",
    "根",
    "双",
    "匹",
    "片",
    "块",
)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """Role of one non-empty source cell."""

    row: int
    col: int
    raw: str
    role: str
    reason: str | None
    table_id: str | None


@dataclass(slots=True)
class SheetResult:
    """What :func:`parse_sheet` found in one sheet.

    ``columns`` maps each tidy column (``source_file`` excepted) and each extra column of
    :data:`EXTRA_COLUMNS` to its values; ``ledger`` has one entry per non-empty cell;
    ``context`` carries title, unit and year of a sheet without a table (HTML pages keep the
    unit line in a table of its own) to the next sheet.
    """

    columns: dict[str, list[Any]] = field(default_factory=dict)
    ledger: list[LedgerEntry] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    #: ``columns`` holds, per column, a list of pieces (lists, or pyarrow/numpy/pandas
    #: arrays built in bulk) rather than one list of values (``parse_sheet(columnar=True)``)
    columnar: bool = False

    @property
    def n_rows(self) -> int:
        """Number of tidy rows."""
        if self.columnar:
            return sum(len(piece) for piece in self.columns.get("source_cell", ()))
        return len(self.columns.get("source_cell", ()))

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The tidy rows as dicts (convenient in tests; the reader uses ``columns``)."""
        names = list(self.columns)
        cols = self.columns.values()
        return [dict(zip(names, vals, strict=True)) for vals in zip(*cols, strict=True)]


@dataclass(slots=True)
class _Cell:
    kind: int
    raw: Any
    value: float | None = None
    status: str = "A"
    note: str | None = None
    unit: str | None = None

    @property
    def text(self) -> str:
        if isinstance(self.raw, float) and self.raw.is_integer():
            return str(int(self.raw))
        return str(self.raw)


class _PlainNum(float):
    """A cell holding a plain number (a float, not NaN): a :class:`_Cell` of kind ``_NUM``
    with ``raw`` and ``value`` the number itself, status ``A``, no note and no unit.

    Built by ``_Grid`` for most cells of a statistical table: a float subclass costs half a
    ``_Cell`` to make. Its attributes read as a ``_Cell``'s do (``raw`` and ``value`` are
    plain floats); it is always true, as a ``_Cell`` is (``0.0`` included).
    """

    __slots__ = ()
    kind = _NUM
    status = "A"
    note = None
    unit = None
    raw = property(float)
    value = property(float)

    def __bool__(self) -> bool:
        return True

    @property
    def text(self) -> str:
        v = float(self)
        return str(int(v)) if v.is_integer() else str(v)


class _PlainText(str):
    """A cell holding text (no number, no marker): a :class:`_Cell` of kind ``_TEXT`` with
    ``raw`` and ``text`` the text itself, status ``X``, no value, note or unit.

    Built by ``_Grid`` and :func:`_classify_str` for the labels of a table: a str subclass
    costs a fraction of a ``_Cell`` to make (a yearbook sheet holds many distinct labels, a
    research panel one identifier per row). Its attributes read as a ``_Cell``'s do.
    """

    __slots__ = ()
    kind = _TEXT
    value = None
    status = "X"
    note = None
    unit = None
    raw = property(str)
    text = property(str)

    def __bool__(self) -> bool:
        return True


# --------------------------------------------------------------------------- helpers
def _has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def _is_unit(unit: str | None) -> bool:
    """Whether a parenthesised text found by ``clean.parse_unit`` really is a unit."""
    if not unit:
        return False
    low = unit.lower()
    if any(m in low for m in _UNIT_MORPHEMES):
        return not ("计算" in unit or "法" in unit or len(unit) > 16)
    return False


@lru_cache(maxsize=16384)
def _unit_of(text: str) -> tuple[str, str | None]:
    """``clean.parse_unit`` guarded by :func:`_is_unit` (``(发电煤耗计算法)`` is no unit; cached)."""
    label, unit = clean.parse_unit(text)
    if unit is not None and not _is_unit(unit):
        return text, None
    return label, unit


def _number_with_unit(text: str) -> tuple[float, str] | None:
    """A number followed by a unit in one cell (``0.7143 千克标准煤 / 千克``).

    Only units with a ``/`` are taken, so that ``2020年`` or ``1.一次能源`` stay text.
    """
    m = _NUM_UNIT.match(text)
    if not m:
        return None
    unit = m.group(3).strip()
    if "/" not in unit and "／" not in unit:
        return None
    if not (_has_cjk(unit) or unit[:1].isalpha()) or unit[0] in "～~-–—年月日":
        return None
    digits = re.sub(r"[ \u2009\u202f]", "", m.group(1)) + (m.group(2) or "")
    try:
        return float(digits), re.sub(r"\s*/\s*", "/", unit)
    except ValueError:  # pragma: no cover - the regex only lets digits through
        return None


def _classify(v: Any) -> _Cell | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return _Cell(_TEXT, v, status="X")
    if isinstance(v, int | float):
        if isinstance(v, float) and math.isnan(v):
            return _Cell(_MARK, v, None, "M")
        return _Cell(_NUM, v, float(v))
    if isinstance(v, _dt.date | _dt.datetime | _dt.time | _dt.timedelta):
        return _Cell(_TEXT, v, status="X")
    s = str(v)
    if s == "":
        return None
    return _classify_str(s)


_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

#: First characters of the missing-value words that start with a Chinese character (一, 无):
#: a text starting with another Chinese character is never a marker.
_CJK_MISSING_FIRST = frozenset(w[0] for w in clean._MISSING if w and "\u4e00" <= w[0] <= "\u9fff")


@lru_cache(maxsize=65536)
def _classify_str(s: str) -> _Cell:
    """Classify a text cell (cached: labels repeat; the cells are never modified)."""
    if "\u4e00" <= s[0] <= "\u9fff":
        # a Chinese character first: never a number (neither float() nor the number
        # patterns of clean.parse_number accept it); only a missing-value word such as
        # 一 is a marker, exactly as clean.parse_number decides
        if s[0] in _CJK_MISSING_FIRST and (
            s.translate(clean._SPACE_TO_ASCII).strip().lower() in clean._MISSING
        ):
            return _Cell(_MARK, s, None, "M", None)
        return _PlainText(s)
    if s[0] in _ASCII_LETTERS and (
        s.translate(clean._SPACE_TO_ASCII).strip().lower() not in clean._MISSING
    ):
        # a word (``Coal``, ``Total``): never a number (a number starts with a digit, a
        # sign or a point) nor a number with a unit; only a missing-value word (``NA``) is
        # a marker, which the full reading below decides
        return _PlainText(s)
    if s.strip(" \t\r\n") == "":
        return _Cell(_BLANK, s, None, "M")
    p = clean.parse_number(s)
    if p.status == "A" and p.value is not None:
        pct = "%" if s.rstrip().endswith(("%", "％")) else None
        return _Cell(_NUM, s, float(p.value), "A", p.note, pct)
    if p.status != "X":
        return _Cell(_MARK, s, None, p.status, p.note)
    nu = _number_with_unit(s)
    if nu is not None:
        return _Cell(_NUM, s, nu[0], "A", None, nu[1])
    return _PlainText(s)


@lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    return clean.normalize_label(text)


_KEY_DROP = re.compile(r"[\s\u3000\xa0:：]")


@lru_cache(maxsize=16384)
def _key(text: str) -> str:
    """Lower-case, space-free form of a header word for vocabulary look-ups."""
    return _KEY_DROP.sub("", text).lower()


@lru_cache(maxsize=16384)
def _split(text: str) -> tuple[str, str | None]:
    """Chinese part and English part of a label; pure English text gives ``("", en)``."""
    if not _has_cjk(text):
        t = " ".join(text.split())
        return "", (t or None)
    zh, en = clean.split_bilingual(text)
    return zh, en


def _region_like(label: str) -> bool:
    if not label or len(label) > 12:
        return False
    if label in _REGION_EXACT:
        return True
    return label.endswith(_REGION_END) and _has_cjk(label)


def _region_from_title(title: str | None) -> str | None:
    if not title:
        return None
    t = re.sub(r"^\s*(\d{4}\s*年)?", "", title)
    if t.startswith(("各", "全国", "分", "中国", "主要")):
        return None
    m = re.match(r"^([\u4e00-\u9fff]{1,8}?(?:自治区|市|省|县))", t)
    return m.group(1) if m else None


def _paren_open(text: str) -> bool:
    return text.count("(") + text.count("（") > text.count(")") + text.count("）")


def _is_year_value(c: _Cell) -> int | None:
    if c.kind == _NUM:
        v = c.value
        if v is not None and float(v).is_integer() and 1900 <= v <= 2100:
            return int(v)
        return None
    if c.kind == _TEXT:
        return clean.parse_year(c.raw)
    return None


def _non_year_number(m: dict[int, Any]) -> bool:
    """Whether a row (its ``_Grid.row_map`` entry) holds a number that is not a year: such a
    row is never a header row of years (the first test of ``_SheetParser._year_header_row``)."""
    for ci in reversed(m.values()):  # from the right: values sit right of the stub
        if type(ci) is float:
            v = ci
        elif ci.kind == _NUM:
            v = ci.value
        else:
            continue
        if not (v.is_integer() and 1900 <= v <= 2100):
            return True
    return False


# --------------------------------------------------------------------------- grid
_NOTE_EN = re.compile(r"^\s*(note|notes|source|sources)\s*[:：]", re.I)


def _new_text_cell(v: str, texts: dict[str, _Cell]) -> _Cell:
    """The cell of a text not yet in ``texts`` (a sheet's cache: labels repeat), added."""
    if "\u4e00" <= v[0] <= "\u9fff" and v[0] not in _CJK_MISSING_FIRST:
        # a Chinese label: text, as ``_classify_str`` decides
        ci: _Cell = _PlainText(v)
    else:
        ci = _classify_str(v)
    texts[v] = ci
    return ci


def _grid_cell(v: Any, texts: dict[str, _Cell]) -> _Cell | None:
    """The cell of a value that is not a plain float (``None`` for an empty one); ``texts``
    caches the cells of a sheet's texts (labels repeat)."""
    if type(v) is str:
        if not v:
            return None
        return texts.get(v) or _new_text_cell(v, texts)
    if type(v) is int:
        return _Cell(_NUM, v, float(v))
    return _classify(v)


_KIND = attrgetter("kind")


def _row_cells(
    row: list[Any], texts: dict[str, _Cell], numish: set[int], cols: list[int] | None = None
) -> tuple[dict[int, Any], list[int], bool] | None:
    """A row read cell by cell (:class:`_Grid`): its non-empty entries (column -> float or
    cell), the columns of those that are not plain numbers, and whether these are all text.
    A column holding a number stored as text or a marker is added to ``numish``.

    With ``cols`` (the other columns of a row of a bulk shape), only those are read, and
    ``None`` is returned when one of them is empty (an empty text): that row is then read
    cell by cell.
    """
    m: dict[int, Any] = {}
    other = []
    alltext = True
    for c, v in (
        enumerate(row) if cols is None else zip(cols, map(row.__getitem__, cols), strict=True)
    ):
        if v is None:
            continue
        tv = type(v)
        if tv is float and v == v:  # a number, not NaN (the common case)
            m[c] = v
            continue
        if tv is str:
            ci = texts.get(v)
            if ci is None:
                if not v:
                    if cols is None:
                        continue
                    return None
                ci = _new_text_cell(v, texts)
        else:
            ci = _grid_cell(v, texts)
            if ci is None:
                if cols is None:
                    continue
                return None
            if tv is int:  # a number cell, though not a float
                m[c] = ci
                continue
        k = ci.kind
        if k != _TEXT:
            alltext = False
            if k == _NUM or k == _MARK:
                numish.add(c)
        m[c] = ci
        other.append(c)
    return m, other, alltext


def _plain(ci: Any) -> Any:
    """A grid entry as a cell: a plain number (a float) as :class:`_PlainNum`."""
    return _PlainNum(ci) if type(ci) is float else ci


#: :class:`_Grid` reads a run of rows of one shape in bulk once :data:`_GRID_RUN` rows in a
#: row share it (a research panel's thousands of rows; a yearbook table's few rows are read
#: cell by cell), when they hold at least :data:`_GRID_BULK_NUMS` numbers; the run's earlier
#: rows then join it
_GRID_RUN = 16
_GRID_BULK_NUMS = 2


@dataclass(slots=True, eq=False)
class _Shape:
    """The layout shared by rows read in bulk by :class:`_Grid`: the same type in each
    column, so the same columns hold numbers, other values and nothing."""

    order: list[int]  # the non-empty columns
    cols: frozenset[int]  # the same, as a set
    nums: list[int]  # the columns holding floats
    num_set: frozenset[int]
    others: list[int]  # the columns holding other values
    full: bool  # no empty column (``order`` is every column of the row)
    take_nums: Any  # itemgetter of the numbers
    take: Any  # itemgetter of the non-empty values
    count: int = 0  # rows of this shape read in bulk
    # every other column holds text: a row's other cells are the sheet's cells of its texts,
    # looked up when asked for (``_Grid.other``) rather than kept per row
    texts_only: bool = False
    pending: list[int] | None = None  # rows of the shape whose texts are yet to be read


class _Grid:
    """The non-empty cells of a sheet, row by row.

    A plain number (a float, not NaN) is kept as the float itself: most cells of a
    statistical table are plain numbers, and the bulk paths (:meth:`_SheetParser._panel_body`,
    ``_body_stats``, ``_segments``) need only to know where they are. Every other cell is a
    :class:`_Cell`. :meth:`get`, :meth:`row`, :meth:`cells` and :meth:`items` hand plain
    numbers over as :class:`_PlainNum`, which reads as a ``_Cell`` does.

    A long run of rows of one shape (the same type in each column: the body of a panel) is
    read in bulk: the positions of its numbers are found once, each row's numbers are
    checked for NaN by one ``sum`` and only its other cells are classified; such a row's
    dict column -> entry (:meth:`rmap`) is built only when asked for, and :meth:`column`
    reads a column of the run at C speed. Other rows are read cell by cell into
    ``row_map``.
    """

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        rows = sheet.cells
        self.nr = len(rows)
        self.nc = max(map(len, rows), default=0)
        # per row: the non-empty cells as a dict column -> float or cell, in column order;
        # None for a row read in bulk (see :meth:`rmap`)
        self.row_map: list[dict[int, Any] | None] = []
        # per row read in bulk: its shape, and its cells that are not floats (else None)
        self.shape_of: list[_Shape | None] = []
        self.others: list[dict[int, _Cell] | None] = []
        # per row: the columns of cells that are not plain numbers (text, markers, numbers
        # stored as text); a body row whose value columns avoid them takes the bulk path
        self.nonplain: list[list[int]] = []
        # per row: how many non-empty cells it has; whether its cells that are not plain
        # numbers (``nonplain``) are all text
        self.ncells: list[int] = []
        self.text_only: list[bool] = []
        # the columns holding a cell that is not a plain number but a number or a marker (a
        # number stored as text, "…"): ``_SheetParser._bands`` counts such columns as numeric
        self.numish: set[int] = set()
        # per row: the first and last column holding a cell (-1 for an empty row)
        self.first: list[int] = []
        self.last: list[int] = []
        first, last = self.first, self.last
        self.shapes: list[_Shape] = []
        texts: dict[str, _Cell] = {}  # the sheet's text cells (labels repeat)
        row_maps, nonplain, numish = self.row_map, self.nonplain, self.numish
        shape_of, others, ncells, text_only = (
            self.shape_of,
            self.others,
            self.ncells,
            self.text_only,
        )
        none_t = type(None)
        types_seen: list[type] | None = None
        sh: _Shape | None = None  # the shape of the current run, once read in bulk
        run = 0  # rows in a row of the shape ``types_seen`` (-1: not to be read in bulk)
        # (a sheet shorter than a run is read cell by cell: no shape is looked for)
        min_len = _GRID_BULK_NUMS if len(rows) >= _GRID_RUN else 1 << 62
        lazy = 0  # rows of the shape ``sh`` with texts only, read in bulk, not yet listed

        def list_lazy() -> None:
            # the per-row entries of the last ``lazy`` rows (see _read_texts, other)
            sh.count += lazy
            row_maps.extend([None] * lazy)
            shape_of.extend([sh] * lazy)
            others.extend([None] * lazy)
            nonplain.extend([sh.others] * lazy)
            ncells.extend([len(sh.order)] * lazy)
            text_only.extend([True] * lazy)
            first.extend([sh.order[0]] * lazy)
            last.extend([sh.order[-1]] * lazy)

        for i, row in enumerate(rows):
            if len(row) >= min_len:
                types = list(map(type, row))
                if types != types_seen:
                    if lazy:
                        list_lazy()
                        lazy = 0
                    types_seen, sh, run = types, None, 1
                elif sh is None and run >= 0:
                    run += 1
                    if run < _GRID_RUN:
                        pass
                    elif types.count(float) < _GRID_BULK_NUMS:
                        run = -1
                    else:
                        order = [c for c, t in enumerate(types) if t is not none_t]
                        nums = [c for c, t in enumerate(types) if t is float]
                        oth = [c for c in order if types[c] is not float]
                        texts_only = all(types[c] is str for c in oth)
                        sh = _Shape(
                            order,
                            frozenset(order),
                            nums,
                            frozenset(nums),
                            oth,
                            len(order) == len(types),
                            itemgetter(*nums),
                            itemgetter(*order),
                            texts_only=texts_only,
                            pending=[] if texts_only else None,
                        )
                        self.shapes.append(sh)
                        # the run's earlier rows, read cell by cell, join it (a panel's body
                        # is then one shape from its first row)
                        for j in range(len(row_maps) - run + 1, len(row_maps)):
                            self._to_bulk(j, sh)
                # (a sum that is NaN: a NaN among the numbers, or inf - inf)
                if sh is not None and (s := sum(sh.take_nums(row))) == s:
                    if sh.texts_only:
                        # its texts are read per column once the sheet is read (_read_texts)
                        sh.pending.append(i)
                        lazy += 1
                        continue
                    got = _row_cells(row, texts, numish, sh.others)
                    if got is not None:
                        o, other, alltext = got
                        sh.count += 1
                        row_maps.append(None)
                        shape_of.append(sh)
                        others.append(o)
                        nonplain.append(other)
                        ncells.append(len(sh.order))
                        text_only.append(alltext)
                        first.append(sh.order[0])
                        last.append(sh.order[-1])
                        continue
            if lazy:
                list_lazy()
                lazy = 0
            m, other, alltext = _row_cells(row, texts, numish)  # (None only with cols)
            row_maps.append(m)
            shape_of.append(None)
            others.append(None)
            nonplain.append(other)
            ncells.append(len(m))
            text_only.append(alltext)
            if m:
                first.append(next(iter(m)))
                last.append(next(reversed(m)))
            else:
                first.append(-1)
                last.append(-1)
        if lazy:
            list_lazy()
        self._texts = texts
        self._bulk_maps: dict[int, dict[int, Any]] = {}
        for sh in self.shapes:
            if sh.pending:
                self._read_texts(sh)
            sh.pending = None
        for r, c in sheet.formula_no_cache:
            if 0 <= r < self.nr and c not in self.rmap(r):
                ci = _Cell(_MARK, "(formula without a cached value)", None, "F")
                m = dict(self.rmap(r))
                m[c] = ci
                self._cell_by_cell(r, dict(sorted(m.items())))  # keep column order
                self.nonplain[r] = [*self.nonplain[r], c]  # (a list rows may share)
                self.text_only[r] = False
                numish.add(c)
                self.nc = max(self.nc, c + 1)
        self._rows: list[list[tuple[int, _Cell]] | None] = [None] * self.nr
        self.letters = [column_letter(c) for c in range(self.nc)]
        self._col_total: Counter[int] | None = None
        self._first_last: tuple[Any, Any] | None = None  # first and last as numpy arrays
        self._cells_cache: dict[tuple[int, int, int], list[tuple[int, _Cell]]] = {}
        self.anchor: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for r0, c0, r1, c1 in sheet.merged:
            if r0 >= self.nr or c0 >= self.nc or r0 < 0 or c0 < 0:
                continue
            r1, c1 = min(r1, self.nr - 1), min(c1, self.nc - 1)
            if r1 == r0 and c1 == c0:
                continue
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self.anchor[(r, c)] = (r0, c0, r1, c1)

    def _read_texts(self, sh: _Shape) -> None:
        """Read the texts of the rows of ``sh`` read in bulk (``sh.pending``), a column at a
        time: each distinct text is classified once, into the sheet's cache of text cells
        (``_texts``), which then gives each row's other cells (:meth:`other`).

        A row holding an empty text is read cell by cell again, as the row loop of
        ``__init__`` would; a text that is not a label (a marker, a number stored as text)
        marks its column and row, as there.
        """
        texts, numish, cells = self._texts, self.numish, self.sheet.cells
        rows = sh.pending or []
        blank: set[int] = set()
        for c in sh.others:
            col = list(map(itemgetter(c), map(cells.__getitem__, rows)))
            distinct = set(col)
            new = distinct.difference(texts)
            new.discard("")
            if new:
                # a Chinese label is text (as _new_text_cell decides), at C speed
                zh = [v for v in new if "\u4e00" <= v[0] <= "\u9fff"]
                zh = [v for v in zh if v[0] not in _CJK_MISSING_FIRST]
                texts.update(zip(zh, map(_PlainText, zh), strict=True))
                for v in new.difference(zh):
                    _new_text_cell(v, texts)
            if "" not in distinct:
                kinds = set(map(_KIND, map(texts.__getitem__, distinct)))
                if kinds == {_TEXT}:
                    continue  # the common case: every text of the column a label
            odd = {v for v in distinct if not v or texts[v].kind != _TEXT}
            for r, v in zip(rows, col, strict=True):
                if v in odd:
                    if not v:  # an empty text: this row goes cell by cell
                        blank.add(r)
                        continue
                    self.text_only[r] = False
                    if texts[v].kind in (_NUM, _MARK):
                        numish.add(c)
        for r in sorted(blank):
            m, other, alltext = _row_cells(cells[r], texts, numish)
            self._cell_by_cell(r, m)
            self.nonplain[r] = other
            self.text_only[r] = alltext

    def other(self, r: int) -> dict[int, _Cell]:
        """The cells of row ``r`` (read in bulk) that are not plain floats, by column."""
        o = self.others[r]
        if o is None:
            sh, row, texts = self.shape_of[r], self.sheet.cells[r], self._texts
            o = self.others[r] = {c: texts[row[c]] for c in sh.others}
        return o

    def _to_bulk(self, r: int, sh: _Shape) -> None:
        """Make row ``r``, read cell by cell, a row of the shape ``sh`` read in bulk, when its
        cells are what bulk reading would have kept (every number a plain float, every
        other column a cell)."""
        m = self.row_map[r]
        # the row has the shape's types, so its cells lie in the shape's columns: as many of
        # them means all of them (an empty text leaves one out)
        if m is None or len(m) != len(sh.order):
            return
        if not all(type(m[c]) is float for c in sh.nums):
            return  # a NaN among the numbers (a marker cell)
        self.row_map[r] = None
        self.shape_of[r] = sh
        self.others[r] = {c: m[c] for c in sh.others}
        sh.count += 1

    def _cell_by_cell(self, r: int, m: dict[int, Any]) -> None:
        """Make ``m`` the entries of row ``r`` (a row read in bulk no longer is)."""
        sh = self.shape_of[r]
        if sh is not None:
            sh.count -= 1
            self.shape_of[r] = self.others[r] = None
            self._bulk_maps.pop(r, None)
        self.row_map[r] = m
        self.ncells[r] = len(m)
        self.first[r], self.last[r] = (next(iter(m)), next(reversed(m))) if m else (-1, -1)

    def rmap(self, r: int) -> dict[int, Any]:
        """The non-empty entries of row ``r`` as a dict column -> float or cell, in column
        order (for a row read in bulk, built on first use)."""
        m = self.row_map[r]
        if m is None:
            m = self._bulk_maps.get(r)
            if m is None:
                sh = self.shape_of[r]
                row = self.sheet.cells[r]
                m = (
                    dict(enumerate(row))
                    if sh.full
                    else dict(zip(sh.order, sh.take(row), strict=True))
                )
                m.update(self.other(r))
                self._bulk_maps[r] = m
        return m

    def cols(self, r: int) -> Iterable[int]:
        """The non-empty columns of row ``r`` (a dict's keys or a shape's list)."""
        m = self.row_map[r]
        return m if m is not None else self.shape_of[r].order

    def colset(self, r: int) -> Any:
        """The non-empty columns of row ``r`` as a set-like (``>=``, ``isdisjoint``)."""
        m = self.row_map[r]
        return m.keys() if m is not None else self.shape_of[r].cols

    def column(self, rows: Iterable[int], c: int) -> list[Any]:
        """The entries (a float, a cell or None) of column ``c`` in ``rows``, without
        building the dicts of rows read in bulk."""
        row_map, shape_of, cells = self.row_map, self.shape_of, self.sheet.cells
        if not isinstance(rows, list):
            rows = list(rows)
        sh = self.uniform_shape(rows)
        if sh is not None:
            # rows of one shape read in bulk (a panel's body): the column at C speed
            if c in sh.num_set:
                return list(map(itemgetter(c), map(cells.__getitem__, rows)))
            if c in sh.cols:
                if sh.texts_only:  # the sheet's cell of each row's text
                    return list(
                        map(
                            self._texts.__getitem__,
                            map(itemgetter(c), map(cells.__getitem__, rows)),
                        )
                    )
                return list(map(itemgetter(c), map(self.other, rows)))
            return [None] * len(rows)
        out: list[Any] = []
        for r in rows:
            m = row_map[r]
            if m is not None:
                out.append(m.get(c))
            elif c in shape_of[r].num_set:
                out.append(cells[r][c])
            else:
                out.append(self.other(r).get(c))
        return out

    def uniform_shape(self, rows: list[int]) -> _Shape | None:
        """The shape of ``rows`` when every one of them is read in bulk in that one shape."""
        shape_of = self.shape_of
        sh = shape_of[rows[0]] if rows else None
        if sh is None:
            return None
        lo, hi = min(rows), max(rows)
        if shape_of[lo : hi + 1].count(sh) == hi - lo + 1:
            return sh  # every row from the first to the last (a body: contiguous rows)
        if len(set(map(id, map(shape_of.__getitem__, rows)))) == 1:
            return sh
        return None

    def non_year_number(self, r: int) -> bool:
        """Whether row ``r`` holds a number that is not a year: such a row is never a
        header row of years (the first test of ``_SheetParser._year_header_row``)."""
        m = self.row_map[r]
        if m is not None:
            return _non_year_number(m)
        row = self.sheet.cells[r]
        for c in reversed(self.shape_of[r].nums):  # from the right: values sit right
            v = row[c]
            if not (v.is_integer() and 1900 <= v <= 2100):
                return True
        return _non_year_number(self.other(r))

    def other_items(self, r: int) -> list[tuple[int, _Cell]]:
        """The cells of row ``r`` that are not plain numbers (those of ``nonplain[r]``)."""
        m = self.row_map[r]
        if m is None:
            o = self.other(r)
            return [(c, o[c]) for c in self.nonplain[r]]
        return [(c, m[c]) for c in self.nonplain[r]]

    def col_total(self) -> Counter[int]:
        """Per column, how many rows hold a cell in it (computed once; not to be changed)."""
        if self._col_total is None:
            total = Counter(chain.from_iterable([m for m in self.row_map if m is not None]))
            for sh in self.shapes:
                if sh.count:
                    for c in sh.order:
                        total[c] += sh.count
            self._col_total = total
        return self._col_total

    def get(self, r: int, c: int) -> _Cell | None:
        """The non-empty cell at (r, c), or None."""
        if 0 <= r < self.nr:
            m = self.row_map[r]
            if m is not None:
                return _plain(m.get(c))
            if c in self.shape_of[r].num_set:
                return _PlainNum(self.sheet.cells[r][c])
            return self.other(r).get(c)
        return None

    def items(self) -> Iterable[tuple[tuple[int, int], _Cell]]:
        """Every non-empty cell as ((row, column), cell), in row then column order."""
        for r in range(self.nr):
            for c, ci in self.row(r):
                yield (r, c), ci

    def row(self, r: int) -> list[tuple[int, _Cell]]:
        """The non-empty cells of row ``r`` as (column, cell), in column order (built once:
        the same list object on every call)."""
        got = self._rows[r]
        if got is None:
            plain = _PlainNum
            got = self._rows[r] = [
                (c, plain(ci) if type(ci) is float else ci) for c, ci in self.rmap(r).items()
            ]
        return got

    def rows_in(self, r0: int, r1: int, lo: int, hi: int) -> list[int]:
        """The rows ``r0 <= r < r1`` with a cell within columns ``lo..hi`` (:meth:`cells`
        is not called for a row wholly in them)."""
        first, last, has = self.first, self.last, self.has_cells
        if r1 - r0 < 256:
            return [
                r
                for r in range(r0, r1)
                if first[r] >= 0 and ((lo <= first[r] and last[r] <= hi) or has(r, lo, hi))
            ]
        # a long run of rows (a panel): the test on first and last columns in numpy; only the
        # rows reaching beyond the band on either side are looked at cell by cell
        fa, lasts = self.first_last()
        f, la = fa[r0:r1], lasts[r0:r1]
        inside = (f >= lo) & (la <= hi)  # (an empty row has first -1 < lo)
        across = (f >= 0) & ~inside & (f <= hi) & (la >= lo)
        if not across.any():
            return (np.flatnonzero(inside) + r0).tolist()
        return [
            r
            for r in (np.flatnonzero(inside | across) + r0).tolist()
            if (lo <= first[r] and last[r] <= hi) or has(r, lo, hi)
        ]

    def first_last(self) -> tuple[Any, Any]:
        """``first`` and ``last`` as numpy arrays (built once)."""
        if self._first_last is None:
            self._first_last = (
                np.asarray(self.first, dtype=np.int64),
                np.asarray(self.last, dtype=np.int64),
            )
        return self._first_last

    def has_cells(self, r: int, lo: int, hi: int) -> bool:
        """Whether row ``r`` holds a cell within columns ``lo..hi`` (``bool(cells(...))``
        without building the row's cell list)."""
        first = self.first[r]
        if first < 0 or first > hi or self.last[r] < lo:
            return False
        if first >= lo or self.last[r] <= hi:
            return True  # the first or the last cell lies within
        return any(lo <= c <= hi for c in self.cols(r))

    def cells(self, r: int, lo: int, hi: int) -> list[tuple[int, _Cell]]:
        """Non-empty cells of row ``r`` within columns ``lo..hi``, as (column, cell)."""
        first = self.first[r]
        if first < 0 or (first >= lo and self.last[r] <= hi):
            return self.row(r)
        row = self.row(r)
        key = (r, lo, hi)
        got = self._cells_cache.get(key)
        if got is None:
            got = self._cells_cache[key] = [(c, ci) for c, ci in row if lo <= c <= hi]
        return got


# --------------------------------------------------------------------------- tables
@dataclass(slots=True)
class _Table:
    """One detected table (possibly stitched from several segments)."""

    table_id: str | None = None
    title: str | None = None
    title_en: str | None = None
    year: int | None = None
    region: str | None = None
    indicator: str | None = None
    unit: str | None = None
    notes: list[tuple[int, int, str]] = field(default_factory=list)
    # relative column offset -> column description (from the first segment)
    columns: dict[int, dict[str, Any]] = field(default_factory=dict)
    stub_roles: dict[int, str] = field(default_factory=dict)
    signature: tuple = ()
    seen_rows: dict[tuple, int] = field(default_factory=dict)
    seen_upto: int = 0
    # body rows read so far: (row, stub columns, value columns), to spot page-break repeats
    emitted: list[tuple[int, list[int], list[int]]] = field(default_factory=list)
    # the tidy columns read so far, in the order of :data:`_OUT_FIELDS`
    out: list[list[Any]] = field(default_factory=lambda: [[] for _ in _OUT_FIELDS])
    label_id: str | None = None
    band_lo: int = 0
    first_row: int = 0
    last_row: int = 0
    # the rows of a panel body read in bulk, as arrays by field of ``_OUT_FIELDS`` (they come
    # before the rows in ``out``); see ``_SheetParser._panel_block``
    block: list[Any] | None = None


class _SheetParser:
    def __init__(
        self,
        sheet: Sheet,
        file_name: str,
        recipe: Recipe | None,
        region: str | None,
        year: int | None,
        context: dict[str, Any] | None,
    ) -> None:
        self.sheet = sheet
        self.file = file_name
        self.recipe = recipe.for_sheet(sheet.name) if recipe is not None else None
        self.region = region
        self.year = year
        self.context = dict(context or {})
        self.g = _Grid(sheet)
        self.roles: dict[tuple[int, int], tuple[str, str | None, Any]] = {}
        self.want_ledger = True
        self.columnar = False
        self.tables: list[_Table] = []

    # ---------------------------------------------------------------- roles
    def _set(self, r: int, c: int, role: str, reason: str | None, tid: Any) -> None:
        if self.want_ledger and self.g.get(r, c) is not None:
            self.roles[(r, c)] = (role, reason, tid)

    def _set_row(self, r: int, lo: int, hi: int, role: str, reason: str | None, tid) -> None:
        for c, ci in self.g.cells(r, lo, hi):
            if ci.kind == _BLANK:
                self._set(r, c, "ignored", "whitespace only", tid)
            else:
                self._set(r, c, role, reason, tid)

    def _err(self, message: str, r: int, c: int, fix: str | None = None) -> LayoutError:
        return LayoutError(
            message,
            file=self.file,
            sheet=self.sheet.name,
            cell=a1(r, c),
            fix=fix
            or (
                "pass recipe={'header_rows': N, 'stub_cols': K} for this table, or "
                f"sheet= to read another sheet (this is sheet {self.sheet.name!r})"
            ),
        )

    # ---------------------------------------------------------------- bands
    def _bands(
        self, r0: int = 0, r1: int | None = None, lo: int = 0, hi: int | None = None
    ) -> list[tuple[int, int]]:
        g = self.g
        r1 = g.nr if r1 is None else r1
        hi = g.nc - 1 if hi is None else hi
        if r0 == 0 and r1 == g.nr and lo == 0 and hi == g.nc - 1:
            # a column holds a plain number where it has more cells than cells that are not
            # plain; the columns of only other cells are looked at cell by cell
            total = g.col_total()
            nonplain = Counter(chain.from_iterable(g.nonplain))
            used_set: set[int] = set(total)
            num_cols: set[int] = {c for c, k in total.items() if k > nonplain[c]}
            # (the grid noted the columns with a number or marker that is not plain)
            num_cols |= (set(nonplain) - num_cols) & g.numish
        else:
            keys = [(c, ci) for r in range(r0, r1) for c, ci in g.cells(r, lo, hi)]
            used_set = {c for c, _ in keys}
            num_cols = {c for c, ci in keys if ci.kind in (_NUM, _MARK)}
        used = sorted(used_set)
        if not used:
            return []
        bands: list[list[int]] = [[used[0], used[0]]]
        for c in used[1:]:
            if c == bands[-1][1] + 1:
                bands[-1][1] = c
            else:
                bands.append([c, c])
        has_num = [any(c in num_cols for c in range(lo, hi + 1)) for lo, hi in bands]
        # a band without numbers (a stub separated by an empty column, a side note) joins
        # its right neighbour, or the left one at the end
        merged: list[list[int]] = []
        pending: list[int] | None = None
        for (lo, hi), num in zip(bands, has_num, strict=True):
            if pending is not None:
                lo = pending[0]
                pending = None
            if not num:
                pending = [lo, hi]
                continue
            merged.append([lo, hi])
        if pending is not None:
            if merged:
                merged[-1][1] = pending[1]
            else:
                merged.append(pending)
        return [(lo, hi) for lo, hi in merged]

    # ---------------------------------------------------------------- rows
    def _year_header_row(self, cells: list[tuple[int, _Cell]], r: int) -> bool:
        """Whether row ``r`` (its non-empty ``cells``) is a header row of years.

        Years typed inconsistently count (``2020 | 2021年``); a row of years down whose
        values look like years (``2019年 | 2018 | 2019``) is a body row.

        Examples
        --------
        >>> from greenstats.io.containers import Sheet
        >>> s = Sheet(name="S", cells=[["地区", "产值"], [None, 2020.0, "2021年"],
        ...                            ["海州区", 781.2, 800.5]], merged=((0, 1, 0, 2),))
        >>> [(x["year"], x["value"]) for x in parse_sheet(s, file_name="f.xlsx").rows]
        [(2020, 781.2), (2021, 800.5)]
        >>> s = Sheet(name="S", cells=[["年份", "用水", "用电"], ["2019年", 2018.0, 2019.0],
        ...                            ["2020年", 29.1, 12.0]], merged=())
        >>> [(x["year"], x["value"]) for x in parse_sheet(s, file_name="f.xlsx").rows]
        [(2019, 2018.0), (2019, 2019.0), (2020, 29.1), (2020, 12.0)]
        """
        ys = []
        for _, ci in cells:
            if ci.kind == _NUM:
                v = ci.value  # a float for every number cell; as _is_year_value decides
                if not (v.is_integer() and 1900 <= v <= 2100):
                    return False
                ys.append(int(v))
        if not ys:
            return False
        if len(ys) < len(cells):
            c0, first = cells[0]
            if (
                first.kind == _TEXT
                and _only_year(first.text)
                and (self._text_year_at(r - 1, c0) or self._text_year_at(r + 1, c0))
            ):
                # a text year first in the row, and in the rows above or below: the stub of
                # years down (``2020年 | 2019 | 2021``: values that look like years)
                return False
            # ``2020 | 2021年``: a header typed inconsistently (a year as text beside a year
            # as a number)
            ys = [
                int(v.value) if v.kind == _NUM else int(v.text.strip()[:4])
                for _, v in cells
                if v.kind == _NUM or (v.kind == _TEXT and _only_year(v.text))
            ]
        nums = ys
        if len(nums) < 2:
            # one year column: a header only when a stub header word stands beside it
            words = {_key(_split(ci.text)[0] or ci.text) for _, ci in cells if ci.kind == _TEXT}
            return bool(words & (_STUB_HEAD_WORDS | _REGION_WORDS))
        # one monotone run of years, or the same run repeated under each indicator
        for p in range(2, len(ys) + 1):
            if len(ys) % p == 0 and all(ys[i] == ys[i % p] for i in range(len(ys))):
                run = ys[:p]
                if all(b > a for a, b in zip(run, run[1:], strict=False)) or all(
                    b < a for a, b in zip(run, run[1:], strict=False)
                ):
                    return True
        return False

    def _text_year_at(self, r: int, c: int) -> bool:
        ci = self.g.get(r, c) if r >= 0 else None
        return ci is not None and ci.kind == _TEXT and _only_year(ci.text)

    def _data_row(self, r: int, lo: int, hi: int) -> bool:
        g = self.g
        cells = g.cells(r, lo, hi)
        if cells is g.row(r) and len(cells) > len(g.nonplain[r]):
            # the whole row is in the band and holds a plain number
            return not self._year_header_row(cells, r)
        if not any(ci.kind in (_NUM, _MARK) for _, ci in cells):
            return False
        if self._year_header_row(cells, r):
            return False
        # a row of one text cell holding a marker-like "一" is text, not data
        if all(ci.kind == _MARK for _, ci in cells) and len(cells) == 1:
            return False
        return True

    def _row_text(self, r: int, lo: int, hi: int) -> str:
        return " ".join(
            ci.text.strip() for _, ci in self.g.cells(r, lo, hi) if ci.kind != _BLANK
        ).strip()

    def _is_note_row(self, r: int, lo: int, hi: int) -> bool:
        cells = [ci for _, ci in self.g.cells(r, lo, hi) if ci.kind != _BLANK]
        if not cells:
            return False
        t = cells[0].text
        return bool(clean.is_note(t) or _NOTE_EN.match(t))

    def _is_heading_row(
        self, r: int, lo: int, hi: int, value_cols: set[int], head_words: set[str]
    ) -> bool:
        cells = [(c, ci) for c, ci in self.g.cells(r, lo, hi) if ci.kind != _BLANK]
        if not cells:
            return False
        text = " ".join(ci.text for _, ci in cells)
        if clean.is_continuation(text):
            return True
        if len(cells) == 1 and cells[0][1].kind == _TEXT:
            tid, _ = clean.parse_title(cells[0][1].text)
            return tid is not None
        if self._year_header_row(cells, r):
            return True
        texts = [c for c, ci in cells if ci.kind == _TEXT]
        if len(texts) < 2 or len(texts) != len(cells):
            return False
        # a repeated header puts text where the bodies around it hold numbers, and either
        # repeats the header above or follows an empty line (a new block)
        if not any(c in value_cols for c in texts):
            return False
        words = {_key(ci.text) for _, ci in cells}
        if head_words and len(words & head_words) >= max(1, len(words) // 2):
            return True
        return r > 0 and not self.g.has_cells(r - 1, lo, hi)

    def _segments(
        self, lo: int, hi: int, r0: int = 0, r1: int | None = None
    ) -> list[tuple[int, int, list[int]]]:
        g = self.g
        skip = {r - 1 for r in (self.recipe.skip_rows if self.recipe else ())}
        r1 = g.nr if r1 is None else r1
        first, last, ncells = g.first, g.last, g.ncells
        rows = g.rows_in(r0, r1, lo, hi)
        if not rows:
            return []
        nonplain, year_header, data_row = g.nonplain, self._year_header_row, self._data_row
        data = []
        for r in rows:
            if skip and r in skip:
                continue
            if lo <= first[r] and last[r] <= hi and ncells[r] > len(nonplain[r]):
                # as ``_data_row``: the whole row is in the band and holds a plain number; a
                # number that is no year settles it without the row's cell list
                if g.non_year_number(r) or not year_header(g.row(r), r):
                    data.append(r)
            elif data_row(r, lo, hi):
                data.append(r)
        if not data:
            return []
        segs: list[tuple[int, int, list[int]]] = []
        start = rows[0]
        body: list[int] = [data[0]]

        def words_above(first: int) -> set[str]:
            return {
                _key(ci.text)
                for x in range(start, first)
                for _, ci in g.cells(x, lo, hi)
                if ci.kind == _TEXT
            }

        head_words = words_above(data[0])
        for prev, r in zip(data, data[1:], strict=False):
            split = None
            if r > prev + 1:
                heading = None
                value_cols = {
                    c
                    for rr in (prev, r)
                    for c, ci in g.cells(rr, lo, hi)
                    if ci.kind in (_NUM, _MARK)
                }
                prev_cols = [c for c, ci in g.cells(prev, lo, hi) if ci.kind in (_NUM, _MARK)]
                for x in range(prev + 1, r):
                    cells_x = g.cells(x, lo, hi)
                    # a header printed wholly to the right of the previous row belongs to a
                    # page tiled beside it, not to a new table below
                    if (
                        cells_x
                        and cells_x[0][0] <= prev_cols[-1]
                        and self._is_heading_row(x, lo, hi, value_cols, head_words)
                    ):
                        heading = x
                        break
                if heading is not None:
                    split = heading
                    for x in range(prev + 1, heading + 1):
                        if not g.has_cells(x, lo, hi):
                            continue
                        if self._is_note_row(x, lo, hi) or self._note_continuation(x, lo, hi):
                            continue
                        split = x
                        break
            if split is not None:
                segs.append((start, split, body))
                start, body = split, []
                head_words = words_above(r)
            body.append(r)
        segs.append((start, rows[-1] + 1, body))
        return segs

    def _note_continuation(self, r: int, lo: int, hi: int) -> bool:
        cells = [ci for _, ci in self.g.cells(r, lo, hi) if ci.kind != _BLANK]
        if len(cells) != 1 or cells[0].kind != _TEXT:
            return False
        t = cells[0].text
        prev = r - 1
        while prev >= 0 and not self.g.has_cells(prev, lo, hi):
            prev -= 1
        return (
            t[:1] in ("\u3000", " ", "\xa0")
            and prev >= 0
            and (self._is_note_row(prev, lo, hi) or self._note_continuation(prev, lo, hi))
        )

    # ---------------------------------------------------------------- parse
    def parse(self) -> SheetResult:
        result = SheetResult()
        for lo, hi in self._bands():
            segments = self._segments(lo, hi)
            for s, e, body in segments:
                # pages tiled side by side above or below a wider table: the empty column
                # between them shows only within these rows
                sub = self._bands(s, e, lo, hi) if len(segments) > 1 else [(lo, hi)]
                if len(sub) > 1:
                    for slo, shi in sub:
                        for ss, se, sbody in self._segments(slo, shi, s, e):
                            self._segment(ss, se, sbody, slo, shi)
                else:
                    self._segment(s, e, body, lo, hi)
        # id the tables
        unnumbered = [t for t in self.tables if t.table_id is None]
        if len(self.tables) > 1 and unnumbered:
            for k, t in enumerate(self.tables, start=1):
                if t.table_id is None:
                    t.label_id = f"{self.sheet.name}#{k}"
        for t in self.tables:
            self._finish(t, result)
        if not self.tables:
            result.context = self._context_of_empty_sheet()
        if not self.want_ledger:
            return result
        # ledger
        for (r, c), ci in self.g.items():
            role, reason, tab = self.roles.get((r, c), (None, None, None))
            tid = (tab.table_id or tab.label_id) if isinstance(tab, _Table) else None
            if role is None:
                if ci.kind == _BLANK:
                    role, reason = "ignored", "whitespace only"
                elif not self.tables:
                    role, reason = "ignored", "sheet holds no table with numbers"
                else:
                    role, reason = "ignored", "outside any detected table"
            result.ledger.append(LedgerEntry(r, c, _raw_str(ci.raw), role, reason, tid))
        return result

    def _context_of_empty_sheet(self) -> dict[str, Any]:
        """Title, year and unit printed on a sheet without a table (a cover or NOTE sheet).

        A key/value row whose key is a unit word (``Unit/单位 | million tonnes\n百万吨``, a
        metadata sheet such as CEADs' ``NOTE``) gives the unit of the whole workbook: it
        is returned under ``workbook_unit`` too (the reader applies it to every later sheet
        whose tables print no unit of their own).
        """
        ctx: dict[str, Any] = {}
        for (r, c), ci in self.g.items():
            if ci.kind != _TEXT:
                continue
            t = ci.text
            if _is_unit_key(t):
                value = next(
                    (v for cc, v in self.g.row(r) if cc > c and v.kind == _TEXT and v.text.strip()),
                    None,
                )
                if value is not None and "workbook_unit" not in ctx:
                    unit = _meta_unit(value.text)
                    if unit:
                        ctx["unit"] = ctx["workbook_unit"] = unit
                        self._set(r, c, "unit", None, None)
                        vc = next(cc for cc, v in self.g.row(r) if v is value)
                        self._set(r, vc, "unit", None, None)
                continue
            if _UNIT_LINE.match(t):
                u = clean.parse_unit(t)[1]
                if u:
                    ctx["unit"] = u
                    self._set(r, c, "unit", None, None)
            elif clean.parse_title(t)[0] is not None or clean.year_from_title(t):
                ctx.setdefault("title", t)
                y = clean.year_from_title(t)
                if y:
                    ctx["year"] = y
                self._set(r, c, "title", None, None)
        return ctx

    # ---------------------------------------------------------------- segment
    def _segment(self, s: int, e: int, body: list[int], lo: int, hi: int) -> None:
        g = self.g
        rec = self.recipe
        skip = {r - 1 for r in (rec.skip_rows if rec else ())}
        bs = body[0]
        if rec is not None and rec.body_start is not None and s <= rec.body_start - 1 < e:
            bs = rec.body_start - 1
            body = [r for r in range(bs, e) if self._data_row(r, lo, hi)]
            if not body:
                raise self._err(
                    f"recipe body_start={rec.body_start} points below every number",
                    bs,
                    lo,
                    "check body_start in the recipe",
                )
        be = body[-1]
        for r in skip:
            if s <= r < e:
                self._set_row(r, lo, hi, "ignored", "skipped by recipe (skip_rows)", None)
        # ---- pre rows
        kinds: dict[int, str] = {}
        header_seen = False
        pre = [r for r in range(s, bs) if g.has_cells(r, lo, hi) and r not in skip]
        forced_header: set[int] = set()
        if rec is not None and rec.header_rows is not None:
            forced_header = set(pre[len(pre) - rec.header_rows :] if rec.header_rows else [])
        for r in pre:
            cells = [(c, ci) for c, ci in g.cells(r, lo, hi) if ci.kind != _BLANK]
            if not cells:
                kinds[r] = "blank"
                continue
            texts = [ci.text for _, ci in cells]
            joined = " ".join(t.strip() for t in texts)
            if r in forced_header:
                kinds[r] = "header"
                header_seen = True
            elif clean.is_continuation(joined):
                kinds[r] = "cont"
            elif len(cells) == 1 and cells[0][1].kind == _TEXT and clean.parse_metadata(texts[0]):
                kinds[r] = "meta"
            elif any(_UNIT_LINE.match(t) for t in texts if isinstance(t, str)):
                kinds[r] = "unit"
            elif self._is_note_row(r, lo, hi) or self._note_continuation(r, lo, hi):
                kinds[r] = "note"
            elif (
                not header_seen
                and len(cells) == 1
                and cells[0][1].kind == _TEXT
                and (rec is None or rec.header_rows is None)
                and self._title_like(r, cells[0][0], lo, hi)
            ):
                kinds[r] = "title"
            elif rec is not None and rec.header_rows is not None:
                kinds[r] = "title"
            else:
                kinds[r] = "header"
                header_seen = True
        # section rows (a province line) just above the first row of numbers belong to the
        # body: text only in columns that hold no numbers below
        num_cols, stats = self._body_stats(body, lo, hi)
        for r in reversed(pre):
            if kinds.get(r) == "blank":
                continue
            if kinds.get(r) != "header" or r in forced_header:
                break
            cells = [(c, ci) for c, ci in g.cells(r, lo, hi) if ci.kind != _BLANK]
            words = {_key(_split(ci.text)[0] or ci.text) for _, ci in cells}
            if (
                any(c in num_cols for c, _ in cells)
                or words & (_STUB_HEAD_WORDS | _REGION_WORDS | _YEAR_WORDS)
                or not any(kinds.get(x) == "header" for x in pre if x < r)
            ):
                break
            kinds[r] = "section"
            bs = r
        pre = [r for r in pre if r < bs]
        header_rows = [r for r in pre if kinds.get(r) == "header"]

        # ---- continuation of the previous table?
        cont_flag = any(kinds.get(r) == "cont" for r in pre)
        prev = self._previous_table(
            [self._row_text(r, lo, hi) for r in pre if kinds.get(r) == "cont"], s, be, lo
        )
        own_id = None
        for r in pre:
            if kinds.get(r) == "title":
                tid, _ = clean.parse_title(self._row_text(r, lo, hi))
                if tid:
                    own_id = tid
                    break

        # ---- stub and data columns
        head_txt = {c: self._header_words(header_rows, c) for c in range(lo, hi + 1)}
        first_body_col = min(stats) if stats else lo
        year_cols: set[int] = set()
        for c in range(lo, hi + 1):
            zh, en = head_txt[c]
            words = {_key(zh), _key(en or "")}
            if words & _YEAR_WORDS:
                year_cols.add(c)
            elif c == first_body_col and c in stats and not zh and not en:
                vals = [_plain(ci) for ci in g.column(body, c) if ci is not None]
                ys = [_is_year_value(ci) for ci in vals]
                if len(vals) >= 2 and sum(y is not None for y in ys) >= 0.9 * len(vals):
                    year_cols.add(c)
            elif c == first_body_col and c in stats:
                vals = [ci for ci in g.column(body, c) if ci is not None]
                if vals and all(
                    type(ci) is not float and ci.kind == _TEXT and clean.parse_year(ci.raw)
                    for ci in vals
                ):
                    year_cols.add(c)
        if rec is not None and rec.orientation in ("no_years", "years_across"):
            year_cols = set()  # years, if any, are column headers
        stub_cols: list[int] = []
        data_cols: list[int] = []
        if rec is not None and rec.stub_cols is not None:
            stub_cols = list(range(lo, lo + rec.stub_cols))
            data_cols = [c for c in range(lo + rec.stub_cols, hi + 1)]
            if rec.orientation == "years_down" and stub_cols:
                year_cols = {stub_cols[0]} | (year_cols & set(stub_cols))
        else:
            in_stub = True
            for c in range(lo, hi + 1):
                n_num, n_mark, n_txt = stats.get(c, [0, 0, 0])
                if in_stub:
                    if (
                        c in year_cols
                        or n_txt > n_num + n_mark
                        or self._sequence_col(c, body, head_txt, stats)
                    ):
                        stub_cols.append(c)
                        continue
                    if n_num + n_mark + n_txt == 0:
                        if head_txt[c][0] or head_txt[c][1]:
                            if stub_cols or c > lo:
                                in_stub = False
                            else:
                                stub_cols.append(c)
                                continue
                        else:
                            continue
                    in_stub = False
                if c in year_cols or (n_txt > n_num + n_mark and n_txt >= 2):
                    stub_cols.append(c)
                elif n_num + n_mark + n_txt > 0 or head_txt[c][0] or head_txt[c][1]:
                    data_cols.append(c)
            if rec is not None and rec.orientation == "years_down" and stub_cols:
                year_cols |= {stub_cols[0]}
        if not data_cols:
            raise self._err(
                "found numbers but no column of values (every column looks like row labels)",
                bs,
                lo,
            )
        # ---- stub roles
        stub_roles: dict[int, str] = {}
        for c in stub_cols:
            zh, en = head_txt[c]
            kz, ke = _key(zh), _key(en or "")
            if c in year_cols:
                role = "year"
            elif kz in _UNIT_WORDS or ke in _UNIT_WORDS:
                role = "unit"
            elif kz in _ID_WORDS or ke in _ID_WORDS or self._sequence_col(c, body, head_txt, stats):
                role = "id"
            elif self._english_col(g.column(body, c)):
                role = "en"
            elif kz in _REGION_WORDS or (not zh and ke in _REGION_WORDS):
                role = "region"
            elif kz or ke:
                role = "label"
            else:
                labels = [_norm(clean.strip_stub(v.text)) for v in vals]
                share = sum(_region_like(x) for x in labels) / max(len(labels), 1)
                role = "region" if share >= 0.6 else "label"
            stub_roles[c] = role
        if rec is not None and rec.stub != "auto":
            for c in stub_cols:
                if stub_roles[c] in ("region", "label"):
                    stub_roles[c] = rec.stub if rec.stub == "region" else "label"
        if "en" in stub_roles.values() and not {"label", "region"} & set(stub_roles.values()):
            # an English edition: the English stub is the only label
            for c in stub_cols:
                if stub_roles[c] == "en":
                    stub_roles[c] = "label"
                    break
        roles_set = set(stub_roles.values())
        if not (roles_set & {"region", "label", "year", "en"}) and stub_cols == []:
            raise self._err(
                "no row labels (stub column) found left of the first value column",
                bs,
                data_cols[0],
            )

        # ---- column descriptions
        columns = self._columns(header_rows, data_cols, lo, hi, year_cols)
        signature = tuple(
            (c - lo, tuple(col["levels"]), col["year"]) for c, col in sorted(columns.items())
        )
        is_cont = False
        if prev is not None and own_id is None:
            if cont_flag:
                is_cont = True
            elif not header_rows and prev.columns:
                is_cont = True
            elif header_rows and signature and signature == prev.signature:
                is_cont = True
        if not header_rows and not is_cont and len(data_cols) > 1:
            if rec is None or rec.header_rows is None:
                raise self._err(
                    "no column header found above the first row of numbers",
                    bs,
                    data_cols[0],
                )
        if is_cont and prev is not None:
            table = prev
            # adopt the first segment's column labels by position relative to the band
            rel = {c - lo: col for c, col in columns.items()}
            base = table.columns
            columns = {}
            for c in data_cols:
                own, first = rel.get(c - lo), base.get(c - lo)
                if own is not None and first is not None and own["levels"]:
                    # a repeated header that lost words (``Districts under City`` without
                    # 市辖区) is the first page's header; a header of its own (a tiled page
                    # continuing with further columns) is kept
                    if set(own["levels"]) <= set(first["levels"]) and own["year"] in (
                        None,
                        first["year"],
                    ):
                        own = first
                col = own if own is not None and (own["levels"] or own["year"]) else first
                if col is not None:
                    columns[c] = col
            roles_base = table.stub_roles
            stub_roles = {c: roles_base.get(c - lo, stub_roles[c]) for c in stub_cols}
        else:
            table = _Table()
            table.columns = {c - lo: col for c, col in columns.items()}
            table.stub_roles = {c - lo: r for c, r in stub_roles.items()}
            table.signature = signature
            table.band_lo, table.first_row = lo, s
            self.tables.append(table)
        table.last_row = max(table.last_row, be)
        tid_for_roles = table

        # ---- title block
        for r in pre:
            k = kinds.get(r)
            text = self._row_text(r, lo, hi)
            if k == "title":
                self._set_row(r, lo, hi, "title", None, tid_for_roles)
                if is_cont:
                    continue
                tid, title = clean.parse_title(text)
                y = clean.year_from_title(text)
                if y and table.year is None:
                    table.year = y
                if tid and table.table_id is None:
                    table.table_id = tid
                    table.title = _norm(title) if title else table.title
                elif _has_cjk(text):
                    if table.title is None or (tid is None and table.table_id is None):
                        # the last Chinese title line before the header wins, unless numbered
                        table.title = _norm(title or text)
                elif table.title_en is None:
                    table.title_en = text
            elif k == "cont":
                self._set_row(r, lo, hi, "title", None, tid_for_roles)
            elif k == "meta":
                self._set_row(r, lo, hi, "title", None, tid_for_roles)
                kv = clean.parse_metadata(text)
                if kv and not is_cont:
                    key, val = kv
                    if key in ("地区", "region", "Region"):
                        table.region = _norm(val)
                    elif key in ("指标", "indicator", "Indicator"):
                        lab, unit = _unit_of(_norm(val))
                        table.indicator = lab
                        table.unit = table.unit or unit
                    elif key in ("时间", "年份", "year") and clean.parse_year(val):
                        table.year = clean.parse_year(val)
            elif k == "unit":
                for c, ci in g.cells(r, lo, hi):
                    if ci.kind == _BLANK:
                        self._set(r, c, "ignored", "whitespace only", tid_for_roles)
                        continue
                    self._set(r, c, "unit", None, tid_for_roles)
                    if _UNIT_LINE.match(ci.text) and not is_cont:
                        u = clean.parse_unit(ci.text)[1]
                        if u and _has_cjk(ci.text):
                            table.unit = u
                        elif u and table.unit is None:
                            table.unit = u
            elif k == "note":
                self._set_row(r, lo, hi, "note", None, tid_for_roles)
                self._add_note(table, r, text)
            elif k == "header":
                for c, ci in g.cells(r, lo, hi):
                    if ci.kind == _BLANK:
                        self._set(r, c, "ignored", "whitespace only", tid_for_roles)
                    elif ci.kind == _TEXT and _unit_only(ci.text):
                        self._set(r, c, "unit", None, tid_for_roles)
                    else:
                        self._set(r, c, "header", None, tid_for_roles)
        if table.title is None and not is_cont:
            ctx_title = self.context.get("title")
            if ctx_title:
                tid, title = clean.parse_title(ctx_title)
                table.title = _norm(title or ctx_title)
                table.table_id = table.table_id or tid
        if table.year is None and not is_cont:
            table.year = self.context.get("year")
            if table.year is None and table.title:
                table.year = clean.year_from_title(table.title)
        if table.unit is None and not is_cont:
            table.unit = self.context.get("unit")
        if table.region is None and not is_cont:
            table.region = _region_from_title(table.title)
        if not is_cont:
            # notes printed on the page outside the grid (an HTML page's source line)
            for text in self.context.get("notes", ()):
                table.notes.append((-1, 0, str(text).strip()))

        # ---- body
        panel = (
            len(header_rows) == 1
            and "year" in stub_roles.values()
            and "region" in stub_roles.values()
        )
        done = (
            not self.want_ledger
            and not is_cont
            and not skip
            and not self.sheet.formula_no_cache
            and self._panel_body(
                table, bs, be, lo, hi, stub_cols, stub_roles, data_cols, columns, panel
            )
        )
        levels_by_row: list[list[Any]] = []
        statics: dict[tuple[bool, bool], _Plan] = {}
        data_set = set(data_cols)
        for r in () if done else range(bs, be + 1):
            if r in skip or not g.has_cells(r, lo, hi):
                continue
            rmap = g.rmap(r)
            # the row's entries in the value columns (a float, a cell or None) are listed
            # only for a row whose cells are set aside below
            if rmap.keys() >= data_set and data_set.isdisjoint(g.nonplain[r]):
                has_val = True  # plain numbers in every value column
            else:
                has_val = any(
                    ci is not None and (type(ci) is float or ci.kind != _BLANK)
                    for ci in map(rmap.get, data_cols)
                )
            rowinfo = self._row_dims(r, stub_cols, stub_roles, levels_by_row, not has_val)
            has_label = rowinfo["has_label"]
            if not has_val:
                # section heading (province row, 其中, chapter line) or a stub-only line
                for c in stub_cols:
                    self._mark_stub(r, c, stub_roles, tid_for_roles)
                for c in data_cols:
                    if c in rmap:
                        self._set(r, c, "ignored", "whitespace only", tid_for_roles)
                continue
            if not has_label and stub_cols:
                data = [(c, rmap.get(c)) for c in data_cols]
                for c, ci in data:
                    if ci is not None:
                        self._set(
                            r,
                            c,
                            "ignored",
                            "number without a row label (outside the table body)",
                            tid_for_roles,
                        )
                continue
            if self.want_ledger:
                for c in stub_cols:
                    self._mark_stub(r, c, stub_roles, tid_for_roles)
            first = None
            if is_cont:
                seen = self._seen_rows(table)
                first = seen.get(self._row_key(r, stub_cols, data_cols))
            if first is not None:
                data = [(c, rmap.get(c)) for c in data_cols]
                for c, ci in data:
                    if ci is not None:
                        self._set(
                            r,
                            c,
                            "ignored",
                            f"duplicate of row {first + 1} repeated at a page break",
                            tid_for_roles,
                        )
                for c in stub_cols:
                    if g.get(r, c) is not None:
                        self._set(r, c, "ignored", f"duplicate of row {first + 1}", tid_for_roles)
                continue
            table.emitted.append((r, stub_cols, data_cols))
            ckey = (rowinfo["indicator"] is not None, rowinfo["region"] is not None)
            static = statics.get(ckey)
            if static is None:
                static = statics[ckey] = _Plan(
                    data_cols, self._static_cols(table, data_cols, columns, ckey)
                )
            self._emit_row(table, r, static, rowinfo, panel, tid_for_roles)
        # ---- rows after the body: notes
        for r in range(be + 1, e):
            if r in skip or not g.has_cells(r, lo, hi):
                continue
            text = self._row_text(r, lo, hi)
            if not text:
                self._set_row(r, lo, hi, "ignored", "whitespace only", tid_for_roles)
                continue
            self._set_row(r, lo, hi, "note", None, tid_for_roles)
            self._add_note(table, r, text)

    def _panel_body(
        self, table, bs, be, lo, hi, stub_cols, stub_roles, data_cols, columns, panel
    ) -> bool:
        """The body of a tidy panel or a matrix read column-wise (no cell ledger wanted).

        Applies when every body row holds a plain number in every value column and the stub
        is one region column (plus at most one year column and identifier columns): the row
        dimensions are read from the stub once per row and the value columns are taken in
        bulk, the tidy columns built by repetition. Returns ``False``, having changed
        nothing, when the body does not qualify (the row-by-row path then reads it, with
        the same result).
        """
        g = self.g
        region_cols = [c for c in stub_cols if stub_roles.get(c, "label") == "region"]
        year_cols = [c for c in stub_cols if stub_roles.get(c, "label") == "year"]
        if (
            len(region_cols) != 1
            or len(year_cols) > 1
            or len(region_cols)
            + len(year_cols)
            + sum(stub_roles.get(c, "label") == "id" for c in stub_cols)
            != len(stub_cols)
        ):
            return False
        creg = region_cols[0]
        cyear = year_cols[0] if year_cols else None
        data_set = set(data_cols)
        rows = g.rows_in(bs, be + 1, lo, hi)
        if not rows or not data_set.isdisjoint(
            chain.from_iterable(map(g.nonplain.__getitem__, rows))
        ):
            return False
        # empty value cells (a matrix with gaps) read as status M, as ``_emit_row`` reads
        # them; a row without any value is a heading there, so it keeps the row path
        sh = g.uniform_shape(rows)
        colsets = [sh.cols] if sh is not None else list(map(g.colset, rows))
        gaps = not all(cs >= data_set for cs in colsets)
        if gaps and not all(not data_set.isdisjoint(cs) for cs in colsets):
            return False
        # the region cells: a label repeats (one cell object per distinct text), so each
        # distinct cell is read once
        reg = g.column(rows, creg)
        keys = list(map(id, reg))
        read: dict[int, tuple] = {}
        for k, ci in dict(zip(keys, reg, strict=True)).items():
            ci = _plain(ci)
            if ci is None or ci.kind == _BLANK:
                return False
            level, label, mark, unit = _stub_label(ci.text)
            if not label:
                return False
            read[k] = (level, label, mark or None, unit or None, _stub_rank(ci.text))
        levels, regions, marks, units, ranks = (
            list(part) for part in zip(*map(read.__getitem__, keys), strict=True)
        )
        if cyear is None:
            years: list[int | None] = [None] * len(rows)
        else:
            ycol = g.column(rows, cyear)
            yarr = (
                np.fromiter(ycol, dtype=np.float64, count=len(ycol))
                if set(map(type, ycol)) == {float}
                else None
            )
            if (
                yarr is not None
                and ((yarr == np.floor(yarr)) & (yarr >= 1900) & (yarr <= 2100)).all()
            ):
                # every year a plain number that is a year (as ``_is_year_value`` decides)
                years = yarr.astype(np.int64).tolist()
            else:
                years = [
                    int(ci)
                    if type(ci) is float and ci.is_integer() and 1900 <= ci <= 2100
                    else _stub_year(_plain(ci))
                    for ci in ycol
                ]
        if len(set(ranks)) <= 1:
            # one level: every row pops the one above, no parent
            parents: list[str | None] = [None] * len(rows)
        else:
            parents = []
            stack: list[tuple[tuple[int, int], str]] = []
            for rank, label in zip(ranks, regions, strict=True):
                while stack and stack[-1][0] >= rank:
                    stack.pop()
                parents.append(stack[-1][1] if stack else None)
                stack.append((rank, label))
        plan = _Plan(data_cols, self._static_cols(table, data_cols, columns, (False, True)))
        n = len(plan.cols)
        if not n or not rows:
            return False
        rec = self.recipe
        fallback_unit = table.unit or (rec.unit if rec else None)
        emitted = table.emitted
        # with gaps: the values row by row, None for an empty cell (rows of one bulk shape
        # column by column; other rows through their dicts)
        holes = None
        if gaps:
            entries = (
                chain.from_iterable(zip(*[g.column(rows, c) for c in plan.cols], strict=True))
                if sh is not None
                else (ci for r in rows for ci in map(g.rmap(r).get, plan.cols))
            )
            holes = [ci if type(ci) is float or ci is None else ci.value for ci in entries]
        if (
            self.columnar
            and not table.out[9]
            and table.block is None
            and len(rows) * n >= _BLOCK_MIN_CELLS
        ):
            block = _panel_block(
                self.sheet.cells,
                rows,
                plan,
                regions,
                years,
                units,
                marks,
                levels,
                parents,
                fallback_unit,
                panel,
                holes,
            )
            if block is not None:
                table.block = block
                emitted.extend(zip(rows, repeat(stub_cols), repeat(data_cols)))
                return True
        cells = self.sheet.cells
        cols = plan.cols
        if holes is not None:
            values = holes
        elif n > 1:
            get = itemgetter(*cols)
            values = list(chain.from_iterable(map(get, map(cells.__getitem__, rows))))
        else:
            c0 = cols[0]
            values = [cells[r][c0] for r in rows]
        total = len(values)
        status: list[str] = ["A"] * total
        if holes is not None:
            nan = math.nan
            status = ["M" if v is None else "A" for v in values]
            values = [nan if v is None else v for v in values]
            if panel and 0 in values:
                status = ["Z" if v == 0 else st for v, st in zip(values, status, strict=True)]
                values = [nan if v == 0 else v for v in values]
        elif panel and 0 in values:
            arr = np.asarray(values, dtype="float64")
            zero = arr == 0
            status = np.where(zero, "Z", "A").tolist()
            arr[zero] = math.nan
            values = arr.tolist()
        else:
            values = [float(v) for v in values] if int in set(map(type, values)) else values
        unit_l, mult_l = [], []
        for u in units:
            us, ms = plan.units(u, fallback_unit)
            unit_l.append(us)
            mult_l.append(ms)
        out = table.out
        out[0].extend(plan.inds * len(rows))
        out[1].extend(plan.ens * len(rows))
        out[2].extend(plan.brks * len(rows))
        out[3].extend(_repeat(regions, n))
        out[4].extend(chain.from_iterable([y] * n if y else plan.years for y in years))
        out[5].extend(values)
        out[6].extend(chain.from_iterable(unit_l))
        out[7].extend(status)
        out[8].extend(chain.from_iterable([m] * n if m else plan.marks for m in marks))
        letters = plan.letters
        out[9].extend([letter + rs for rs in [str(r + 1) for r in rows] for letter in letters])
        out[10].extend(chain.from_iterable(mult_l))
        out[11].extend(_repeat(levels, n))
        out[12].extend(_repeat(parents, n))
        emitted.extend(zip(rows, repeat(stub_cols), repeat(data_cols)))
        return True

    def _body_stats(
        self, body: list[int], lo: int, hi: int
    ) -> tuple[set[int], dict[int, list[int]]]:
        """Columns holding numbers or markers in the body rows, and per column the counts
        ``[numbers, markers and blanks, text]`` (plain numbers are counted in bulk)."""
        g = self.g
        first, last, nonplain = g.first, g.last, g.nonplain
        whole: list[int] = []  # rows wholly within the band
        part: list[int] = []  # the columns of the other rows' cells within the band
        pairs: list[tuple[int, _Cell]] = []  # the cells that are not plain numbers
        if len(body) >= 256:
            # a long body (a panel): rows wholly within the band told apart in numpy
            fa, la = g.first_last()
            b = np.asarray(body, dtype=np.int64)
            inside = (fa[b] < 0) | ((fa[b] >= lo) & (la[b] <= hi))
            whole = b[inside].tolist()
            across = b[~inside].tolist()
        else:
            across = []
            for r in body:
                f = first[r]
                if f < 0 or (f >= lo and last[r] <= hi):
                    whole.append(r)
                else:
                    across.append(r)
        for r in across:
            cells = g.cells(r, lo, hi)
            part.extend([c for c, _ in cells])
            pairs.extend(cells)
        marks: list[int] = []  # markers and whitespace-only cells
        blanks: list[int] = []
        # the columns of the text cells of whole rows whose cells are all text or plain
        # numbers (most rows: their labels) are taken as they are; other cells one by one
        text_only = g.text_only
        labelled = [r for r in whole if nonplain[r]]
        texts: list[int] = list(
            chain.from_iterable([nonplain[r] for r in labelled if text_only[r]])
        )
        for r in labelled:
            if not text_only[r]:
                pairs.extend(g.other_items(r))
        for c, ci in pairs:
            k = ci.kind
            if k == _NUM:
                continue
            if k == _MARK:
                marks.append(c)
            elif k == _BLANK:
                marks.append(c)
                blanks.append(c)
            else:
                texts.append(c)
        # the order of the counts does not matter (callers look columns up)
        if 2 * len(whole) > g.nr > 64:
            # most rows of a large sheet: the sheet's counts less those of the other rows
            inside = set(whole)
            total = g.col_total().copy()
            total.subtract(chain.from_iterable([g.cols(r) for r in range(g.nr) if r not in inside]))
            total = +total  # the columns with cells left
        else:
            total = Counter(chain.from_iterable([g.cols(r) for r in whole]))
        total.update(part)
        n_mark, n_blank, n_text = Counter(marks), Counter(blanks), Counter(texts)
        stats = {c: [n - n_mark[c] - n_text[c], n_mark[c], n_text[c]] for c, n in total.items()}
        num_cols = {c for c, n in total.items() if n - n_text[c] - n_blank[c] > 0}
        return num_cols, stats

    def _row_key(self, r: int, stub_cols: list[int], data_cols: list[int]) -> tuple:
        get = self.g.get
        stub = []
        for c in stub_cols:
            ci = get(r, c)
            stub.append(None if ci is None or ci.kind == _BLANK else ci.text)
        return tuple(stub), tuple(ci.raw if (ci := get(r, c)) else None for c in data_cols)

    def _seen_rows(self, table: _Table) -> dict[tuple, int]:
        """Keys of the rows a table has read (built only once a continuation needs them)."""
        for r, stub_cols, data_cols in table.emitted[table.seen_upto :]:
            table.seen_rows.setdefault(self._row_key(r, stub_cols, data_cols), r)
        table.seen_upto = len(table.emitted)
        return table.seen_rows

    def _sequence_col(self, c: int, body: list[int], head_txt, stats) -> bool:
        """A leading column of row numbers (``序号`` 1, 2, 3 ...) labels rows, holds no values."""
        zh, en = head_txt[c]
        if _key(zh) in _ID_WORDS or _key(en or "") in _ID_WORDS:
            return True
        right = stats.get(c + 1, [0, 0, 0])
        if right[2] <= right[0] + right[1]:
            return False
        vals = [self.g.get(r, c) for r in body]
        nums = [v.value for v in vals if v is not None and v.kind == _NUM]
        if not all(math.isfinite(x) and x.is_integer() for x in nums):
            return False
        return (
            len(nums) >= 2
            and len(nums) == sum(v is not None for v in vals)
            and nums == [float(i) for i in range(int(nums[0]), int(nums[0]) + len(nums))]
        )

    def _previous_table(self, cont_texts: list[str], s: int, e: int, lo: int) -> _Table | None:
        """The table a segment may continue.

        ``2-1 续表`` names it; otherwise a page tiled to the right continues the table of
        the band on its left whose rows it overlaps, and a page below continues the last one.
        """
        if not self.tables:
            return None
        for text in cont_texts:
            tid = clean.parse_title(text)[0]
            if tid:
                for t in reversed(self.tables):
                    if t.table_id == tid:
                        return t
        last = self.tables[-1]
        if last.band_lo != lo:
            left = [
                t
                for t in self.tables
                if t.band_lo < lo and t.first_row <= e and s <= t.last_row + 3
            ]
            if left:
                return min(left, key=lambda t: (abs(t.first_row - s), -t.band_lo))
        return last

    def _title_like(self, r: int, c: int, lo: int, hi: int) -> bool:
        """A lone text cell above the header: a title line, or a group label of the header?

        Titles start in the table's first column (merged across or not), carry a table
        number, or sit unmerged over the value columns as a centred Chinese line; a label
        merged over some value columns only is a header.
        """
        if c == lo:
            return True
        ci = self.g.get(r, c)
        text = ci.text.strip()
        if clean.parse_title(text)[0] is not None:
            return True
        a = self.g.anchor.get((r, c))
        if a is not None:
            return a[1] == lo
        return _has_cjk(text) and len(text) >= 6 and not _unit_only(text)

    def _add_note(self, table: _Table, r: int, text: str) -> None:
        t = text.strip()
        if table.notes and text[:1] in ("\u3000", " ", "\xa0") and table.notes[-1][0] < r:
            rr, cc, prev = table.notes[-1]
            table.notes[-1] = (r, cc, prev + " " + t.strip("\u3000 "))
            return
        table.notes.append((r, 0, t))

    @staticmethod
    def _english_col(entries: list[Any]) -> bool:
        """Whether the text cells of a stub column (its ``Grid.column`` entries) are mostly
        (over 80%) without Chinese characters and the first 20 hold a letter: English names.
        Each distinct entry is looked at once (a panel's column repeats its labels)."""
        n_text = n_plain = 0
        keys = list(map(id, entries))  # (cells are not hashable; a text's cell repeats)
        by_key = dict(zip(keys, entries, strict=True))
        for k, n in Counter(keys).items():
            ci = by_key[k]
            if ci is None or type(ci) is float or ci.kind != _TEXT:
                continue
            n_text += n
            if not _has_cjk(ci.text):
                n_plain += n
        if not n_text or n_plain <= 0.8 * n_text:
            return False
        first = islice(
            (ci for ci in entries if ci is not None and type(ci) is not float and ci.kind == _TEXT),
            20,
        )
        return any(ch.isalpha() for ci in first for ch in ci.text)

    def _header_words(self, header_rows: list[int], c: int) -> tuple[str, str | None]:
        """Chinese and English header text above stub column ``c`` (joined over rows)."""
        zh_parts, en_parts = [], []
        seen = set()
        for r in header_rows:
            a = self.g.anchor.get((r, c))
            pos = (a[0], a[1]) if a else (r, c)
            if pos in seen or self.g.get(*pos) is None:
                continue
            seen.add(pos)
            ci = self.g.get(*pos)
            if ci.kind == _BLANK:
                continue
            zh, en = _split(ci.text)
            if zh:
                zh_parts.append(_norm(zh))
            if en:
                en_parts.append(en)
        return "".join(zh_parts), (" ".join(en_parts) or None)

    def _columns(
        self,
        header_rows: list[int],
        data_cols: list[int],
        lo: int,
        hi: int,
        year_cols: set[int],
    ) -> dict[int, dict[str, Any]]:
        g = self.g
        rec = self.recipe
        # vertical merges in the header: rows they join form one "line band"
        vbands = set()
        for r in header_rows:
            for c in data_cols:
                a = g.anchor.get((r, c))
                if a and a[2] > a[0]:
                    vbands.add((a[0], a[2]))
        fill = not self.sheet.merged and self.sheet.kind != "html" and len(header_rows) > 1
        out: dict[int, dict[str, Any]] = {}
        eff: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for c in data_cols:
            parts: list[tuple[int, _Cell, tuple[int, int], bool]] = []
            seen = set()
            for i, r in enumerate(header_rows):
                a = g.anchor.get((r, c))
                if a:
                    pos, span, vm = (a[0], a[1]), (a[1], a[3]), a[2] > a[0]
                else:
                    pos, span, vm = (r, c), (c, c), False
                    if fill and g.get(r, c) is None and i < len(header_rows) - 1:
                        # implicit merge: an empty upper header cell continues the label to
                        # its left when the row below is labelled in both columns
                        left = eff.get((r, c - 1))
                        if left is not None and g.get(header_rows[i + 1], c) is not None:
                            pos, span = (left[0], left[1]), (left[2], c)
                    if g.get(r, c) is not None or pos != (r, c):
                        eff[(r, c)] = (pos[0], pos[1], span[0], span[1])
                if pos in seen or g.get(*pos) is None:
                    continue
                seen.add(pos)
                ci = g.get(*pos)
                if ci.kind == _BLANK:
                    continue
                parts.append((pos[0], ci, span, vm))
            out[c] = self._describe(parts, vbands, rec)
        strict = sum(
            any(_region_like(lev) and lev not in _REGION_EXACT for lev in out[c]["levels"])
            for c in data_cols
        )
        for c in data_cols:
            out[c]["regions_across"] = strict >= 2
        last: list[str] | None = None
        for c in data_cols:
            col = out[c]
            if col.get("growth") and col["levels"] and last:
                # 比上年增长(%) beside 总产值: the growth of the indicator on its left
                col["levels"] = [last[0], *col["levels"]]
            elif col["levels"] and not col.get("growth"):
                last = col["levels"]
        for col in out.values():
            col["_dims"] = {}  # _col_dims per kind of row, as _static_cols asks for it
        return out

    def _describe(self, parts, vbands, rec: Recipe | None) -> dict[str, Any]:
        # join label fragments wrapped over rows
        zh_items: list[list[Any]] = []  # [row, text, span, vm]
        en_items: list[str] = []
        year: int | None = None
        for row, ci, span, vm in parts:
            if ci.kind == _NUM:
                y = _is_year_value(ci)
                if y is not None and (rec is None or rec.orientation != "no_years"):
                    year = y
                    continue
                zh_items.append([row, ci.text, span, vm])
                continue
            zh, en = _split(ci.text)
            if en:
                en_items.append(en)
            if not zh:
                continue
            if zh_items:
                last = zh_items[-1]
                same = last[2] == span
                band = any(b0 <= last[0] and row <= b1 for b0, b1 in vbands)
                if same and (_paren_open(last[1]) or (band and not vm and not last[3])):
                    last[1] = last[1] + zh
                    continue
            zh_items.append([row, zh, span, vm])
        levels: list[str] = []
        unit: str | None = None
        col_marker: str | None = None
        if not zh_items and en_items:
            # an English-only header (research panels, English editions) labels the column
            zh_items = [[0, " ".join(en_items), None, False]]
            en_items = []
        for _, text, _, _ in zh_items:
            label = _norm(text)
            if "_" in label and _has_cjk(label):
                toks = [t for t in label.split("_") if t]
                if len(toks) > 1 and (
                    _is_unit(toks[-1]) or clean.unit_multiplier(toks[-1])[0] != toks[-1]
                ):
                    unit = toks[-1]
                    toks = toks[:-1]
                for t in toks:
                    levels.append(t)
                continue
            lab, u = _unit_of(label)
            if u:
                unit = u
            lab, mark = clean.split_footnote_marker(_unwrap(lab.strip()))
            if mark:
                col_marker = mark
            if not lab:
                continue
            if (rec is None or rec.orientation != "no_years") and not clean.is_growth_label(lab):
                y = clean.parse_year(lab)
                if y is not None and _only_year(lab):
                    year = y
                    continue
            levels.append(lab)
        en = None
        if en_items:
            en = _unit_of(en_items[0])[0].strip() if en_items[0] else None
            if unit is None:
                u = clean.parse_unit(" ".join(en_items))[1]
                if _is_unit(u):
                    unit = u
        growth = None
        if levels and clean.is_growth_label(levels[0]):
            # 能源消费总量比上年增长 → indicator 能源消费总量, measure 比上年增长
            m = _GROWTH_START.search(levels[0])
            if m and m.start() > 0:
                levels = [levels[0][: m.start()], levels[0][m.start() :], *levels[1:]]
            else:
                growth = levels[0]
        return {
            "levels": levels,
            "year": year,
            "unit": unit,
            "en": en or None,
            "growth": growth,
            "marker": col_marker,
        }

    def _row_dims(
        self, r, stub_cols, stub_roles, levels_by_row, heading: bool = False
    ) -> dict[str, Any]:
        """Dimensions of body row ``r`` from its stub cells.

        ``levels_by_row`` is the stack of the rows above by indent level, as
        ``[level, label, unit, heading, en]`` (``heading``: a row without values); a row
        below a value-less heading takes dimensions from it (see :func:`_heading_dims`).
        """
        year = region = indicator = en = unit = level = parent = marker = None
        extra: list[str] = []
        entry: list[Any] | None = None
        from_heading = region_head = None
        has_label = False
        rmap = self.g.rmap(r)
        for c in stub_cols:
            ci = rmap.get(c)
            if ci is None:
                continue
            if type(ci) is float:
                ci = _PlainNum(ci)
            elif ci.kind == _BLANK:
                continue
            role = stub_roles.get(c, "label")
            if role == "year":
                y = _is_year_value(ci)
                if y is None:
                    y = clean.parse_year(ci.raw)
                year = y
                has_label = True
            elif role == "unit":
                unit = _norm(ci.text) or None
            elif role == "id":
                pass
            elif role == "en":
                en = " ".join(ci.text.split())
                has_label = True
            else:
                lev, label, mark, u = _stub_label(ci.text)
                rank = _stub_rank(ci.text)
                if mark:
                    marker = mark
                if u:
                    unit = unit or u
                if not label:
                    continue
                has_label = True
                if role == "region" and region is None:
                    region = label
                elif role != "region" and indicator is None:
                    indicator = label
                    level = lev
                    while levels_by_row and levels_by_row[-1][0] >= rank:
                        levels_by_row.pop()
                    if levels_by_row:
                        parent = levels_by_row[-1][1]
                        if not heading:
                            from_heading = _heading_dims(label, levels_by_row)
                    entry = [rank, label, u, heading, None]
                    levels_by_row.append(entry)
                else:
                    extra.append(label)
                if role == "region" and level is None:
                    level = lev
                    while levels_by_row and levels_by_row[-1][0] >= rank:
                        levels_by_row.pop()
                    parent = levels_by_row[-1][1] if levels_by_row else None
                    if parent is not None and not heading:
                        top = levels_by_row[-1]
                        if top[2] and _place_label(label) and top[3] and not _place_label(top[1]):
                            # 地区生产总值(亿元) without values over indented regions: the
                            # indicator of the rows below (a heading with a unit only, so that
                            # a group such as 东部 over provinces stays a plain parent)
                            region_head = top
                    entry = [rank, label, u, heading, None]
                    levels_by_row.append(entry)
        if entry is not None:
            entry[4] = en
        if from_heading is not None and region is None:
            # a value-less heading row above: 地区生产总值(亿元) over indented regions, or a
            # county over indented indicators
            head, region = from_heading
            if head is not None:
                indicator, unit, en = head[1], unit or head[2], head[4]
        elif region_head is not None and indicator is None:
            indicator, unit, en = region_head[1], unit or region_head[2], region_head[4]
        return {
            "year": year,
            "region": region,
            "indicator": indicator,
            "en": en,
            "unit": unit,
            "extra": extra,
            "level": level,
            "parent": parent,
            "has_label": has_label,
            "marker": marker,
        }

    def _mark_stub(self, r: int, c: int, stub_roles, tid) -> None:
        ci = self.g.get(r, c)
        if ci is None:
            return
        role = stub_roles.get(c, "label")
        if ci.kind == _BLANK:
            self._set(r, c, "ignored", "whitespace only", tid)
        elif role == "unit":
            self._set(r, c, "unit", None, tid)
        elif role == "id":
            self._set(
                r, c, "ignored", "row number or identifier column (no dimension of its own)", tid
            )
        else:
            self._set(r, c, "header", None, tid)

    def _static_cols(self, table, data_cols, columns, ckey) -> list[tuple | None]:
        """Per value column, what does not change from row to row (computed once per kind of
        row: with or without an indicator and a region in the stub)."""
        rec = self.recipe
        fallback_ind = (
            table.indicator
            or (rec.indicator if rec else None)
            or _indicator_from_title(table.title)
            or self.sheet.name
        )
        fallback_reg = table.region or self.region or (rec.region if rec else None)
        fallback_year = table.year or self.year or (rec.year if rec else None)
        out: list[tuple | None] = []
        for c in data_cols:
            col = columns.get(c)
            if col is None:
                out.append(None)
                continue
            dims = col["_dims"].get(ckey)
            if dims is None:
                dims = col["_dims"][ckey] = _col_dims(col, *ckey)
            col_ind, col_en, col_parts, col_reg = dims
            out.append(
                (
                    self.g.letters[c],
                    col_ind if col_ind is not None else fallback_ind,
                    col_en if col_ind is not None else None,
                    col_parts,
                    " / ".join(col_parts) if col_parts else None,
                    col_reg or fallback_reg,
                    col["year"] or fallback_year,
                    col["unit"],
                    col["marker"],
                )
            )
        return out

    def _emit_row(self, table, r, plan: _Plan, rowinfo, panel, tid) -> None:
        """One tidy row per value cell of body row ``r``.

        Row-level parts (indicator, region, year, level ...) are repeated once per row and
        column-level parts come from ``plan``; only value, status, note and unit are looked
        at cell by cell, and a row of plain numbers takes them in bulk.
        """
        rec = self.recipe
        g = self.g
        want = self.want_ledger
        cols = plan.cols
        n = len(cols)
        rmap = g.rmap(r)
        if want and plan.headless:
            for c in plan.headless:
                if rmap.get(c) is not None:
                    self._set(r, c, "ignored", "value column without a header", None)
        if not n:
            return
        row_ind = rowinfo["indicator"]
        row_reg = rowinfo["region"]
        extra = rowinfo["extra"]
        row_year = rowinfo["year"]
        row_unit = rowinfo["unit"]
        row_marker = rowinfo["marker"]
        fallback_unit = table.unit or (rec.unit if rec else None)
        no_cache = self.sheet.formula_no_cache
        rs = str(r + 1)
        out = table.out
        if not no_cache and plan.colset.isdisjoint(g.nonplain[r]):
            # every value cell is a plain number (no note, no unit of its own: status A) or
            # empty (status M); both take the column's unit and marker
            if rmap.keys() >= plan.colset:
                values = list(map(rmap.__getitem__, cols))
                if not all(type(v) is float for v in values):  # an int cell among them
                    values = [v if type(v) is float else v.value for v in values]
                status = ["A"] * n
                present = cols
            else:
                nan = math.nan
                cis = list(map(rmap.get, cols))
                values = [
                    nan if ci is None else ci if type(ci) is float else ci.value for ci in cis
                ]
                status = ["M" if ci is None else "A" for ci in cis]
                present = [c for c in cols if c in rmap]
            if panel and 0.0 in values:
                # zero as a missing-value code of a research panel
                status = ["Z" if v == 0 else st for v, st in zip(values, status, strict=True)]
                values = [math.nan if v == 0 else v for v in values]
            units, mults = plan.units(row_unit, fallback_unit)
            out[5].extend(values)
            out[6].extend(units)
            out[7].extend(status)
            out[8].extend([row_marker] * n if row_marker else plan.marks)
            out[10].extend(mults)
            if want:
                for c in present:
                    self._set(r, c, "value", None, tid)
        else:
            nan = math.nan
            vals: list[Any] = []
            stats: list[str] = []
            marks: list[str | None] = []
            units_l: list[str | None] = []
            for c, col_unit, col_mark in zip(cols, plan.col_units, plan.marks, strict=True):
                ci = _plain(rmap.get(c))
                if ci is None:
                    value, status, cnote, cunit = nan, "M", None, None
                else:
                    kind = ci.kind
                    cunit = ci.unit
                    if kind == _NUM:
                        value, status, cnote = ci.value, "A", ci.note
                        if panel and value == 0:
                            value, status = nan, "Z"
                        role = "value"
                    elif kind == _MARK or kind == _BLANK:
                        value, status, cnote = nan, ci.status, ci.note
                        role = "marker"
                    else:
                        value, status, cnote = nan, "X", None
                        role = "marker"
                    if want:
                        self._set(r, c, role, None, tid)
                    if no_cache and (r, c) in no_cache:
                        value, status = nan, "F"
                vals.append(value)
                stats.append(status)
                marks.append(cnote or row_marker or col_mark)
                units_l.append(cunit or col_unit or row_unit or fallback_unit)
            out[5].extend(vals)
            out[6].extend(units_l)
            out[7].extend(stats)
            out[8].extend(marks)
            out[10].extend([_mult(u) for u in units_l])
        if row_ind is not None:
            out[0].extend([row_ind] * n)
            out[1].extend([rowinfo["en"]] * n)
        else:
            out[0].extend(plan.inds)
            out[1].extend(plan.ens)
        if extra:
            out[2].extend([" / ".join([*p, *extra]) for p in plan.parts])
        else:
            out[2].extend(plan.brks)
        out[3].extend([row_reg] * n if row_reg else plan.regs)
        out[4].extend([row_year] * n if row_year else plan.years)
        out[9].extend([letter + rs for letter in plan.letters])
        out[11].extend([rowinfo["level"]] * n)
        out[12].extend([rowinfo["parent"]] * n)

    def _finish(self, table: _Table, result: SheetResult) -> None:
        marked: dict[str, str] = {}
        general: list[str] = []
        for _, _, text in table.notes:
            m = _NOTE_MARK.match(text)
            if m and m.group(1):
                marked[m.group(1)] = text
            else:
                general.append(text)
        gen = " ".join(general) if general else None
        tid = table.table_id or table.label_id
        cols = result.columns
        out = table.out
        if table.block is not None:
            if self.columnar and not out[9]:
                out = table.block
            else:
                # rows read row by row after the bulk ones (a continuation): as lists
                out = [_as_list(b) + o for b, o in zip(table.block, out, strict=True)]
        (ind, ind_en, brk, reg, yr, val, unit, status, marker, cell, mult, level, parent) = out
        n = len(cell)
        if not n:
            return
        # a panel body read into arrays: the table's own texts as arrays too
        arrays = out is table.block
        if any(marker):
            notes = []
            for m in marker:
                if m:
                    linked = marked.get(m) or f"marker {m}"
                    notes.append(linked if gen is None else f"{linked} {gen}")
                else:
                    notes.append(gen)
        else:
            notes = _constant(gen, n, array=arrays)
        for name, values in (
            ("table_id", _constant(tid, n, array=arrays)),
            ("table_title", _constant(table.title, n, array=arrays)),
            ("indicator", ind),
            ("indicator_en", ind_en),
            ("breakdown", brk),
            ("region", reg),
            ("year", yr),
            ("value", val),
            ("unit", unit),
            ("status", status),
            ("note", notes),
            ("source_sheet", _constant(self.sheet.name, n, array=arrays)),
            ("source_cell", cell),
            ("unit_mult", mult),
            ("level", level),
            ("parent", parent),
        ):
            if self.columnar:
                cols.setdefault(name, []).append(values)
            elif name in cols:
                cols[name].extend(values)
            else:
                cols[name] = values  # a list of this table's own: no copy needed


def _constant(text: str | None, n: int, *, array: bool) -> Any:
    """``text`` repeated ``n`` times: a list, or a pyarrow array built from buffers (for a
    panel body read into arrays, whose lists of repeats would be scanned again to be
    converted).

    Examples
    --------
    >>> _constant("表1", 2, array=False), _constant(None, 2, array=True).to_pylist()
    (['表1', '表1'], [None, None])
    """
    return _text_block([text], 1, n, tiled=True) if array else [text] * n


#: Smallest panel body (value cells) read into arrays: below it the fixed cost of the
#: array calls exceeds what they save, and lists are faster.
_BLOCK_MIN_CELLS = 1000

#: Fields of ``_Table.out`` (the tidy columns built per table).
_OUT_FIELDS: tuple[str, ...] = (
    "indicator",
    "indicator_en",
    "breakdown",
    "region",
    "year",
    "value",
    "unit",
    "status",
    "marker",
    "source_cell",
    "unit_mult",
    "level",
    "parent",
)


class _Plan:
    """Column-level parts of the tidy rows of one table segment (the value columns with a
    header, in order), computed once and reused for every body row."""

    __slots__ = (
        "cols",
        "colset",
        "headless",
        "letters",
        "inds",
        "ens",
        "parts",
        "brks",
        "regs",
        "years",
        "col_units",
        "marks",
        "_units",
    )

    def __init__(self, data_cols: list[int], static: list[tuple | None]) -> None:
        sel = [(c, st) for c, st in zip(data_cols, static, strict=True) if st is not None]
        self.cols = [c for c, _ in sel]
        self.colset = set(self.cols)
        self.headless = {c for c, st in zip(data_cols, static, strict=True) if st is None}
        sts = [st for _, st in sel]
        self.letters = [st[0] for st in sts]
        self.inds = [st[1] for st in sts]
        self.ens = [st[2] for st in sts]
        self.parts = [st[3] for st in sts]
        self.brks = [st[4] for st in sts]
        self.regs = [st[5] for st in sts]
        self.years = [st[6] for st in sts]
        self.col_units = [st[7] for st in sts]
        self.marks = [st[8] for st in sts]
        self._units: dict[tuple, tuple[list, list]] = {}

    def units(self, row_unit: str | None, fallback: str | None) -> tuple[list, list]:
        """Units and unit multipliers of a row whose cells carry no unit of their own."""
        key = (row_unit, fallback)
        got = self._units.get(key)
        if got is None:
            units = [cu or row_unit or fallback for cu in self.col_units]
            got = self._units[key] = (units, [_mult(u) for u in units])
        return got


def _panel_block(
    cells,
    rows,
    plan,
    regions,
    years,
    units,
    marks,
    levels,
    parents,
    fallback_unit,
    panel,
    holes=None,
) -> list[Any] | None:
    """The tidy fields (``_OUT_FIELDS``) of a panel body read in bulk, as arrays.

    Column-level parts are tiled over the rows and row-level parts repeated over the value
    columns, built from buffers (:func:`_text_block`); the values come as one float matrix;
    ``source_cell`` is put together from the column letters and the row numbers
    (:func:`_source_cells`). Returns ``None`` when a label is not text (the list path then
    builds the same rows).
    """
    import pyarrow as pa

    n, nr = len(plan.cols), len(rows)
    total = n * nr
    tile = np.tile(np.arange(n), nr)
    rep = np.repeat(np.arange(nr), n)
    lstr = pa.large_string()
    try:
        if holes is not None:
            # None (an empty cell) becomes NaN: no value cell is NaN (NaN is a marker)
            values = np.array(holes, dtype="float64")
            missing = np.isnan(values)
        elif n > 1:
            get = itemgetter(*plan.cols)
            values = np.fromiter(
                chain.from_iterable(map(get, map(cells.__getitem__, rows))),
                dtype="float64",
                count=total,
            )
        else:
            c0 = plan.cols[0]
            values = np.fromiter([cells[r][c0] for r in rows], dtype="float64", count=total)
        status: Any = ["A"] * total
        zero = values == 0 if panel else None
        if holes is not None:
            code = np.zeros(total, dtype=np.int8)
            if zero is not None:
                code[zero] = 1
                values[zero] = math.nan
            code[missing] = 2
            status = pa.array(["A", "Z", "M"], lstr).take(code)
        elif zero is not None and zero.any():
            status = pa.array(["A", "Z"], lstr).take(zero.astype(np.int8))
            values[zero] = math.nan
        # units and multipliers per distinct row unit
        keys = {u: k for k, u in enumerate(dict.fromkeys(units))}
        flat_units: list[Any] = []
        flat_mults: list[Any] = []
        for u in keys:
            us, ms = plan.units(u, fallback_unit)
            flat_units.extend(us)
            flat_mults.extend(ms)
        if len(keys) == 1:
            unit_idx = tile
        else:
            row_key = np.fromiter(map(keys.__getitem__, units), dtype=np.int64, count=nr)
            unit_idx = (row_key[:, None] * n + np.arange(n)).reshape(-1)
        year_rows = years if None not in years and 0 not in years else [y or None for y in years]
        if None not in year_rows:
            year_arr = _int_ext(np.repeat(np.asarray(year_rows, dtype=np.int64), n), None)
        else:
            ry, rm = _int_parts(year_rows)
            py, pm = _int_parts(plan.years)
            has = ~rm[rep]
            year_arr = _int_ext(np.where(has, ry[rep], py[tile]), ~has & pm[tile])
        mu, mm = _int_parts(flat_mults)
        mult_data, mult_mask = mu[unit_idx], mm[unit_idx]
        if any(marks):
            marker = list(chain.from_iterable([m] * n if m else plan.marks for m in marks))
        else:
            marker = plan.marks * nr
        if len(keys) == 1:
            unit_col: Any = _text_block(flat_units, n, nr, tiled=True)
        else:
            unit_col = pa.array(flat_units, lstr).take(unit_idx)
        block: list[Any] = [
            _text_block(plan.inds, n, nr, tiled=True),
            _text_block(plan.ens, n, nr, tiled=True),
            _text_block(plan.brks, n, nr, tiled=True),
            _text_block(regions, n, nr, tiled=False),
            year_arr,
            values,
            unit_col,
            status,
            marker,
            _source_cells(plan.letters, rows),
            _int_ext(mult_data, mult_mask),
            _int_ext(np.repeat(np.asarray(levels, dtype=np.int64), n), None),
            _text_block(parents, n, nr, tiled=False),
        ]
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        return None
    return block


def _text_block(texts: list[Any], n: int, nr: int, *, tiled: bool) -> Any:
    """A pyarrow ``large_string`` array of ``n * nr`` texts laid out row by row.

    ``tiled``: ``texts`` holds one text per column (``n``), repeated on every row, built
    straight from its buffers (the few texts' bytes repeated: several times faster than
    ``take``); otherwise one text per row (``nr``), repeated in every column (``take``).
    ``None`` is null.

    Examples
    --------
    >>> _text_block(["a", None], 2, 2, tiled=True).to_pylist()
    ['a', None, 'a', None]
    >>> _text_block(["x", "yz"], 2, 2, tiled=False).to_pylist()
    ['x', 'x', 'yz', 'yz']
    """
    import pyarrow as pa

    if not tiled:
        arr = pa.array(texts, pa.large_string())
        return arr if n == 1 else arr.take(np.repeat(np.arange(nr), n))
    try:
        enc = [b"" if t is None else t.encode("utf-8") for t in texts]
    except AttributeError:
        raise TypeError("a label that is not text") from None
    lens = np.fromiter(map(len, enc), dtype=np.int64, count=n)
    if n == 1:  # one text repeated (a table's own title, sheet or note)
        offsets = np.arange(nr + 1, dtype=np.int64) * int(lens[0])
    else:
        offsets = np.zeros(n * nr + 1, dtype=np.int64)
        np.cumsum(np.tile(lens, nr), out=offsets[1:])
    validity = None
    if None in texts:
        valid = np.tile(np.fromiter((t is not None for t in texts), dtype=bool, count=n), nr)
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.LargeStringArray.from_buffers(
        n * nr, pa.py_buffer(offsets), pa.py_buffer(b"".join(enc) * nr), validity
    )


def _source_cells(letters: list[str], rows: list[int]) -> Any:
    """The A1 addresses of the cells of ``rows`` (0-based) in the columns of ``letters``,
    row by row, as a pyarrow ``large_string`` array built from its buffers.

    The row numbers are written as text by pyarrow. Rows whose numbers have the same number
    of digits (a run of them: all of a panel's rows fall in a handful of runs) share one
    byte layout, the letters with room for the digits after each: the layout is repeated
    for the run's rows and the digits written into it column of bytes by column of bytes.

    Examples
    --------
    >>> _source_cells(["B", "AA"], [0, 9, 99]).to_pylist()
    ['B1', 'AA1', 'B10', 'AA10', 'B100', 'AA100']
    >>> _source_cells(["C"], [99, 0]).to_pylist()
    ['C100', 'C1']
    """
    import pyarrow as pa

    n, nr = len(letters), len(rows)
    if not n or not nr:
        return pa.array([], pa.large_string())
    numbers = pa.array(np.asarray(rows, dtype=np.int64) + 1).cast(pa.string())
    _, noff, ndata = numbers.buffers()
    noff = np.frombuffer(noff, dtype=np.int32, count=nr + 1).astype(np.int64)
    digits = np.frombuffer(ndata, dtype=np.uint8, count=int(noff[-1]))
    wd = np.diff(noff)
    wl = np.fromiter(map(len, letters), dtype=np.int64, count=n)
    lb = np.frombuffer("".join(letters).encode("ascii"), dtype=np.uint8)
    # runs of rows with as many digits
    cut = np.flatnonzero(np.diff(wd)) + 1
    starts = np.concatenate(([0], cut)).tolist()
    ends = np.concatenate((cut, [nr])).tolist()
    parts = []
    widths = []
    for s, e in zip(starts, ends, strict=True):
        d = int(wd[s])
        width = wl + d  # each address of these rows
        at = np.concatenate(([0], np.cumsum(width)[:-1]))  # where each address starts
        layout = np.empty(int(width.sum()), dtype=np.uint8)
        # the letters in place (positions of each letter byte: its address start + offset)
        lpos = np.repeat(at, wl) + (np.arange(len(lb)) - np.repeat(np.cumsum(wl) - wl, wl))
        layout[lpos] = lb
        block = np.tile(layout, (e - s, 1))
        first = noff[s:e]
        for j in range(d):  # the j-th digit of each row, after each letter
            block[:, at + wl + j] = digits[first + j][:, None]
        parts.append(block.reshape(-1))
        widths.append(np.tile(width, e - s))
    offsets = np.zeros(n * nr + 1, dtype=np.int64)
    np.cumsum(np.concatenate(widths), out=offsets[1:])
    data = np.concatenate(parts)
    return pa.LargeStringArray.from_buffers(n * nr, pa.py_buffer(offsets), pa.py_buffer(data))


def _int_parts(values: list[Any]) -> tuple[Any, Any]:
    """Data and mask arrays of a list of ints and ``None``."""
    mask = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    data = np.fromiter((0 if v is None else v for v in values), dtype=np.int64, count=len(values))
    return data, mask


def _int_ext(data: Any, mask: Any) -> Any:
    """A pandas ``Int64`` array (masked entries hold 0, as the list path makes them)."""
    import pandas as pd

    if mask is None:
        mask = np.zeros(len(data), dtype=bool)
    else:
        data = np.where(mask, 0, data)
    return pd.arrays.IntegerArray(np.ascontiguousarray(data, dtype=np.int64), mask)


def _as_list(piece: Any) -> list[Any]:
    """The values of a piece of a column as a Python list (``None`` for missing)."""
    if isinstance(piece, list):
        return piece
    if isinstance(piece, np.ndarray):
        return piece.tolist()
    if hasattr(piece, "to_pylist"):
        return piece.to_pylist()
    data, mask = piece._data, piece._mask  # a pandas IntegerArray
    return [None if m else v for v, m in zip(data.tolist(), mask.tolist(), strict=True)]


def _stub_year(ci: _Cell | None) -> int | None:
    """The year of a cell of a year stub column, as ``_row_dims`` reads it."""
    if ci is None or ci.kind == _BLANK:
        return None
    y = _is_year_value(ci)
    return clean.parse_year(ci.raw) if y is None else y


def _repeat(values: list[Any], n: int) -> list[Any]:
    """Each of ``values`` ``n`` times in a row (``[a, a, b, b]``), by numpy for a long
    list (a comprehension is quicker for a small table's few rows).

    >>> _repeat(["a", None], 2), _repeat(list(range(100)), 3)[-4:]
    (['a', 'a', None, None], [98, 99, 99, 99])
    """
    if len(values) * n < 256:
        return [v for v in values for _ in range(n)]
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return np.repeat(arr, n).tolist()


def _col_dims(
    col: dict[str, Any], row_has_indicator: bool, row_has_region: bool
) -> tuple[str | None, str | None, tuple[str, ...], str | None]:
    """Indicator, English label, breakdown parts and region a column header contributes.

    ``全市``/``市辖区``/``市区`` beside indicator rows are a breakdown (CCSY's city total and
    districts), unless the other columns are counties and districts (regions across).
    """
    levels = list(col["levels"])
    region = None
    scopes = () if col.get("regions_across") else ("全市", "市辖区", "市区")
    if row_has_indicator:
        if not row_has_region:
            for i, lev in enumerate(levels):
                if _region_like(lev) and lev not in scopes:
                    region = levels.pop(i)
                    break
        return None, None, tuple(levels), region
    if not levels:
        return None, None, (), None
    if (
        not row_has_region
        and _region_like(levels[0])
        and (col.get("regions_across") or len(levels) == 1)
    ):
        # years down, regions across: the indicator is in the title or a level below
        rest = levels[1:]
        return (rest[0] if rest else None), None, tuple(rest[1:]), levels[0]
    rest = levels[1:]
    if not row_has_region:
        for i, lev in enumerate(rest):
            if _region_like(lev):
                region = rest.pop(i)
                break
    return levels[0], col["en"], tuple(rest), region


def _place_label(label: str) -> bool:
    """A region name in a stub (``全市``, ``海州区``), not a word such as ``城市``/``地区``."""
    return _region_like(label) and _key(label) not in _REGION_WORDS


def _heading_dims(label: str, stack: list[list[Any]]) -> tuple[list[Any] | None, str] | None:
    """What a stub row with values takes from the value-less heading rows above it.

    ``stack`` holds the rows above that are higher in the hierarchy, nearest last, as
    ``[rank, label, unit, heading, en]`` (rank: :func:`greenstats.clean.stub_rank`). Returns ``(indicator_row, region)`` or None:

    - an indicator heading over indented regions (``地区生产总值(亿元)`` above ``　　全市``):
      the indicator (with its unit) is the heading's, the region the row's own label;
    - a region heading over indented indicators (``东海县`` above ``　　常住人口(万人)``):
      the region is the heading's (``indicator_row`` None: the row keeps its indicator).

    Examples
    --------
    >>> head = [0, "地区生产总值", "亿元", True, None]
    >>> ind, region = _heading_dims("海州区", [head])
    >>> ind[1], ind[2], region
    ('地区生产总值', '亿元', '海州区')
    >>> _heading_dims("常住人口", [[0, "东海县", None, True, None]])
    (None, '东海县')
    >>> _heading_dims("海州区", [[0, "地区生产总值", "亿元", False, None]]) is None  # has values
    True
    """
    if _place_label(label):
        top = stack[-1]
        return (top, label) if top[3] and not _place_label(top[1]) else None
    for entry in reversed(stack):
        if entry[3] and _place_label(entry[1]):
            return None, entry[1]
    return None


@lru_cache(maxsize=65536)
def _stub_rank(raw: str) -> tuple[int, int]:
    """:func:`greenstats.clean.stub_rank`, cached (labels repeat).

    >>> _stub_rank("连云港市"), _stub_rank("其中：工业"), _stub_rank("  1.原煤")
    ((0, 0), (0, 1), (2, 2))
    """
    if _plain_zh(raw):
        return 0, 0
    return clean.stub_rank(raw)


_PLAIN_ZH = re.compile(r"[\u4e00-\u9fff]+")


def _plain_zh(raw: str) -> bool:
    """A stub label of Chinese characters only (a city, a county), not ``其中…`` (of which):
    no indentation, numbering, ``#``, footnote marker or bracketed unit to read."""
    return _PLAIN_ZH.fullmatch(raw) is not None and raw[0] != "其"


@lru_cache(maxsize=65536)
def _stub_label(raw: str) -> tuple[int, str, str | None, str | None]:
    """Level, label, footnote marker and unit of a stub cell (cached: labels repeat)."""
    if _plain_zh(raw):
        # a unit line such as ``单位万元`` leaves the label whole, as below
        return 0, raw, None, None
    level = clean.indent_level(raw)
    label, marker = clean.split_footnote_marker(_norm(clean.strip_stub(raw)))
    lab, unit = _unit_of(label)
    if unit and lab:
        label = lab
    else:
        unit = None
    return level, label, marker, unit


@lru_cache(maxsize=4096)
def _mult(unit: str | None) -> int | None:
    if not unit:
        return None
    try:
        return clean.unit_multiplier(unit)[1]
    except (ValueError, TypeError, GreenstatsError):
        return None


_TITLE_SCOPE = re.compile(
    r"^(?:\d{4}\s*年(?:末|度)?)?\s*(?:全国|全省|全市)?\s*"
    r"(?:(?:各|分)(?:县[(（]市、区[)）]|县市区|县区|市县|县市|区县|市区|地区|城市|省市|省份|"
    r"省|市|县|区|乡镇|镇|街道)|主要城市|地级以上城市)+"
)


def clear_caches() -> None:
    """Empty the label and cell caches (benchmarks use it to time cold reads)."""
    for fn in (_classify_str, _stub_label, _stub_rank, _mult, _norm, _key, _split, _unit_of):
        fn.cache_clear()
    clean._clear_caches()


def _indicator_from_title(title: str | None) -> str | None:
    """What a title measures when the table prints no indicator of its own.

    Examples
    --------
    >>> _indicator_from_title("2023年各县区规模以上工业总产值"), _indicator_from_title("各市常住人口")
    ('规模以上工业总产值', '常住人口')
    >>> _indicator_from_title("能源消费结构")
    '能源消费结构'
    """
    if not title:
        return None
    rest = _TITLE_SCOPE.sub("", title).strip()
    return rest or title


def _unwrap(label: str) -> str:
    """``(发电煤耗计算法)`` → ``发电煤耗计算法``: a level wholly inside one pair of brackets."""
    if len(label) > 2 and label[0] in "(（" and label[-1] in ")）":
        inner = label[1:-1]
        if not any(ch in inner for ch in "()（）"):
            return inner.strip()
    return label


def context_from_text(lines: Iterable[str]) -> dict[str, Any]:
    """Title, year and unit from text printed outside a table grid (an HTML page's title).

    Examples
    --------
    >>> context_from_text(["中国2014年地级以上城市年末金融机构存贷款余额统计(二)"])["year"]
    2014
    """
    ctx: dict[str, Any] = {}
    for line in lines:
        t = str(line).strip()
        if not t:
            continue
        if _UNIT_LINE.match(t):
            u = clean.parse_unit(t)[1]
            if u:
                ctx["unit"] = u
            continue
        if clean.is_note(t):
            ctx.setdefault("notes", []).append(t)
            continue
        if "title" not in ctx and _has_cjk(t):
            ctx["title"] = t
            y = clean.year_from_title(t)
            if y:
                ctx["year"] = y
    return ctx


_UNIT_KEYS = frozenset({"unit", "units", "单位", "计量单位", "unit of measure"})


def _is_unit_key(text: str) -> bool:
    """Whether a metadata key names the unit: ``Unit/单位``, ``单位：``, ``Units``.

    Examples
    --------
    >>> _is_unit_key("Unit/单位"), _is_unit_key("计量单位："), _is_unit_key("Type/类型")
    (True, True, False)
    """
    parts = re.split(r"[/\n|:：（）()]+", text.strip().lower())
    parts = [p.strip() for p in parts if p.strip()]
    return bool(parts) and all(p in _UNIT_KEYS for p in parts)


def _meta_unit(text: str) -> str | None:
    """The unit of a metadata value: the Chinese line of a bilingual value, else the text.

    Examples
    --------
    >>> _meta_unit("million tones\\n百万吨"), _meta_unit("Mt CO2"), _meta_unit("  ")
    ('百万吨', 'Mt CO2', None)
    """
    lines = [x.strip() for x in text.replace("\r", "\n").split("\n") if x.strip()]
    if not lines:
        return None
    zh = [x for x in lines if _has_cjk(x)]
    unit = (zh or lines)[0]
    return unit if len(unit) <= 24 else None


_ONLY_YEAR = re.compile(r"\s*\d{4}(\.0)?\s*(年|年末|年度|年底)?\s*")


def _only_year(label: str) -> bool:
    """``2020``, ``2020年``, ``2020 年``, ``2020年末`` but not ``2020年价格``."""
    return bool(_ONLY_YEAR.fullmatch(label))


def _unit_only(text: str) -> bool:
    t = text.strip()
    if not t:
        return False
    lab, unit = _unit_of(t)
    return bool(unit) and not lab.strip()


def _raw_str(v: Any) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def parse_sheet(
    sheet: Sheet,
    *,
    file_name: str,
    recipe: Recipe | None = None,
    region: str | None = None,
    year: int | None = None,
    context: dict[str, Any] | None = None,
    ledger: bool = True,
    columnar: bool = False,
) -> SheetResult:
    """Find the tables of one sheet; return tidy rows and the cell ledger.

    Parameters
    ----------
    sheet
        The sheet, with its absolute grid and merged ranges.
    file_name
        Used in error messages.
    recipe
        Optional overrides (see :mod:`greenstats.specs.recipe`).
    region, year
        Fill these dimensions where the table itself has none.
    context
        ``title``/``unit``/``year`` carried over from a previous sheet without a table.
    ledger
        Build the cell ledger too (``False`` saves time when only the tidy rows count).
    columnar
        Give each column as a list of pieces (lists, or arrays built in bulk for a panel
        body) instead of one list (the reader's form; see :attr:`SheetResult.columnar`).

    Returns
    -------
    SheetResult

    Raises
    ------
    LayoutError
        When a table cannot be understood; it names the file, sheet, cell and the fix.

    Examples
    --------
    >>> from greenstats.io.containers import Sheet
    >>> s = Sheet(name="S", cells=[["城市", "人口(万人)"], ["  连云港市", "534"]], merged=())
    >>> r = parse_sheet(s, file_name="f.xls").rows[0]
    >>> r["region"], r["indicator"], r["value"], r["unit"], r["source_cell"]
    ('连云港市', '人口', 534.0, '万人', 'B2')
    """
    parser = _SheetParser(sheet, file_name, recipe, region, year, context)
    parser.want_ledger = ledger
    parser.columnar = columnar
    try:
        result = parser.parse()
        result.columnar = columnar
        return result
    except GreenstatsError:
        raise
    except Exception as exc:  # any other failure becomes a LayoutError naming the sheet
        raise LayoutError(
            f"the table layout could not be understood ({type(exc).__name__}: {exc})",
            file=file_name,
            sheet=sheet.name,
            fix="pass recipe={'header_rows': N, 'stub_cols': K} for this sheet, or sheet= "
            "to read another sheet; please report the file",
        ) from exc
