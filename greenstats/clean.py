"""Pure text cleaning for Chinese statistical tables: labels, units, numbers, years, notes.

Nothing here opens a file. Every function takes a cell's text (or value) and returns plain
Python values, so the layout code can call them cell by cell and tests can check them by hand.

Examples
--------
>>> normalize_label("全　　市")
'全市'
>>> parse_unit("能源消费总量(万吨标准煤)")
('能源消费总量', '万吨标准煤')
>>> unit_multiplier("万吨标准煤")
('吨标准煤', 4)
>>> parse_number("27.5①")
ParsedNumber(value=27.5, status='A', note='①')
>>> parse_year("2020年末"), is_growth_label("2016-2020年均增长")
(2020, True)
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

__all__ = [
    "ParsedNumber",
    "indent_level",
    "is_continuation",
    "is_growth_label",
    "is_note",
    "normalize_label",
    "parse_metadata",
    "parse_number",
    "parse_title",
    "parse_unit",
    "parse_year",
    "split_bilingual",
    "split_footnote_marker",
    "strip_stub",
    "unit_multiplier",
    "year_from_title",
]

# --------------------------------------------------------------------------- characters

#: Characters that print as a blank: ASCII space and tab, NBSP, ideographic space (U+3000),
#: the en/em/thin/hair spaces, narrow NBSP, zero-width space, and line breaks.
_SPACES = " \t\r\n\f\v\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000\ufeff"
_SPACE_RE = re.compile(f"[{_SPACES}]+")
_SPACE_TO_ASCII = str.maketrans({ch: " " for ch in _SPACES})

# full-width digits and number punctuation → ASCII
_FULLWIDTH_NUM = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
        "，": ",",
        "－": "-",
        "−": "-",
        "﹣": "-",
        "‐": "-",
        "‑": "-",
        "＋": "+",
        "％": "%",
        "Ｅ": "E",
        "ｅ": "e",
    }
)


def _is_cjk(ch: str) -> bool:
    """CJK ideographs, CJK punctuation and full-width forms (where layout spaces are noise)."""
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x3001 <= o <= 0x303F  # CJK punctuation (not U+3000 itself)
        or 0xFF01 <= o <= 0xFF60  # full-width forms
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x2FA1F
        or 0x2460 <= o <= 0x24FF  # circled numbers ①
        or o in (0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2014, 0x00B7)  # ‘’“”…—·
    )


def _has_cjk(text: str) -> bool:
    return any(0x3400 <= ord(ch) <= 0x9FFF or 0x20000 <= ord(ch) <= 0x2FA1F for ch in text)


def _text(value: Any) -> str:
    if type(value) is str:  # the common case first
        return value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


# --------------------------------------------------------------------------- labels


@lru_cache(maxsize=65536)
def _normalize(text: str) -> str:
    s = _SPACE_RE.sub(" ", text).strip(" ")
    if " " not in s:
        return s
    out = []
    n = len(s)
    for i, ch in enumerate(s):
        if ch == " ":
            left = s[i - 1] if i > 0 else ""
            right = s[i + 1] if i + 1 < n else ""
            if left and right and _glue(left, right):
                continue
        out.append(ch)
    return "".join(out)


def _glue(left: str, right: str) -> bool:
    """Whether a layout space between ``left`` and ``right`` is to be dropped."""
    lc, rc = _is_cjk(left), _is_cjk(right)
    if lc and rc:
        return True
    if lc and (right in "()[]%‰" or right.isdigit()):
        return True
    if rc and (left in "()[]%‰" or left.isdigit()):
        return True
    return False


def normalize_label(text: Any) -> str:
    """Strip a label and remove the layout spaces printed between Chinese characters.

    All blank characters (NBSP, U+3000, thin spaces, line breaks) count as spaces. A space is
    dropped where both neighbours are Chinese (or one is Chinese and the other a digit, a
    bracket or a percent sign); spaces inside English text are kept, collapsed to one.

    Parameters
    ----------
    text
        A cell value; ``None`` gives ``""``.

    Returns
    -------
    str

    Examples
    --------
    >>> normalize_label("消 费 总 量")
    '消费总量'
    >>> normalize_label("全　　市")
    '全市'
    >>> normalize_label("\\xa0\\xa0连云港市 ")
    '连云港市'
    >>> normalize_label("Total  Energy\\r\\nConsumption")
    'Total Energy Consumption'
    >>> normalize_label("年末户籍人口 (万人)"), normalize_label("2020 年")
    ('年末户籍人口(万人)', '2020年')
    >>> normalize_label("GDP 增长")
    'GDP 增长'
    """
    return _normalize(_text(text))


_LINE_SPLIT = re.compile(r"\r\n|\r|\n|\u2028")
_LATIN = re.compile(r"[A-Za-z]")
_EN_HEAD = re.compile(r"^([A-Za-z][A-Za-z.'&-]*(?: +[A-Za-z][A-Za-z.'&-]*)+)\s+(?=[\u3400-\u9fff])")
_EN_TAIL = re.compile(r"[\s(（]*[A-Za-z][^\u3400-\u9fff]*$")


def split_bilingual(text: Any) -> tuple[str, str | None]:
    """Split a bilingual cell into its Chinese and its English part.

    Lines with Chinese characters are Chinese; lines with Latin letters and no Chinese are
    English; other lines (``(%)``, ``2020``) follow the line before them. Within one line,
    English text after the last Chinese character is split off. Units stay in place for
    :func:`parse_unit`. A cell without Chinese gives ``("", english)``.

    Parameters
    ----------
    text
        A cell value.

    Returns
    -------
    tuple of (str, str or None)
        The Chinese part (normalized, lines joined without a space) and the English part
        (lines joined with one space), ``None`` when there is none.

    Examples
    --------
    >>> split_bilingual("年末户籍人口\\r\\n(万人)\\r\\nTotal Population")
    ('年末户籍人口(万人)', 'Total Population')
    >>> split_bilingual("全市\\r\\nTotal City")
    ('全市', 'Total City')
    >>> split_bilingual("单位：万吨标准煤  Unit: 10 000 tce")
    ('单位：万吨标准煤', 'Unit: 10 000 tce')
    >>> split_bilingual("GDP(亿元)")
    ('GDP(亿元)', None)
    >>> split_bilingual("Population")
    ('', 'Population')
    >>> split_bilingual("Total City 全市"), split_bilingual("GDP 增长率")
    (('全市', 'Total City'), ('GDP 增长率', None))
    >>> split_bilingual("Household Registered\\nPopulation at Year-\\nend\\n(10 000 persons)")
    ('', 'Household Registered Population at Year-end (10 000 persons)')
    """
    s = _text(text)
    zh: list[str] = []
    en: list[str] = []
    last = "zh"
    for raw in _LINE_SPLIT.split(s):
        line = raw.translate(_SPACE_TO_ASCII).strip()
        if not line:
            continue
        if _has_cjk(line):
            h = _EN_HEAD.match(line)
            if h:  # "Total City 全市": English words first, then Chinese
                en.append(h.group(1).strip())
                line = line[h.end() :]
            m = _EN_TAIL.search(line)
            if m and len(_LATIN.findall(m.group(0))) >= 2 and _has_cjk(line[: m.start()]):
                head, tail = line[: m.start()], m.group(0)
                # keep a bracket that opens the English part with it
                zh.append(head)
                en.append(tail.strip())
                last = "en"
            else:
                zh.append(line)
                last = "zh"
        elif _LATIN.search(line):
            en.append(line)
            last = "en"
        else:
            (en if last == "en" else zh).append(line)
    english = ""
    for part in en:
        if english.endswith("-") and part[:1].islower():
            english = english + part  # a word hyphenated across lines
        else:
            english = f"{english} {part}" if english else part
    english = re.sub(r" {2,}", " ", english).strip()
    return normalize_label("".join(zh)), (english or None)


# --------------------------------------------------------------------------- units

_MULT_ZH = {
    "十": 1,
    "百": 2,
    "千": 3,
    "万": 4,
    "十万": 5,
    "百万": 6,
    "千万": 7,
    "亿": 8,
    "十亿": 9,
    "百亿": 10,
    "千亿": 11,
    "万亿": 12,
}
_BASE_ZH = (
    "吨标准煤",
    "吨标煤",
    "吨油当量",
    "标准立方米",
    "立方米",
    "平方米",
    "平方公里",
    "平方千米",
    "千瓦小时",
    "千瓦时",
    "千瓦",
    "千焦",
    "千卡",
    "千克标准煤",
    "千克",
    "千米",
    "公里",
    "公顷",
    "公斤",
    "吨公里",
    "人公里",
    "人次",
    "户",
    "人",
    "元",
    "美元",
    "吨",
    "米",
    "克",
    "毫克",
    "微克",
    "亩",
    "个",
    "辆",
    "台",
    "张",
    "床",
    "所",
    "家",
    "项",
    "件",
    "座",
    "处",
    "条",
    "只",
    "头",
    "匹",
    "套",
    "部",
    "册",
    "篇",
    "本",
    "种",
    "次",
    "小时",
    "天",
    "日",
    "年",
    "岁",
    "度",
    "焦耳",
    "瓦",
    "伏",
    "分贝",
    "卡",
    "标准煤",
    "倍",
    "点",
    "%",
    "‰",
    "％",
)
_BASE_EN = (
    "tce",
    "tn",
    "tons",
    "ton",
    "t",
    "kwh",
    "kw",
    "kw·h",
    "gwh",
    "twh",
    "mw",
    "gw",
    "kg",
    "kgce",
    "kg ce",
    "kcal",
    "kj",
    "mj",
    "gj",
    "persons",
    "person",
    "people",
    "yuan",
    "rmb yuan",
    "rmb",
    "usd",
    "us$",
    "dollars",
    "households",
    "units",
    "cu.m",
    "cu. m",
    "cu m",
    "m3",
    "m2",
    "sq.m",
    "sq. m",
    "sq.km",
    "sq. km",
    "km",
    "hectares",
    "ha",
    "mu",
    "%",
    "‰",
    "times",
    "years",
    "days",
)
_MULT_EN = re.compile(
    r"^(?:(?P<tenthousand>10\s?000|10,000|ten thousand)"
    r"|(?P<hundredmillion>100\s?million|hundred million)"
    r"|(?P<billion>billion)|(?P<million>million)|(?P<thousand>thousand|1\s?000|1,000)"
    r"|10\^(?P<caret>\d{1,2})|10(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|10(?P<lost>[2-9])(?=\s))\s*",
    re.I,
)
_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


_MULT_PREFIXES = tuple(sorted(_MULT_ZH, key=len, reverse=True))
# 千 before these is "kilo" (千瓦, 千克, 千米, 千焦, 千卡, 千伏, 千帕, 千赫), not a thousand
_KILO_TAILS = ("瓦", "克", "米", "焦", "卡", "伏", "帕", "赫")


def _zh_mult(unit: str) -> tuple[str, int]:
    if unit.startswith(("百分", "千分", "万分")):  # 百分点, 千分比, 万分之
        return unit, 0
    for prefix in _MULT_PREFIXES:
        if unit.startswith(prefix):
            rest = unit[len(prefix) :]
            if prefix == "千" and rest.startswith(_KILO_TAILS):
                return unit, 0
            return rest, _MULT_ZH[prefix]
    return unit, 0


def unit_multiplier(unit: str | None) -> tuple[str, int]:
    """Split a unit into its base unit and the power of ten of its multiplier.

    Chinese multipliers (十 百 千 万 亿 and their combinations) and English ones
    (``10 000``, ``100 million``, ``million``, ``10^4``, ``10⁴`` and the ``104`` a yearbook
    prints when the superscript of 10⁴ is lost) become the power; the SDMX ``UNIT_MULT``.
    ``千`` before 瓦, 克, 米, 焦 or 卡 is "kilo", part of the unit.

    Parameters
    ----------
    unit
        A unit as printed, e.g. from :func:`parse_unit`.

    Returns
    -------
    tuple of (str, int)

    Examples
    --------
    >>> unit_multiplier("万吨"), unit_multiplier("亿元"), unit_multiplier("%")
    (('吨', 4), ('元', 8), ('%', 0))
    >>> unit_multiplier("千瓦时"), unit_multiplier("亿千瓦时"), unit_multiplier("万千瓦")
    (('千瓦时', 0), ('千瓦时', 8), ('千瓦', 4))
    >>> unit_multiplier("千人"), unit_multiplier("万吨标准煤"), unit_multiplier("吨/万元")
    (('人', 3), ('吨标准煤', 4), ('吨/万元', 0))
    >>> unit_multiplier("10 000 tce"), unit_multiplier("104 tn"), unit_multiplier("100 million kWh")
    (('tce', 4), ('tn', 4), ('kWh', 8))
    >>> unit_multiplier(None)
    ('', 0)
    """
    if unit is None:
        return "", 0
    u = normalize_label(unit)
    if not u:
        return "", 0
    m = _MULT_EN.match(u)
    if m:
        rest = u[m.end() :].strip()
        if m.group("tenthousand"):
            p = 4
        elif m.group("hundredmillion"):
            p = 8
        elif m.group("billion"):
            p = 9
        elif m.group("million"):
            p = 6
        elif m.group("thousand"):
            p = 3
        elif m.group("caret"):
            p = int(m.group("caret"))
        elif m.group("sup"):
            p = int(m.group("sup").translate(_SUP))
        else:
            p = int(m.group("lost"))
        return rest, p
    return _zh_mult(u)


_UNIT_LINE = re.compile(
    r"^\s*(?:(?:计量单位|单\s*位)\s*[:：]|Units?\s*[:：])\s*(?P<unit>.+?)\s*$", re.I
)
_UNIT_LINE_NO_COLON = re.compile(r"^\s*单\s*位\s*(?P<unit>\S.*?)\s*$")
_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")
_TRAILING_PCT = re.compile(r"^(?P<label>.*?[^\s(（])\s*(?P<unit>[%‰％])\s*$")
#: What any unit pattern above needs: 单 (unit lines), a closing bracket, a percent or
#: per-mille sign, or the word "unit"
_UNIT_HINT = re.compile(r"[单)）%‰％]|unit", re.I)


@lru_cache(maxsize=8192)
def _looks_like_unit(inner: str) -> bool:
    s = inner.strip()
    if not s:
        return False
    if s in ("%", "％", "‰"):
        return True
    base, power = unit_multiplier(s)
    parts = [p for p in re.split(r"\s*/\s*", base) if p]
    if not parts:
        return power > 0
    for part in parts:
        sub_base, _ = unit_multiplier(part)
        if not _is_base_unit(sub_base):
            return False
    return True


_BASE_ZH_LONGEST_FIRST = tuple(sorted(_BASE_ZH, key=len, reverse=True))


def _is_base_unit(s: str) -> bool:
    if not s:
        return True
    low = s.lower()
    if low in _BASE_EN or s in _BASE_ZH:
        return True
    # compounds of known Chinese bases: 吨标准煤, 千瓦小时, 人次, 万元GDP not allowed
    rest = s
    while rest:
        for base in _BASE_ZH_LONGEST_FIRST:
            if rest.startswith(base):
                rest = rest[len(base) :]
                break
        else:
            return False
    return True


def parse_unit(text: Any) -> tuple[str, str | None]:
    """Split a label into its text and the unit printed with it.

    Recognised: unit lines (``单位：…``, ``计量单位：…``, ``Unit: …``), a unit in brackets at
    the end of a label (the last bracket whose content is a unit: multipliers plus known base
    units, or ``%``/``‰``), and a bare trailing ``%``. Brackets holding qualifiers
    (``(发电煤耗计算法)``) are left in the label.

    Parameters
    ----------
    text
        A label or a header cell (one language; see :func:`split_bilingual`).

    Returns
    -------
    tuple of (str, str or None)
        The label without the unit (stripped) and the unit, ``None`` if none was found.

    Examples
    --------
    >>> parse_unit("能源消费总量(万吨标准煤)")
    ('能源消费总量', '万吨标准煤')
    >>> parse_unit("(万人)"), parse_unit("（%）")
    (('', '万人'), ('', '%'))
    >>> parse_unit("单位：万吨标准煤"), parse_unit("单位:人")
    (('', '万吨标准煤'), ('', '人'))
    >>> parse_unit("Unit: 10 000 tce"), parse_unit("(104 tn)")
    (('', '10 000 tce'), ('', '104 tn'))
    >>> parse_unit("比上年增长(%)"), parse_unit("增长%")
    (('比上年增长', '%'), ('增长', '%'))
    >>> parse_unit("能源消费总量(发电煤耗计算法)")
    ('能源消费总量(发电煤耗计算法)', None)
    >>> parse_unit("万元GDP能耗(吨标准煤/万元)")
    ('万元GDP能耗', '吨标准煤/万元')
    >>> parse_unit("Household Registered Population (10 000 persons)")
    ('Household Registered Population', '10 000 persons')
    """
    s = _text(text).translate(_SPACE_TO_ASCII).strip()
    if not s:
        return "", None
    if s in ("%", "％", "‰"):
        return "", s.replace("％", "%")
    if _UNIT_HINT.search(s) is None:
        return s, None  # none of what the patterns below need: most labels
    m = _UNIT_LINE.match(s)
    if m is None:
        m = _UNIT_LINE_NO_COLON.match(s)
        if m is not None and not _looks_like_unit(m.group("unit")):
            m = None
    if m:
        unit = m.group("unit")
        inner = _PAREN.fullmatch(unit)
        if inner:
            unit = inner.group(1)
        # a Chinese unit line followed by its English twin: keep the Chinese unit
        if _has_cjk(unit):
            unit = re.split(r"\s+(?=[(（A-Za-z])", unit, maxsplit=1)[0]
        unit = unit.strip()
        return "", unit or None
    found = None
    for pm in _PAREN.finditer(s):
        if _looks_like_unit(pm.group(1)):
            found = pm
    if found is not None:
        label = (s[: found.start()] + s[found.end() :]).strip()
        return _clean_label_end(label), found.group(1).strip().replace("％", "%")
    m = _TRAILING_PCT.match(s)
    if m:
        return m.group("label").strip(), m.group("unit").replace("％", "%")
    return s, None


_LABEL_END = re.compile(r"[\s:：,，]+$")


def _clean_label_end(label: str) -> str:
    return _LABEL_END.sub("", label)


# --------------------------------------------------------------------------- numbers


class ParsedNumber(NamedTuple):
    """A cell read as a number.

    Attributes
    ----------
    value
        The number; ``None`` where there is none (markers, text) — NaN in the tidy table.
    status
        An observation status code of :data:`greenstats.schema.STATUS_LEGEND`: ``A`` a
        value, ``M`` empty or a dash/NA, ``L`` below the smallest unit (``…``), ``X`` other
        text.
    note
        A footnote marker glued to the number (``①``, ``*``, ``a``), ``None`` if none.
    """

    value: float | None
    status: str
    note: str | None


_MISSING = frozenset(
    {
        "",
        "-",
        "--",
        "---",
        "—",
        "——",
        "–",
        "－",
        "－－",
        "−",
        "‐",
        "‑",
        "﹣",
        "ー",
        "一",
        "一一",
        "―",
        "─",
        "na",
        "n/a",
        "n.a.",
        "n.a",
        "nan",
        "null",
        "none",
        "&nbsp;",
        "#n/a",
        "/",
        "无",
    }
)
_BELOW_UNIT = frozenset({"…", "……", "...", "....", "。。。", "．．．", "···", "⋯", "⋯⋯"})
_MARKER_CHARS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳*＊†‡§#＃"
_NUM_RE = re.compile(
    r"^(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)"
    r"\s*(?P<pct>%)?\s*"
    r"(?P<mark>(?:[" + re.escape(_MARKER_CHARS) + r"]+|\(?[a-zA-Z]\)?|[\(（][0-9]{1,2}[\)）])?)$"
)
_GROUP_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_GROUP_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?:\D|$))")
_SIGN_SPACE = re.compile(r"^([+-])\s+(?=\d)")

#: What a number written as text may start with besides a digit: a sign or a point, in ASCII
#: or in the forms ``_FULLWIDTH_NUM`` turns into them.
_NUM_FIRST = frozenset("+-.") | {
    k for k in map(chr, _FULLWIDTH_NUM) if _FULLWIDTH_NUM[ord(k)] in "+-."
}

_M = ParsedNumber(None, "M", None)
_L = ParsedNumber(None, "L", None)
_X = ParsedNumber(None, "X", None)


def parse_number(value: Any) -> ParsedNumber:
    """Read a body cell as a number, a marker or text.

    Numbers stay numbers. Text is read after removing padding (spaces, NBSP, U+3000),
    thousands separators (``1,234``, ``20 908``), full-width digits (``１２３．４``), a
    trailing ``%``; a footnote marker glued to the number (``27.5①``, ``12.3*``, ``12.3a``)
    goes to ``note``. Markers give no value and a status (:data:`greenstats.schema.
    STATUS_LEGEND`): empty, ``-``, ``—``, ``－``, ``一`` (used as a dash), ``NA`` and
    ``&nbsp;`` are ``M``; ``…`` and ``...`` are ``L``. Any other text is ``X``.

    Parameters
    ----------
    value
        A cell value (``None``, ``str``, ``int``, ``float``, ``bool``, date).

    Returns
    -------
    ParsedNumber

    Examples
    --------
    >>> parse_number(534.0), parse_number(" 534 ")
    (ParsedNumber(value=534.0, status='A', note=None), ParsedNumber(value=534.0, status='A', note=None))
    >>> parse_number("1,234.5").value, parse_number("20 908").value, parse_number("１２３．４").value
    (1234.5, 20908.0, 123.4)
    >>> parse_number("12.3*"), parse_number("12.3a").note, parse_number("-0.5").value
    (ParsedNumber(value=12.3, status='A', note='*'), 'a', -0.5)
    >>> [parse_number(m).status for m in (None, "", "-", "—", "－", "一", "NA", "\\xa0", "&nbsp;")]
    ['M', 'M', 'M', 'M', 'M', 'M', 'M', 'M', 'M']
    >>> parse_number("…").status, parse_number("...").status, parse_number("0.5714～0.6143").status
    ('L', 'L', 'X')
    >>> parse_number(float("nan")).status, parse_number(True).status
    ('M', 'X')
    """
    if value is None:
        return _M
    if isinstance(value, bool):
        return _X
    if isinstance(value, int):
        return ParsedNumber(float(value), "A", None)
    if isinstance(value, float):
        if math.isnan(value):
            return _M
        if math.isinf(value):
            return _X
        return ParsedNumber(value, "A", None)
    if isinstance(value, str):
        return _parse_number_text(value)
    if isinstance(value, (datetime, date)):
        return _X
    try:
        return parse_number(float(value))
    except (TypeError, ValueError):
        return _X


@lru_cache(maxsize=65536)
def _parse_number_text(text: str) -> ParsedNumber:
    # fast path: plain numbers as text (float() reads nothing finite from a text that does
    # not start with a digit, a sign or a point: a label is spared the exception)
    head = text.lstrip()[:1]
    if head.isdigit() or head in ("+", "-", "."):
        try:
            v = float(text)
        except ValueError:
            pass
        else:
            if math.isfinite(v):
                return ParsedNumber(v, "A", None)
    s = text.translate(_SPACE_TO_ASCII).strip()
    low = s.lower()
    if low in _MISSING:
        return _M
    if s in _BELOW_UNIT or s.strip("…. ·。．") == "" and ("…" in s or "..." in s):
        return _L
    if not (s[:1].isdigit() or s[:1] in _NUM_FIRST):
        return _X  # a word (``Coal``, ``扬州市``): a number starts with a digit, sign or point
    s = s.translate(_FULLWIDTH_NUM)
    s = _SIGN_SPACE.sub(r"\1", s)
    s = _GROUP_COMMA.sub("", s)
    s = _GROUP_SPACE.sub("", s)
    m = _NUM_RE.match(s)
    if not m:
        return _X
    try:
        v = float(m.group("num"))
    except ValueError:
        return _X
    if not math.isfinite(v):
        return _X
    mark = m.group("mark") or None
    return ParsedNumber(v, "A", mark)


_FOOTNOTE_MARK = re.compile(r"[①-⑳*＊†‡§]+$")


def split_footnote_marker(text: Any) -> tuple[str, str | None]:
    """Split a footnote marker off the end of a label: ``工业①`` → ``("工业", "①")``.

    Only circled numbers, ``*``, ``†``, ``‡`` and ``§`` count (a trailing Latin letter is
    part of English words, a trailing ``#`` rarely a marker on labels).

    Examples
    --------
    >>> split_footnote_marker("工业增加值①"), split_footnote_marker("人口*")
    (('工业增加值', '①'), ('人口', '*'))
    >>> split_footnote_marker("GDP")
    ('GDP', None)
    """
    s = _text(text).rstrip(_SPACES)
    m = _FOOTNOTE_MARK.search(s)
    if not m or m.start() == 0:
        return s, None
    return s[: m.start()].rstrip(_SPACES), m.group(0)


# --------------------------------------------------------------------------- years

_YEAR_TEXT = re.compile(r"^((?:19|20)\d\d)(?:年(?:末|底|度|份|初|中)?)?$")
_YEAR_SUFFIX = re.compile(r"^((?:19|20)\d\d)\s*(?:年(?:末|底|度|份|初|中)?)?\s*(?:[A-Za-z].*)?$")
_GROWTH_WORDS = (
    "增长",
    "增速",
    "增幅",
    "涨幅",
    "增减",
    "同比",
    "环比",
    "年均",
    "比上年",
    "比去年",
    "比上年同期",
    "上年=100",
    "上年＝100",
    "发展速度",
    "变化率",
    "growth",
    "increase over",
    "change over",
    "change from",
    "yoy",
    "y-o-y",
)


def is_growth_label(text: Any) -> bool:
    """Whether a header names a growth measure (never a year), e.g. ``比上年增长(%)``.

    Examples
    --------
    >>> [is_growth_label(t) for t in ("比上年增长(%)", "2016-2020年均增长", "增长%", "同比")]
    [True, True, True, True]
    >>> [is_growth_label(t) for t in ("2020年", "全市", None)]
    [False, False, False]
    """
    return _is_growth_text(_text(text))


@lru_cache(maxsize=16384)
def _is_growth_text(text: str) -> bool:
    s = _normalize(text).lower().replace("自然增长", "")  # population's natural growth rate
    return bool(s) and any(w in s for w in _GROWTH_WORDS)


def parse_year(value: Any) -> int | None:
    """The year a header cell names, or ``None``.

    Accepts 2020, 2020.0, ``"2020"``, ``"2020年"``, ``"2020 年"``, ``"2020年末"``, full-width
    digits, and a bilingual ``"2020年 Year 2020"`` style tail; years 1900–2099. Growth labels
    (``2023年比上年增长``, ``2016-2020年均增长``) are never years.

    Examples
    --------
    >>> [parse_year(v) for v in (2020, 2020.0, "2020", "2020年", "2020 年", "2020年末", "２０２０")]
    [2020, 2020, 2020, 2020, 2020, 2020, 2020]
    >>> [parse_year(v) for v in ("2023年比上年增长(%)", "2016-2020年均增长", 2020.5, 534, True)]
    [None, None, None, None, None]
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            return None
        y = int(value)
        return y if 1900 <= y <= 2099 else None
    if isinstance(value, (datetime, date)):
        return None
    return _parse_year_text(_text(value))


@lru_cache(maxsize=16384)
def _parse_year_text(text: str) -> int | None:
    """:func:`parse_year` of a text (cached: header and stub labels repeat)."""
    s = _normalize(text).translate(_FULLWIDTH_NUM).replace(" ", "")
    if not s or is_growth_label(s):
        return None
    s = split_footnote_marker(s)[0]
    m = _YEAR_TEXT.match(s)
    if m:
        return int(m.group(1))
    if re.fullmatch(r"(?:19|20)\d\d\.0+", s):
        return int(s[:4])
    m = _YEAR_SUFFIX.match(_normalize(text).translate(_FULLWIDTH_NUM))
    if m:
        return int(m.group(1))
    return None


_YEAR_ANY = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_YEAR_RANGE = re.compile(r"(?<!\d)(?:19|20)\d\d\s*年?\s*[-－—–~～至到]\s*(?:19|20)\d\d(?!\d)")
_YEAR_WITH_NIAN = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")


def year_from_title(title: Any) -> int | None:
    """The reference year printed in a table title, ``None`` if none or a range of years.

    Examples
    --------
    >>> year_from_title("2023年各县区主要经济指标")
    2023
    >>> year_from_title("中国能源统计年鉴-2007"), year_from_title("9-5  全市用水情况")
    (2007, None)
    >>> year_from_title("1978-2020年全市生产总值")
    """
    s = normalize_label(title).translate(_FULLWIDTH_NUM)
    if not s:
        return None
    s_wo_id = re.sub(r"^(?:表\s*)?[A-Za-z]?\d{1,2}(?:-\d{1,3}){1,2}(?!\d)", "", s)
    if _YEAR_RANGE.search(s_wo_id):
        return None
    m = _YEAR_WITH_NIAN.search(s_wo_id)
    if m:
        return int(m.group(1))
    years = _YEAR_ANY.findall(s_wo_id)
    return int(years[-1]) if years else None


# --------------------------------------------------------------------------- stub hierarchy

_ZH_NUM = "一二三四五六七八九十百零〇"
_STUB_PREFIX = re.compile(
    r"^(?:"
    rf"(?P<zh>[{_ZH_NUM}]{{1,3}}\s*[、.．,，]\s*)"
    rf"|(?P<zhp>[(（]\s*[{_ZH_NUM}]{{1,3}}\s*[)）]\s*[、.．]?\s*)"
    r"|(?P<ar>\d{1,2}\s*[、.．](?!\d)\s*)"
    r"|(?P<arp>[(（]\s*\d{1,2}\s*[)）]\s*[、.．]?\s*)"
    r"|(?P<circ>[①-⑳]\s*)"
    r")"
)
_OF_WHICH = re.compile(r"^(?:[#＃]+\s*|其\s*中\s*[:：]?\s*)")
_NUMBERING_LEVEL = {"zh": 0, "zhp": 1, "ar": 2, "arp": 3, "circ": 4}


def _lead_width(s: str) -> tuple[int, int]:
    """Display width of the leading blanks (U+3000 counts 2, a tab 4) and their length."""
    w = 0
    i = 0
    for ch in s:
        if ch in (" ", "\xa0", "\u2002", "\u2009", "\u202f"):
            w += 1
        elif ch in ("\u3000", "\u2003"):
            w += 2
        elif ch == "\t":
            w += 4
        else:
            break
        i += 1
    return w, i


def indent_level(text: Any) -> int:
    """Hierarchy level of a stub label, from its indentation and numbering.

    Leading blanks give ``(width + 1) // 2`` (two ASCII or NBSP spaces or one U+3000 per
    level). Numbering gives the usual Chinese outline depth: ``一、`` 0, ``(一)`` 1, ``1.`` 2,
    ``(1)`` 3, ``①`` 4. The level is the larger of the two, plus one for ``#`` or ``其中：``
    ("of which"). Levels are relative: compare them within one stub column.

    Examples
    --------
    >>> [indent_level(t) for t in ("全市", "  连云港市", "\\u3000\\u3000赣榆区", "\\xa0\\xa0海州区")]
    [0, 1, 2, 1]
    >>> [indent_level(t) for t in ("一、可供消费", "  1.原煤", "    #用作原料、材料", "其中：轻工业")]
    [0, 2, 3, 1]
    """
    s = _text(text)
    width, n = _lead_width(s)
    level = (width + 1) // 2
    rest = s[n:]
    m = _STUB_PREFIX.match(rest)
    if m:
        level = max(level, _NUMBERING_LEVEL[m.lastgroup or "zh"])
        rest = rest[m.end() :]
    if _OF_WHICH.match(rest):
        level += 1
    return level


def stub_rank(text: Any) -> tuple[int, int]:
    """Sort key of a stub label in its hierarchy: a larger key is a deeper row.

    Indentation comes first, then numbering depth (``一、`` 0, ``(一)`` 1, ``1.`` 2, ``(1)`` 3,
    ``①`` 4; none 0), plus one for ``#`` or ``其中：``. Unlike :func:`indent_level`, which
    puts a numbered ``1.`` below an indented unnumbered label, an indented label is always
    deeper than an unindented one, as in the CESY energy balance, where ``  水电`` sits under
    ``1.一次能源生产量``. Compare keys within one stub column only.

    Examples
    --------
    >>> stub = ["一.可供本地区消费的能源量", "1.一次能源生产量", "  水电", "    #用作原料、材料",
    ...         "2.回收能"]
    >>> [stub_rank(t) for t in stub]
    [(0, 0), (0, 2), (2, 0), (4, 1), (0, 2)]
    >>> stub_rank("全市") < stub_rank("  连云港市") and stub_rank("工业") < stub_rank("#重工业")
    True
    """
    s = _text(text)
    width, n = _lead_width(s)
    rest = s[n:]
    depth = 0
    m = _STUB_PREFIX.match(rest)
    if m:
        depth = _NUMBERING_LEVEL[m.lastgroup or "zh"]
        rest = rest[m.end() :]
    if _OF_WHICH.match(rest):
        depth += 1
    return width, depth


def strip_stub(text: Any) -> str:
    """A stub label without indentation, numbering, ``#`` or ``其中：``, normalized.

    Examples
    --------
    >>> strip_stub("    #用作原料、材料"), strip_stub("  1.原煤"), strip_stub("一.可供本地区消费的能源量")
    ('用作原料、材料', '原煤', '可供本地区消费的能源量')
    >>> strip_stub("（二）工业"), strip_stub("其中：轻工业"), strip_stub("一般公共预算收入")
    ('工业', '轻工业', '一般公共预算收入')
    >>> strip_stub("2020年"), strip_stub("1.5万吨以上")
    ('2020年', '1.5万吨以上')
    """
    s = _text(text).lstrip(_SPACES)
    for _ in range(2):
        m = _STUB_PREFIX.match(s)
        if m and m.end() < len(s):
            s = s[m.end() :]
        m = _OF_WHICH.match(s)
        if m and m.end() < len(s):
            s = s[m.end() :]
    return normalize_label(s)


# --------------------------------------------------------------------------- notes, titles

_NOTE_RE = re.compile(
    r"^\s*(?:注\s*(?:[:：]|\d|[①-⑳]|[(（]\d)|注释|附注|资料来源|数据来源|来源\s*[:：]|摘编自|摘自《"
    r"|说\s*明\s*(?:[:：]|$|\d|[(（①-⑳])"
    r"|notes?\s*[:：.]|sources?\s*[:：])",
    re.I,
)


def is_note(text: Any) -> bool:
    """Whether a cell is a footnote or source line (``注：``, ``资料来源``, ``摘编自《``).

    Examples
    --------
    >>> [is_note(t) for t in ("注：1.本表…", "注:", "资料来源：统计局", "数据来源：国家统计局",
    ...                       "摘编自《中国城市统计年鉴2015》", "说明：", "Note: x", "Source: NBS")]
    [True, True, True, True, True, True, True, True]
    >>> [is_note(t) for t in ("注册企业数", "说明书", "全市", None)]
    [False, False, False, False]
    """
    s = _text(text)
    return bool(s) and _NOTE_RE.match(s.translate(_SPACE_TO_ASCII)) is not None


_CONT_ZH = re.compile(r"[(（]续[)）]|^续$|^续\d*$")
_CONT_EN = re.compile(r"\bcontinued\b|\bcont'd\b", re.I)


def is_continuation(text: Any) -> bool:
    """Whether a title repeats a table after a page break (``续表``, ``continued``).

    Examples
    --------
    >>> [is_continuation(t) for t in ("2-1 续表 1 continued 1", "续表", "（续）", "Continued")]
    [True, True, True, True]
    >>> [is_continuation(t) for t in ("2-1 人口状况", "继续教育", None)]
    [False, False, False]
    """
    raw = _text(text)
    if "续" not in raw and "cont" not in raw.lower():
        # neither pattern can match (normalizing only drops or collapses spaces)
        return False
    s = normalize_label(raw)
    if not s:
        return False
    return (
        "续表" in s
        or "续上表" in s
        or _CONT_ZH.search(s) is not None
        or _CONT_EN.search(s) is not None
    )


_TITLE_ID = re.compile(
    r"^\s*(?:表\s*)?(?P<id>[A-Za-z]?\d{1,2}(?:\s*[-－—–]\s*\d{1,3}){1,2})(?![\d.．])\s*(?P<rest>.*)$",
    re.S,
)
_QUANTITY_CHARS = "岁年月日时人个万亿元%‰％号"
_TITLE_ID_SINGLE = re.compile(r"^\s*表\s*(?P<id>\d{1,3})(?![\d.．])\s*(?P<rest>.*)$", re.S)


def parse_title(text: Any) -> tuple[str | None, str]:
    """Split a table title into its printed table number and its title.

    Examples
    --------
    >>> parse_title("9-5  全市用水情况"), parse_title("2-1 人口状况")
    (('9-5', '全市用水情况'), ('2-1', '人口状况'))
    >>> parse_title("表3-2 规模以上工业能源消费"), parse_title("4－1 综 合 能 源 平 衡 表")
    (('3-2', '规模以上工业能源消费'), ('4-1', '综合能源平衡表'))
    >>> parse_title("全市用水情况"), parse_title("2016-2020年均增长")
    ((None, '全市用水情况'), (None, '2016-2020年均增长'))
    """
    s = _text(text)
    m = _TITLE_ID.match(s) or _TITLE_ID_SINGLE.match(s)
    if m and not s.lstrip(_SPACES).startswith("表"):
        # without 表, the number must be followed by a blank or by a title word, not by a
        # quantity (15-64岁, 1-3月)
        after = s[m.start("rest") - 1 : m.start("rest") + 1]
        if not (after[:1] in _SPACES or (after[1:] and after[1:] not in _QUANTITY_CHARS)):
            m = None
    if not m:
        return None, normalize_label(s)
    tid = re.sub(r"\s*[-－—–]\s*", "-", m.group("id"))
    return tid, normalize_label(m.group("rest"))


_META_KEYS = (
    "数据库",
    "指标",
    "地区",
    "时间",
    "频度",
    "年份",
    "城市",
    "省份",
    "区域",
    "统计范围",
)
_META_RE = re.compile(r"^\s*(?P<key>" + "|".join(_META_KEYS) + r")\s*[:：]\s*(?P<value>.*\S)\s*$")


def parse_metadata(text: Any) -> tuple[str, str] | None:
    """A metadata row of a database export (NBS): ``地区：广州`` → ``("地区", "广州")``.

    Examples
    --------
    >>> parse_metadata("地区：广州"), parse_metadata("数据库：年度数据")
    (('地区', '广州'), ('数据库', '年度数据'))
    >>> parse_metadata("指标：国内生产总值(亿元)"), parse_metadata("时间:最近20年")
    (('指标', '国内生产总值(亿元)'), ('时间', '最近20年'))
    >>> parse_metadata("注：本表"), parse_metadata("地区：")
    (None, None)
    """
    s = _text(text).translate(_SPACE_TO_ASCII)
    m = _META_RE.match(s)
    if not m:
        return None
    return m.group("key"), m.group("value").strip()


def _clear_caches() -> None:
    """Empty the caches of the text parsers (benchmarks time cold reads)."""
    for fn in (_normalize, _looks_like_unit, _parse_number_text, _parse_year_text, _is_growth_text):
        fn.cache_clear()
