"""Layout engine on hand-built sheets (no files): every expectation is read off the grid below.

Each test builds a :class:`Sheet` the way a yearbook prints a table and checks the tidy rows
and ledger roles that a reader of the printed table would write down by hand.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greenstats.errors import LayoutError
from greenstats.io.containers import Sheet
from greenstats.layout import context_from_text, parse_sheet
from greenstats.schema import LEDGER_ROLES
from greenstats.specs.recipe import load_recipe


def parse(cells, merged=(), **kw):
    sheet_kw = {k: kw.pop(k) for k in ("formula_no_cache", "kind") if k in kw}
    sheet = Sheet(name=kw.pop("name", "S"), cells=cells, merged=tuple(merged), **sheet_kw)
    return parse_sheet(sheet, file_name="hand.xlsx", **kw)


def by_cell(result):
    return {r["source_cell"]: r for r in result.rows}


def roles(result):
    return {(e.row, e.col): (e.role, e.reason) for e in result.ledger}


def test_years_across_with_unit_column_and_hierarchy():
    res = parse(
        [
            ["3-1  连云港市能源消费主要指标"],
            ["指      标\nIndicator", "计量单位\nUnit", 2022.0, 2023.0],
            ["能源消费总量", "万吨标准煤", 2361.09, 2438.16],
            ["  #规模以上工业能源消费量", "万吨标准煤", 1597.72, 1629.75],
            ["非化石能源占比", "%", 12.24, "…"],
        ]
    )
    cells = by_cell(res)
    assert len(res.rows) == 6
    d4 = cells["D4"]
    assert (d4["indicator"], d4["year"], d4["value"], d4["unit"]) == (
        "规模以上工业能源消费量",
        2023,
        1629.75,
        "万吨标准煤",
    )
    assert d4["parent"] == "能源消费总量" and d4["level"] > cells["C3"]["level"]
    assert d4["unit_mult"] == 4  # 万 = 10^4
    assert d4["table_id"] == "3-1" and d4["table_title"] == "连云港市能源消费主要指标"
    assert d4["region"] == "连云港市"  # the region is printed only in the title
    d5 = cells["D5"]
    assert math.isnan(d5["value"]) and d5["status"] == "L"
    led = roles(res)
    assert led[(2, 1)][0] == "unit"  # the 计量单位 column
    assert led[(1, 2)][0] == "header" and led[(0, 0)][0] == "title"
    assert led[(4, 3)][0] == "marker"


def test_years_down_descending_text_years_and_growth_column():
    res = parse(
        [
            ["3-2  能源消费量"],
            ["年  份", "消 费 总 量\n(万吨标准煤)", "能源消费总量比上年增长\n(%)"],
            ["2020年", 1620.5, -1.2],
            ["2019年", 1640.3, 2.3],
        ]
    )
    cells = by_cell(res)
    assert cells["B3"]["indicator"] == "消费总量"  # layout spaces removed
    assert cells["B3"]["year"] == 2020 and cells["B4"]["year"] == 2019
    growth = cells["C4"]
    assert growth["year"] == 2019  # the row's year, the column is no year
    assert "增长" in growth["breakdown"] and growth["unit"] == "%"
    assert growth["value"] == 2.3


def test_region_stub_bilingual_two_row_merged_header_and_province_rows():
    head = "年末户籍人口 (万人)\r\nHousehold Registered\r\nPopulation\r\n(10 000 persons)"
    res = parse(
        [
            ["2-1  2016年各市人口状况"],
            ["城 市", "City", head, None],
            [None, None, "全市\r\nTotal City", "市辖区\r\nDistricts\r\nunder City"],
            ["江苏省", "Jiangsu", None, None],
            ["  连云港市", "  Lianyungang", "534", "223"],
        ],
        merged=[(1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 1, 3)],
    )
    cells = by_cell(res)
    assert set(cells) == {"C5", "D5"}  # the province row has no values: a heading
    c5, d5 = cells["C5"], cells["D5"]
    assert c5["region"] == "连云港市" and c5["indicator"] == "年末户籍人口"
    assert c5["breakdown"] == "全市" and d5["breakdown"] == "市辖区"
    assert c5["value"] == 534 and d5["value"] == 223
    assert c5["unit"] == "万人" and c5["unit_mult"] == 4 and c5["year"] == 2016
    assert c5["indicator_en"].startswith("Household Registered")
    assert c5["parent"] == "江苏省"
    assert roles(res)[(3, 0)][0] == "header"


def test_label_wrapped_over_rows_is_joined():
    # 4-1 of the energy yearbook: "液化石" / "油气" in two rows where other columns merge down,
    # and "(发电煤耗" / "计算法)" split inside brackets under a merged "能源合计"
    res = parse(
        [
            [None, "能源合计", None, "煤合计", "液化石"],
            [None, "(发电煤耗", "(电热当量", None, "油气"],
            ["项    目", "计算法)", "计算法)", None, None],
            ["一.可供消费的能源量", 261110.9, 249015.1, 179465.9, 512.3],
        ],
        merged=[(0, 1, 0, 2), (0, 3, 1, 3)],
    )
    cells = by_cell(res)
    assert cells["B4"]["indicator"] == "可供消费的能源量"
    assert cells["B4"]["breakdown"] == "能源合计 / 发电煤耗计算法"
    assert cells["C4"]["breakdown"] == "能源合计 / 电热当量计算法"
    assert cells["D4"]["breakdown"] == "煤合计"
    assert cells["E4"]["breakdown"] == "液化石油气"


def test_page_break_repeat_gives_one_table_without_duplicates():
    header = ["地  区", "2020年", "2021年"]
    res = parse(
        [
            ["6-1  各县区年末户籍人口"],
            ["单位：万人"],
            header,
            ["海州区", 90.2, 91.0],
            ["连云区", 23.5, 23.1],
            [],
            ["6-1  续表"],
            header,
            ["连云区", 23.5, 23.1],  # the last row repeated at the top of the next page
            ["东海县", 125.3, 124.9],
        ]
    )
    assert {r["table_id"] for r in res.rows} == {"6-1"}
    keys = [(r["region"], r["year"]) for r in res.rows]
    assert len(keys) == len(set(keys)) == 6
    led = roles(res)
    assert led[(8, 1)][0] == "ignored" and "repeated" in led[(8, 1)][1]
    assert led[(6, 0)][0] == "title" and led[(7, 1)][0] == "header"
    assert by_cell(res)["C10"]["unit"] == "万人"


def test_tiled_pages_side_by_side_with_offset():
    res = parse(
        [
            ["6-1  各县区年末户籍人口"],
            ["单位：万人"],
            ["地  区", 2020.0, 2021.0, None, "6-1  续表"],
            ["全市", 460.1, 459.9, None, "地  区", 2020.0, 2021.0],
            ["海州区", 90.2, 91.0, None, "东海县", 125.3, 124.9],
        ]
    )
    cells = by_cell(res)
    assert cells["F5"]["region"] == "东海县" and cells["F5"]["year"] == 2020
    assert cells["F5"]["table_id"] == "6-1" and cells["F5"]["unit"] == "万人"
    assert len(res.rows) == 6


def test_stacked_tables_each_with_its_own_id():
    res = parse(
        [
            ["9-1  用水总量"],
            ["年份", "用水总量"],
            [2022, 29.17],
            [],
            ["9-2  工业用水"],
            ["年份", "工业用水"],
            [2022, 4.92],
        ]
    )
    cells = by_cell(res)
    assert cells["B3"]["table_id"] == "9-1" and cells["B7"]["table_id"] == "9-2"
    assert cells["B7"]["indicator"] == "工业用水" and cells["B7"]["year"] == 2022


def test_tidy_research_panel_zero_is_a_missing_code():
    res = parse(
        [
            ["城市", "年份", "地区生产总值_当年价格_全市_万元", "生活垃圾无害化处理率_全市_百分比"],
            ["连云港市", 2010.0, 9500000.0, 99.3],
            ["连云港市", 2011.0, 11000000.0, 0.0],
        ]
    )
    cells = by_cell(res)
    assert cells["C2"]["region"] == "连云港市" and cells["C2"]["year"] == 2010
    assert cells["C2"]["indicator"] == "地区生产总值" and cells["C2"]["unit"] == "万元"
    assert "全市" in cells["C2"]["breakdown"]
    assert cells["D3"]["status"] == "Z" and math.isnan(cells["D3"]["value"])
    assert cells["D2"]["value"] == 99.3


def test_nbs_export_metadata_descending_years_and_notes():
    res = parse(
        [
            ["数据库：主要城市年度数据"],
            ["地区：广州"],
            ["时间：最近20年"],
            ["指标", "2018年", "2017年"],
            ["国内生产总值(亿元)", None, 21503.15],
            ["注：1.进口量包括境内飞机和轮船在境外的加油量。"],
            ["\u3000\u3000\u30002.电力按等价热值折算。"],
            ["数据来源：国家统计局"],
        ]
    )
    cells = by_cell(res)
    c5 = cells["C5"]
    assert (c5["region"], c5["year"], c5["indicator"], c5["unit"]) == (
        "广州",
        2017,
        "国内生产总值",
        "亿元",
    )
    b5 = cells["B5"]  # the newest year is empty: a missing row, no ledger entry
    assert b5["status"] == "M" and math.isnan(b5["value"]) and b5["year"] == 2018
    assert (4, 1) not in roles(res)
    assert "2.电力按等价热值折算" in c5["note"] and "国家统计局" in c5["note"]
    assert roles(res)[(6, 0)][0] == "note"


def test_markers_glued_footnotes_and_formula_without_cache():
    res = parse(
        [
            ["5-1  各县区工业用电量"],
            ["单位：万千瓦时"],
            ["地  区", "2019", "2020", "2021"],
            ["全\u3000\u3000市", 12345.6, "  1,234.5 ", "１２３．４"],
            ["市\u3000\u3000区", "27.5①", "...", "—"],
            ["赣榆区", "-", "NA", "\xa0"],
            ["灌南县", "一", 88.0, None],
            ["注：①为快报数。"],
        ],
        formula_no_cache=frozenset({(6, 3)}),
    )
    cells = by_cell(res)
    assert cells["B4"]["region"] == "全市"
    assert cells["C4"]["value"] == 1234.5 and cells["D4"]["value"] == pytest.approx(123.4)
    b5 = cells["B5"]
    assert b5["value"] == 27.5 and b5["status"] == "A" and "快报" in b5["note"]
    assert cells["C5"]["status"] == "L"
    for addr in ("D5", "B6", "C6", "D6", "B7"):
        assert cells[addr]["status"] == "M" and math.isnan(cells[addr]["value"]), addr
    assert cells["D7"]["status"] == "F" and math.isnan(cells["D7"]["value"])
    assert cells["B4"]["unit"] == "万千瓦时"


def test_ledger_accounts_for_every_non_empty_cell():
    grid = [
        ["4-1  能源平衡表 -2007"],
        ["单位:万吨标准煤  ", None, "  ", "(10 000 tce)"],
        ["项    目", "Item", "能源合计", "煤合计"],
        [None, None, None, 249015.1],  # a stray number above the body, without a label
        ["一.可供消费的能源量", "Total Supply", 261110.9, 179465.9],
        [],
        [None, None, 1874.8],  # a check sum below the table
    ]
    res = parse(grid)
    led = roles(res)
    non_empty = {(r, c) for r, row in enumerate(grid) for c, v in enumerate(row) if v is not None}
    assert set(led) == non_empty
    assert all(role in LEDGER_ROLES for role, _ in led.values())
    assert all(reason for role, reason in led.values() if role == "ignored")
    assert led[(3, 3)][0] == "ignored" and "label" in led[(3, 3)][1]
    assert led[(6, 2)][0] == "ignored"
    assert led[(1, 3)][0] == "unit" and led[(1, 2)] == ("ignored", "whitespace only")
    c5 = by_cell(res)["C5"]
    assert c5["year"] == 2007 and c5["unit"] == "万吨标准煤"
    assert c5["indicator_en"] == "Total Supply"


def test_leading_empty_rows_and_columns_keep_absolute_addresses():
    res = parse(
        [
            [],
            [],
            [None, None, "地  区", "2020年"],
            [None, None, "海州区", 1001.0],
        ]
    )
    (row,) = res.rows
    assert row["source_cell"] == "D4" and row["region"] == "海州区" and row["year"] == 2020


def test_numbers_without_any_header_raise_layout_error_naming_the_cell():
    with pytest.raises(LayoutError) as err:
        parse([["海州区", 1.0, 2.0], ["连云区", 3.0, 4.0]], name="表3")
    e = err.value
    assert e.sheet == "表3" and e.file == "hand.xlsx" and e.cell == "B1"
    assert "recipe" in str(e) and "header" in str(e)


def test_recipe_overrides_and_fills():
    cells = [["海州区", 1.0, 2.0], ["连云区", 3.0, 4.0]]
    with pytest.raises(LayoutError):
        parse(cells)
    rec = load_recipe({"header_rows": 0, "stub": "region", "year": 2020, "indicator": "人口"})
    res = parse([["地区", "人口"], ["海州区", 1.0], ["连云区", 3.0], ["注"]], recipe=rec)
    assert {r["year"] for r in res.rows} == {2020}
    rec = load_recipe({"skip_rows": [3]})
    res = parse([["地区", "人口"], ["海州区", 1.0], ["连云区", 3.0]], recipe=rec)
    assert [r["region"] for r in res.rows] == ["海州区"]
    assert roles(res)[(2, 1)] == ("ignored", "skipped by recipe (skip_rows)")


def test_region_and_year_arguments_fill_missing_dimensions_only():
    res = parse([["指标", "2021年"], ["地区生产总值(亿元)", 3727.9]], region="连云港市", year=1999)
    (row,) = res.rows
    assert row["region"] == "连云港市" and row["year"] == 2021  # the table's own year wins


def test_context_from_an_html_page_supplies_title_year_and_unit():
    ctx = context_from_text(["中国2014年地级以上城市年末金融机构存贷款余额统计(二)", "单位:万元"])
    assert ctx["year"] == 2014 and ctx["unit"] == "万元"
    res = parse([["城市", "存款"], ["连云港市", "18526663"]], context=ctx, kind="html")
    (row,) = res.rows
    assert row["year"] == 2014 and row["unit"] == "万元" and "存贷款" in row["table_title"]


def test_sheet_without_numbers_has_no_rows_and_explains_every_cell():
    res = parse([["http://www.cnki.net/"]], name="CNKI")
    assert res.rows == []
    assert [(e.role, e.reason) for e in res.ledger] == [
        ("ignored", "sheet holds no table with numbers")
    ]


_VALUES = st.one_of(
    st.none(),
    st.integers(-5, 2030),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "",
            " ",
            "地区",
            "2020年",
            "…",
            "-",
            "注：x",
            "续表",
            "9-5  表",
            "单位：万人",
            "  连云港市",
        ]
        + ["#其中", "(万吨)", "Item", "\xa0", "1,234.5", "27.5①", "年份", "比上年增长(%)", "a_b"]
    ),
    st.text(max_size=4),
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(st.lists(_VALUES, max_size=6), max_size=8),
    st.lists(st.tuples(*[st.integers(0, 7)] * 2, *[st.integers(0, 2)] * 2), max_size=3),
)
def test_any_grid_reads_or_raises_a_layout_error_and_the_ledger_is_complete(grid, spans):
    merged = tuple((r, c, r + dr, c + dc) for r, c, dr, dc in spans)
    try:
        res = parse(grid, merged=merged)
    except LayoutError as exc:  # never KeyError/IndexError; always where and how to fix
        assert exc.sheet == "S" and exc.fix
        assert "could not be understood" not in str(exc), str(exc)
        return
    non_empty = {
        (r, c) for r, row in enumerate(grid) for c, v in enumerate(row) if v is not None and v != ""
    }
    assert {(e.row, e.col) for e in res.ledger} == non_empty
    assert all(e.reason for e in res.ledger if e.role == "ignored")
    assert len({r["source_cell"] for r in res.rows}) == len(res.rows)


def test_regions_across_columns_with_indicator_rows():
    res = parse(
        [
            ["2023年各县区主要指标"],
            ["指  标", "全  市", "海州区", "连云区"],
            ["地区生产总值(亿元)", 4363.6, 781.2, 512.0],
            ["其中：工业增加值(亿元)", 1500.2, 220.5, 180.1],
        ]
    )
    cells = by_cell(res)
    assert [cells[a]["region"] for a in ("B3", "C3", "D3")] == ["全市", "海州区", "连云区"]
    c4 = cells["C4"]
    assert (c4["indicator"], c4["unit"], c4["year"], c4["value"]) == (
        "工业增加值",
        "亿元",
        2023,
        220.5,
    )
    assert c4["parent"] == "地区生产总值" and c4["breakdown"] is None


def test_recipe_orientation_decides_where_years_are():
    # column headers "2021" that are product codes, not years
    grid = [["地区", "2021", "2022"], ["海州区", 5.0, 7.0]]
    auto = by_cell(parse(grid))
    assert auto["B2"]["year"] == 2021  # detection reads them as years
    codes = by_cell(parse(grid, recipe=load_recipe({"orientation": "no_years", "year": 2020})))
    assert codes["B2"]["year"] == 2020 and codes["B2"]["indicator"] == "2021"
    down = parse(
        [["甲", "产量"], ["2021年", 5.0]],
        recipe=load_recipe({"stub_cols": 1, "orientation": "years_down"}),
    )
    assert by_cell(down)["B2"]["year"] == 2021


def test_row_number_column_is_no_value_and_no_label():
    for head in ("序号", None):
        res = parse([[head, "指标", "2022年"], [1, "地区生产总值", 4000.0], [2, "常住人口", 459.9]])
        cells = by_cell(res)
        assert set(cells) == {"C2", "C3"}, head
        assert cells["C3"]["indicator"] == "常住人口" and cells["C3"]["year"] == 2022
        assert roles(res)[(2, 0)][0] == "ignored"


@pytest.mark.parametrize(
    "grid",
    [
        [[math.inf], [0, "地区"]],  # once an OverflowError in the row-number check
        [[None, "2020年"], ["地区", math.nan], ["海州区", -math.inf]],
        [["续表"], ["9-5  表"], [1.0]],
    ],
)
def test_odd_grids_never_escape_as_bare_exceptions(grid):
    try:
        res = parse(grid)
    except LayoutError as exc:
        assert exc.sheet == "S" and exc.fix
        return
    assert all(e.role in LEDGER_ROLES for e in res.ledger)
