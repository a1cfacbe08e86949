"""greenstats.clean: labels, units, numbers, years, notes and titles.

Expected values are written by hand from the printed tables (the strings below are copied
from cells of the real files in ../shared/real-data, read with xlrd in a throwaway shell), or
come from the generator of a property test, never from the functions' own output.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenstats import clean
from greenstats.clean import (
    ParsedNumber,
    indent_level,
    is_continuation,
    is_growth_label,
    is_note,
    normalize_label,
    parse_metadata,
    parse_number,
    parse_title,
    parse_unit,
    parse_year,
    split_bilingual,
    split_footnote_marker,
    strip_stub,
    unit_multiplier,
    year_from_title,
)
from greenstats.schema import STATUS_LEGEND

# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("消 费 总 量", "消费总量"),
        ("全　　市", "全市"),
        ("项    目", "项目"),  # CESY 4-1, A7
        ("能 源 名 称", "能源名称"),  # CESY appendix 4, A3
        ("\xa0\xa0连云港市", "连云港市"),  # CCSY 2015, A41
        ("  连云港市", "连云港市"),  # CCSY 2-1, A93
        ("Total Primary  Energy Supply ", "Total Primary Energy Supply"),
        ("年  份", "年份"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_label(raw, want):
    assert normalize_label(raw) == want


@given(st.text(alphabet="消费总量全市 \u3000\xa0ab\r\n", max_size=30))
def test_normalize_label_only_drops_blanks(raw):
    out = normalize_label(raw)
    blanks = " \u3000\xa0\r\n"
    assert [c for c in out if c not in blanks] == [c for c in raw if c not in blanks]
    assert "  " not in out and out == out.strip()
    assert normalize_label(out) == out  # idempotent


def test_split_bilingual_ccsy_header():
    # CCSY 2-1, sheet 1-7, C5 as stored
    cell = (
        "年末户籍人口 (万人)\r\nHousehold Registered\r\nPopulation at Year-end\r\n(10 000 persons)"
    )
    zh, en = split_bilingual(cell)
    assert zh == "年末户籍人口(万人)"
    assert en == "Household Registered Population at Year-end (10 000 persons)"
    assert split_bilingual("市辖区\r\nDistricts\r\nunder City") == (
        "市辖区",
        "Districts under City",
    )


def test_split_bilingual_one_line_and_single_language():
    assert split_bilingual("能源合计 Energy Total") == ("能源合计", "Energy Total")  # CESY C5
    assert split_bilingual("第一产业(农.林.牧.渔业)") == ("第一产业(农.林.牧.渔业)", None)
    assert split_bilingual("Item") == ("", "Item")
    assert split_bilingual(None) == ("", None)
    assert split_bilingual("PM2.5年均浓度") == ("PM2.5年均浓度", None)


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("能源消费总量(万吨标准煤)", ("能源消费总量", "万吨标准煤")),
        ("可供消费的能源总量(万吨标准煤)", ("可供消费的能源总量", "万吨标准煤")),  # NBS A4
        ("(万人)", ("", "万人")),
        ("（%）", ("", "%")),
        ("（％）", ("", "%")),
        ("单位：万吨标准煤", ("", "万吨标准煤")),
        ("单位:万吨标准煤  ", ("", "万吨标准煤")),  # CESY 4-1, A4, padded
        ("单位:人", ("", "人")),  # CCSY 2015, A2
        ("单位:%", ("", "%")),  # CCSY HTML table 0
        ("计量单位：亿立方米", ("", "亿立方米")),
        ("单位：亿元 Unit: 100 million yuan", ("", "亿元")),
        ("Unit: 10 000 tce", ("", "10 000 tce")),
        ("(104 tn)", ("", "104 tn")),
        ("(10 000 persons)", ("", "10 000 persons")),
        ("比上年增长(%)", ("比上年增长", "%")),
        ("增长%", ("增长", "%")),
        ("%", ("", "%")),
        ("人均GDP(元/人)", ("人均GDP", "元/人")),
        ("发电量(亿千瓦小时)", ("发电量", "亿千瓦小时")),
        (
            "能源消费总量(发电煤耗计算法)(万吨标准煤)",
            ("能源消费总量(发电煤耗计算法)", "万吨标准煤"),
        ),
        ("能源消费总量(发电煤耗计算法)", ("能源消费总量(发电煤耗计算法)", None)),
        ("中国能源平衡表(标准量)", ("中国能源平衡表(标准量)", None)),
        ("第一产业(农.林.牧.渔业)", ("第一产业(农.林.牧.渔业)", None)),
        ("Total (Calorific Value Calculation)", ("Total (Calorific Value Calculation)", None)),
        ("单位GDP能耗", ("单位GDP能耗", None)),  # not a unit line
        ("计量单位", ("计量单位", None)),  # the header of a unit column
        ("", ("", None)),
    ],
)
def test_parse_unit(raw, want):
    assert parse_unit(raw) == want


@pytest.mark.parametrize(
    ("unit", "want"),
    [
        ("万吨", ("吨", 4)),
        ("亿元", ("元", 8)),
        ("万元", ("元", 4)),
        ("千元", ("元", 3)),
        ("百万元", ("元", 6)),
        ("万亿元", ("元", 12)),
        ("万吨标准煤", ("吨标准煤", 4)),
        ("亿立方米", ("立方米", 8)),
        ("千瓦时", ("千瓦时", 0)),  # 千 is kilo here
        ("亿千瓦时", ("千瓦时", 8)),
        ("亿千瓦小时", ("千瓦小时", 8)),
        ("万千瓦", ("千瓦", 4)),
        ("千克", ("千克", 0)),
        ("千公顷", ("公顷", 3)),
        ("百分点", ("百分点", 0)),
        ("%", ("%", 0)),
        ("‰", ("‰", 0)),
        ("人", ("人", 0)),
        ("吨/万元", ("吨/万元", 0)),
        ("10 000 tce", ("tce", 4)),
        ("10 000 persons", ("persons", 4)),
        ("100 million kWh", ("kWh", 8)),
        ("104 tn", ("tn", 4)),  # the lost superscript of 10⁴
        ("10⁴ tn", ("tn", 4)),
        ("10^8 yuan", ("yuan", 8)),
        ("million yuan", ("yuan", 6)),
        ("", ("", 0)),
        (None, ("", 0)),
    ],
)
def test_unit_multiplier(unit, want):
    assert unit_multiplier(unit) == want


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("raw", "value", "note"),
    [
        (534.0, 534.0, None),
        (1484262, 1484262.0, None),  # an int cell (CCSY 2015, E49)
        ("534", 534.0, None),  # CCSY 2-1 stores numbers as text
        (" 8.75 ", 8.75, None),
        ("\u3000123\xa0", 123.0, None),
        ("1,234.5", 1234.5, None),
        ("1,234,567", 1234567.0, None),
        ("20 908", 20908.0, None),
        ("20\u2009908", 20908.0, None),  # thin-space groups
        ("１２３．４", 123.4, None),
        ("－239", -239.0, None),
        ("-239", -239.0, None),  # NBS, 平衡差额 2018
        ("− 5", -5.0, None),
        ("﹣5", -5.0, None),
        ("27.5①", 27.5, "①"),
        ("12.3*", 12.3, "*"),
        ("12.3a", 12.3, "a"),
        ("12.3 ＊", 12.3, "＊"),
        ("45.01%", 45.01, None),
        ("1.2E+05", 120000.0, None),
        ("0", 0.0, None),
    ],
)
def test_parse_number_values(raw, value, note):
    got = parse_number(raw)
    assert got == ParsedNumber(value, "A", note)
    assert got.status in STATUS_LEGEND


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (None, "M"),
        ("", "M"),
        ("   ", "M"),
        ("\xa0", "M"),  # &nbsp; as the HTML reader hands it over
        ("&nbsp;", "M"),
        ("-", "M"),
        ("—", "M"),
        ("－", "M"),
        ("一", "M"),  # the character for "one", printed as a dash
        ("NA", "M"),
        ("n.a.", "M"),
        ("−", "M"),
        ("﹣", "M"),
        (float("nan"), "M"),
        ("…", "L"),
        ("...", "L"),
        ("……", "L"),
        ("0.5714～0.6143", "X"),  # a range, CESY appendix
        ("20 908 千焦", "X"),
        ("全市", "X"),
        ("12,3", "X"),  # not a valid thousands grouping
        (True, "X"),
        (float("inf"), "X"),
    ],
)
def test_parse_number_markers(raw, status):
    got = parse_number(raw)
    assert got.value is None and got.status == status and got.note is None
    assert status in STATUS_LEGEND


_FULL = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


@given(
    whole=st.integers(min_value=-(10**9), max_value=10**9),
    frac=st.integers(min_value=0, max_value=99),
    style=st.sampled_from(["plain", "comma", "space", "full", "pad"]),
    mark=st.sampled_from(["", "①", "*", "a"]),
)
def test_parse_number_property(whole, frac, style, mark):
    sign = "-" if whole < 0 else ""
    digits = f"{abs(whole):d}"
    if style == "comma":
        digits = f"{abs(whole):,d}"
    elif style == "space":
        digits = f"{abs(whole):,d}".replace(",", " ")
    text = f"{sign}{digits}.{frac:02d}"
    if style == "full":
        text = text.translate(_FULL)
    elif style == "pad":
        text = f"\u3000 {text}\xa0"
    text += mark
    expected = (abs(whole) + frac / 100) * (-1 if whole < 0 else 1)
    got = parse_number(text)
    assert got.status == "A"
    assert math.isclose(got.value, expected, rel_tol=1e-12, abs_tol=1e-12)
    assert got.note == (mark or None)


def test_split_footnote_marker():
    assert split_footnote_marker("工业增加值①") == ("工业增加值", "①")
    assert split_footnote_marker("Energy Total") == ("Energy Total", None)
    assert split_footnote_marker("*") == ("*", None)


# --------------------------------------------------------------------------- years


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        (2020, 2020),
        (2020.0, 2020),
        ("2020", 2020),
        ("2020.0", 2020),
        ("2021年", 2021),  # NBS B3
        ("2020 年", 2020),
        ("2020年末", 2020),
        ("２０２０年", 2020),
        ("2020年①", 2020),
        ("2021*", 2021),
        ("2020年\nYear 2020", 2020),
        ("2023年比上年增长(%)", None),
        ("2016-2020年均增长", None),
        ("2020年末户籍人口", None),
        (2020.5, None),
        (534, None),
        ("全市", None),
        (None, None),
    ],
)
def test_parse_year(raw, year):
    assert parse_year(raw) == year


@pytest.mark.parametrize(
    ("raw", "growth"),
    [
        ("比上年增长(%)", True),
        ("2016-2020年均增长", True),
        ("增长%", True),
        ("同比", True),
        ("2023年比上年增长(%)", True),
        ("Growth over Previous Year (%)", True),
        ("上年=100", True),
        ("2020年", False),
        ("工业增加值", False),
        ("自然增长率 (‰)", False),  # CCSY 2-1: a population rate, an indicator of its own
        ("全市", False),
    ],
)
def test_is_growth_label(raw, growth):
    assert is_growth_label(raw) is growth


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("2023年各县区主要经济指标", 2023),
        ("4-1  中国能源平衡表(标准量) -2007", 2007),  # CESY 4-1, A1
        ("ENERGY BALANCE OF CHINA -2007 (STANDARD QUANTITY)", 2007),
        ("中国2014年地级以上城市按产业划分的年末单位从业人员统计(二)", 2014),
        ("9-5  全市用水情况", None),
        ("1978-2020年全市生产总值", None),
        ("", None),
    ],
)
def test_year_from_title(title, year):
    assert year_from_title(title) == year


# --------------------------------------------------------------------------- stub hierarchy


def test_indent_levels_cesy_stub():
    # CESY 4-1, column A: 一. > 1. > indented items > #of which
    stub = ["一.可供本地区消费的能源量", "1.一次能源生产量", "  水电", "    #用作原料、材料"]
    levels = [indent_level(s) for s in stub]
    assert levels[0] < levels[1]
    assert levels[3] > levels[2]
    assert levels[0] == 0


@pytest.mark.parametrize(
    ("raw", "level"),
    [
        ("全市", 0),
        ("  连云港市", 1),
        ("\xa0\xa0连云港市", 1),
        ("\u3000赣榆区", 1),
        ("\u3000\u3000赣榆区", 2),
        ("    县", 2),
        ("一、农业", 0),
        ("（一）种植业", 1),
        ("1.粮食", 2),
        ("(1)稻谷", 3),
        ("①早稻", 4),
        ("#重工业", 1),
        ("其中：轻工业", 1),
    ],
)
def test_indent_level(raw, level):
    assert indent_level(raw) == level


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("    #用作原料、材料", "用作原料、材料"),
        ("  1.原煤", "原煤"),
        ("1.一次能源生产量", "一次能源生产量"),
        ("一.可供本地区消费的能源量", "可供本地区消费的能源量"),
        ("十二、环境保护", "环境保护"),
        ("（二）工业", "工业"),
        ("(3)其他", "其他"),
        ("其中：轻工业", "轻工业"),
        ("＃重工业", "重工业"),
        ("\u3000\u3000洗 中 煤", "洗中煤"),
        ("一般公共预算收入", "一般公共预算收入"),
        ("1.5万吨以上", "1.5万吨以上"),
        ("2020年", "2020年"),
        ("(1)", "(1)"),
    ],
)
def test_strip_stub(raw, want):
    assert strip_stub(raw) == want


# --------------------------------------------------------------------------- notes, titles


@pytest.mark.parametrize(
    "text",
    [
        "注：1.进口量包括境内飞机和轮船在境外的加油量。",  # NBS A25
        "注:本表数据为快报数",
        "注①：",
        "资料来源：市统计局",
        "数据来源：国家统计局",  # NBS A27
        "摘编自《中国城市统计年鉴2015》",  # CCSY 2015, A51
        "说明：",
        "Note: data are preliminary",
        "Sources: NBS",
    ],
)
def test_is_note_true(text):
    assert is_note(text)


@pytest.mark.parametrize("text", ["注册企业数", "说明书", "连云港市", "", None, 534.0])
def test_is_note_false(text):
    assert not is_note(text)


def test_is_continuation():
    assert is_continuation("2-1 续表 1 continued 1")
    assert is_continuation("续表")
    assert is_continuation("（续）")
    assert is_continuation("Continued")
    assert not is_continuation("2-1 人口状况")
    assert not is_continuation("继续教育经费")


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("9-5  全市用水情况", ("9-5", "全市用水情况")),
        ("2-1 人口状况", ("2-1", "人口状况")),  # CCSY 2-1, A3
        ("表3-2 规模以上工业能源消费", ("3-2", "规模以上工业能源消费")),
        ("表 3-2  规模以上工业能源消费", ("3-2", "规模以上工业能源消费")),
        ("4-1  中国能源平衡表(标准量) -2007", ("4-1", "中国能源平衡表(标准量) -2007")),
        ("9—5 全市用水情况", ("9-5", "全市用水情况")),
        ("9-5全市用水情况", ("9-5", "全市用水情况")),
        ("1-2-3 分组", ("1-2-3", "分组")),
        ("表12 主要指标", ("12", "主要指标")),
        ("全市用水情况", (None, "全市用水情况")),
        ("2016-2020年均增长", (None, "2016-2020年均增长")),
        ("15-64岁人口", (None, "15-64岁人口")),
        ("3.5 亿元", (None, "3.5亿元")),
    ],
)
def test_parse_title(raw, want):
    assert parse_title(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("地区：广州", ("地区", "广州")),
        ("指标：国内生产总值(亿元)", ("指标", "国内生产总值(亿元)")),
        ("数据库：年度数据", ("数据库", "年度数据")),  # NBS A1
        ("时间：最近20年", ("时间", "最近20年")),  # NBS A2
        ("时间:最近20年 ", ("时间", "最近20年")),
        ("地区：", None),
        ("注：本表", None),
        ("指标", None),  # NBS A3: the header, not a metadata row
        ("其中：轻工业", None),
        (None, None),
    ],
)
def test_parse_metadata(raw, want):
    assert parse_metadata(raw) == want


def test_clean_is_pure():
    # layering: clean does no I/O and imports nothing that opens files
    import inspect

    src = inspect.getsource(clean)
    for banned in ("open(", "read_excel", "calamine", "openpyxl", "greenstats.io", "yaml"):
        assert banned not in src, banned


# --------------------------------------------------------------------------- robustness

_ANY_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(
        alphabet="0123456789.,-－—一…年月（）()%％万亿单位：: \u3000\xa0①*#注续表", max_size=20
    ),
)


@given(_ANY_CELL)
def test_no_function_raises_on_any_cell(value):
    # layout code calls these on every cell: they must answer, never raise
    assert isinstance(normalize_label(value), str)
    zh, en = split_bilingual(value)
    assert isinstance(zh, str) and (en is None or isinstance(en, str))
    label, unit = parse_unit(value)
    assert isinstance(label, str) and (unit is None or isinstance(unit, str))
    base, power = unit_multiplier(unit)
    assert isinstance(base, str) and isinstance(power, int) and power >= 0
    p = parse_number(value)
    assert p.status in STATUS_LEGEND
    assert (p.value is None) == (p.status != "A")
    assert p.value is None or math.isfinite(p.value)
    y = parse_year(value)
    assert y is None or 1900 <= y <= 2099
    y = year_from_title(value)
    assert y is None or 1900 <= y <= 2099
    assert isinstance(is_growth_label(value), bool)
    assert isinstance(indent_level(value), int) and indent_level(value) >= 0
    assert isinstance(strip_stub(value), str)
    assert isinstance(is_note(value), bool) and isinstance(is_continuation(value), bool)
    tid, title = parse_title(value)
    assert (tid is None or isinstance(tid, str)) and isinstance(title, str)
    kv = parse_metadata(value)
    assert kv is None or (isinstance(kv[0], str) and kv[1])
    text, mark = split_footnote_marker(value)
    assert isinstance(text, str)
