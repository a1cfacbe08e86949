"""Every real file in ../shared/real-data reads with zero configuration, and cells read by hand
come out right.

Two sources of expected values, both independent of the reader:
- ``expected-cells.csv`` beside the real files (read by hand by whoever collected them);
- ``HAND_READ`` below: cells read by R3 in a throwaway shell with xlrd (after decrypting with
  msoffcrypto-tool), openpyxl, lxml.html and the csv module, then typed in here.

Where the contract leaves room (e.g. whether an indicator keeps its printed numbering) the
checks use ``labels`` that must occur in ``indicator`` or ``breakdown``.
"""

from __future__ import annotations

import csv
import functools
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

try:
    from conftest import REAL_DATA_DIR, check_expected_cells, real_files_present, rows_at
except ModuleNotFoundError:  # tests/ collected as a package
    from tests.conftest import REAL_DATA_DIR, check_expected_cells, real_files_present, rows_at

import greenstats
from greenstats.schema import STATUS_LEGEND, TIDY_COLUMNS

CCSY = "ccsy-cnki/2-1-population-encrypted.xls"
EMP = "ccsy-cnki/employment-by-industry-2014.xls"
EMP_SHEET = "中国2014年地级以上城市按产业划分的年末单位从业人员统计(二"
SHARE_HTML = "ccsy-cnki/employment-share-2014-html.xls"
DEPOSITS = "ccsy-cnki/deposits-loans-2014-html.xls"
COUNTS = "ccsy-cnki/city-counts-2014-html.xls"
SHARE_CSV = "ccsy-cnki/employment-share-2014-gbk-csv.xls"
BAL_STD = "cesy-2008/4-1-energy-balance-standard.xls"
BAL_PHYS = "cesy-2008/4-2-energy-balance-physical.xls"
FACTORS_ZH = "cesy-2008/appendix-4-coal-equivalent-factors-zh.xls"
NBS_NATIONAL = "nbs-exports/national-energy-balance.xls"
NBS_GZ = "nbs-exports/guangzhou-indicators.xls"
NBS_SZ = "nbs-exports/shenzhen-indicators.xls"
CEADS = "panels/ceads-city-co2-1997-2019.xlsx"
PANEL = "panels/city-panel-2004-2012.xlsx"


def _path(rel: str) -> Path:
    path = REAL_DATA_DIR / rel
    if not path.is_file():
        pytest.skip(f"real file missing: {path}")
    return path


@functools.cache
def _read(rel: str) -> pd.DataFrame:
    return greenstats.read_yearbook(REAL_DATA_DIR / rel)


def read(rel: str) -> pd.DataFrame:
    _path(rel)
    return _read(rel)


# --------------------------------------------------------------------------- zero config
@pytest.mark.parametrize("rel", real_files_present())
def test_reads_with_zero_configuration(rel):
    tidy = read(rel)
    assert list(tidy.columns[: len(TIDY_COLUMNS)]) == list(TIDY_COLUMNS)
    assert len(tidy) > 0, f"{rel}: no values read"
    assert (tidy["source_file"] == Path(rel).name).all()
    assert set(tidy["status"]) <= set(STATUS_LEGEND)
    assert tidy["indicator"].notna().all()
    dup = tidy.duplicated(["source_sheet", "source_cell"])
    assert not dup.any(), f"duplicated provenance: {tidy.loc[dup, 'source_cell'].tolist()[:10]}"


# --------------------------------------------------------------------------- expected-cells.csv
def _expected_rows() -> list[dict[str, str]]:
    path = REAL_DATA_DIR / "expected-cells.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


_ROWS = _expected_rows()


def _find(tidy: pd.DataFrame, exp: dict[str, str]) -> pd.DataFrame:
    value = float(exp["value"])
    hit = tidy[tidy["source_sheet"] == exp["sheet"]]
    if exp["cell"] != "?":
        return hit[hit["source_cell"] == exp["cell"]]
    hit = hit[hit["value"].map(lambda v: pd.notna(v) and math.isclose(v, value, rel_tol=1e-9))]
    if exp["region"]:
        hit = hit[hit["region"].fillna("").str.contains(exp["region"], regex=False)]
    text = hit["indicator"].fillna("") + " / " + hit["breakdown"].fillna("")
    for label in filter(None, exp["labels"].split("|")):
        hit = hit[text[hit.index].str.contains(label, regex=False)]
    return hit


@pytest.mark.parametrize(
    "exp",
    _ROWS
    or [
        pytest.param(
            None, marks=pytest.mark.skip(reason=f"missing: {REAL_DATA_DIR}/expected-cells.csv")
        )
    ],
    ids=[f"{r['file']}:{r['sheet']}!{r['cell']}={r['value']}" for r in _ROWS] or ["missing"],
)
def test_expected_cells_csv(exp):
    tidy = read(exp["file"])
    hit = _find(tidy, exp)
    assert len(hit) == 1, f"{len(hit)} tidy rows match {exp}"
    row = hit.iloc[0]
    assert math.isclose(row["value"], float(exp["value"]), rel_tol=1e-9), row["value"]
    if exp["year"]:
        assert pd.notna(row["year"]) and int(row["year"]) == int(exp["year"]), row["year"]
    if exp["region"]:
        assert exp["region"] in str(row["region"]), row["region"]
    text = f"{row['indicator']} / {row['breakdown']}"
    for label in filter(None, exp["labels"].split("|")):
        assert label in text, f"{label!r} not in {text!r}"
    if exp["unit"]:
        assert row["unit"] == exp["unit"]
    assert row["status"] == "A"


# --------------------------------------------------------------------------- hand-read cells
def c(sheet, cell, **kw):
    return {"sheet": sheet, "cell": cell, **kw}


HAND_READ: dict[str, list[dict]] = {
    # xlrd on the msoffcrypto-decrypted bytes, sheet 1-7 row 93 "  连云港市"
    CCSY: [
        c(
            "1-7",
            "C93",
            value=534,
            region="连云港市",
            labels=["年末户籍人口", "全市"],
            unit="万人",
            unit_mult=4,
            status="A",
            table_id="2-1",
        ),
        c(
            "1-7",
            "D93",
            value=223,
            region="连云港市",
            labels=["年末户籍人口", "市辖区"],
            unit="万人",
        ),
        c("1-7", "E93", value=532, region="连云港市", labels=["年平均人口", "全市"], unit="万人"),
        c("1-7", "F93", value=222, region="连云港市", labels=["年平均人口", "市辖区"], unit="万人"),
        c("1-7", "G93", value=8.75, region="连云港市", labels=["自然增长率", "全市"], unit="‰"),
        c("1-7", "H93", value=8.82, region="连云港市", labels=["自然增长率", "市辖区"], unit="‰"),
        c("1-7", "C7", value=1363, region="北京市", labels=["年末户籍人口", "全市"]),
        c("1-7", "G92", value=-0.30, region="南通市", labels=["自然增长率", "全市"]),
        # after the 6th page break (header repeated at rows 314-316)
        c(
            "1-7",
            "D360",
            value=43,
            region="哈密市",
            labels=["年末户籍人口", "市辖区"],
            table_id="2-1",
        ),
    ],
    EMP: [
        c(
            EMP_SHEET,
            "D41",
            value=243300,
            year=2014,
            region="连云港市",
            labels=["第二产业", "全市"],
            unit="人",
        ),
        c(
            EMP_SHEET,
            "F41",
            value=230000,
            year=2014,
            region="连云港市",
            labels=["第三产业", "全市"],
            unit="人",
        ),
        c(
            EMP_SHEET,
            "G41",
            value=153234,
            year=2014,
            region="连云港市",
            labels=["第三产业", "市辖区"],
        ),
        # a province row that does carry values is data
        c(EMP_SHEET, "B48", value=6117, year=2014, region="浙江省", labels=["第一产业", "全市"]),
    ],
    # lxml.html: table 1, header rows 1-2, 连云港市 is the 39th <tr>
    SHARE_HTML: [
        c(
            "table1",
            "B39",
            value=1.85,
            year=2014,
            region="连云港市",
            labels=["第一产业", "全市"],
            unit="%",
        ),
        c(
            "table1",
            "G39",
            value=45.01,
            year=2014,
            region="连云港市",
            labels=["第三产业", "市辖区"],
            unit="%",
        ),
        c("table1", "C28", value=None, status="M", region="牡丹江市"),  # &nbsp;
    ],
    # three header rows; 连云港市 is the 40th <tr>; 伊春市 (26th) has &nbsp; in 市辖区 columns
    DEPOSITS: [
        c(
            "table1",
            "B40",
            value=18526663,
            year=2014,
            region="连云港市",
            labels=["存款", "全市"],
            unit="万元",
            unit_mult=4,
            table_title_contains="存贷款余额",
        ),
        c("table1", "D40", value=9240273, region="连云港市", labels=["储蓄", "全市"], unit="万元"),
        c("table1", "E40", value=5601294, region="连云港市", labels=["储蓄", "市辖区"]),
        c("table1", "F40", value=15493353, region="连云港市", labels=["贷款", "全市"], unit="万元"),
        c("table1", "C26", value=None, status="M", region="伊春市"),
    ],
    COUNTS: [
        c("table0", "B13", value=36, year=2014, region="江苏", labels=["城市合计"]),
        c("table0", "D13", value=1, region="江苏", labels=["副省级市"]),
        c("table0", "F13", value=23, region="江苏", labels=["县级市"]),
        c("table0", "C13", value=None, status="M", region="江苏"),
    ],
    # csv module, gb18030: line 139 is 连云港市, line 319 遵义市 with NA
    SHARE_CSV: [
        c("csv", "E139", value=53.25, region="连云港市", labels=["第二产业从业人员比重", "市辖区"]),
        c("csv", "B139", value=1.85, region="连云港市", labels=["第一产业从业人员比重", "全市"]),
        c("csv", "C319", value=None, status="M", region="遵义市"),
    ],
    BAL_STD: [
        c(
            "Sheet1",
            "D11",
            value=249015.11815886,
            year=2007,
            labels=["可供本地区消费的能源量", "电热当量"],
            unit="万吨标准煤",
        ),
        c(
            "Sheet1",
            "C11",
            value=261110.94144872605,
            year=2007,
            unit="万吨标准煤",
            table_id="4-1",
            indicator_en_contains="Total Primary Energy Supply",  # paired English stub column B
        ),
        c(
            "Sheet1",
            "Y11",
            value=6738.668449999997,
            year=2007,
            labels=["可供本地区消费的能源量", "电力"],
        ),
        c("Sheet1", "C34", value=9745.119498855742, year=2007, indicator="用作原料、材料"),
        c(
            "Sheet1", "N19", value=-677.22, year=2007, labels=["外轮、机在我国加油量", "油品合计"]
        ),  # text
        c("Sheet1", "C43", value=265582.98986889666, year=2007, labels=["能源消费总量"]),
    ],
    BAL_PHYS: [
        c(
            "Sheet1",
            "C11",
            value=251376.69166570005,
            year=2007,
            labels=["可供本地区消费的能源量", "煤合计"],
            unit="万吨",
        ),
        c(
            "Sheet1",
            "U12",
            value=692.4,
            year=2007,
            labels=["一次能源生产量", "天然气"],
            unit="亿立方米",
        ),
        # unit split over two header rows: "(亿千瓦" / "小时)"
        c(
            "Sheet1",
            "W12",
            value=5586.2,
            year=2007,
            labels=["一次能源生产量", "电力"],
            unit="亿千瓦小时",
            unit_mult=8,
        ),
        c("Sheet1", "H28", value=268.02216, year=2007, labels=["焦炭再投入量"]),
        # heat: unit split "(万百万" / "千焦)" over two header rows
        c(
            "Sheet1",
            "V23",
            value=258602.66696,
            year=2007,
            labels=["供热", "热力"],
            unit="万百万千焦",
        ),
        c(
            "Sheet1",
            "X22",
            value=-416.598,
            year=2007,
            labels=["火力发电", "其他能源"],
            unit="万吨标煤",
        ),
    ],
    NBS_NATIONAL: [
        c("年度数据", "T10", value=197083, year=2003, indicator="能源消费总量", unit="万吨标准煤"),
        c("年度数据", "B6", value=None, status="M", year=2021, indicator="回收能"),
        c("年度数据", "B8", value=13122, year=2021, labels=["出口量"], unit="万吨标准煤"),
    ],
    NBS_GZ: [
        c(
            "主要城市年度数据",
            "C5",
            value=21503.15,
            year=2017,
            region="广州",
            indicator="国内生产总值",
            unit="亿元",
            unit_mult=8,
        ),
        c(
            "主要城市年度数据",
            "S5",
            value=2685.76,
            year=2001,
            region="广州",
            indicator="国内生产总值",
        ),
        c(
            "主要城市年度数据",
            "M8",
            value=4152.54,
            year=2007,
            region="广州",
            indicator="第三产业增加值",
            unit="亿元",
        ),
        c("主要城市年度数据", "B5", value=None, status="M", year=2018, region="广州"),
    ],
    NBS_SZ: [
        c(
            "主要城市年度数据",
            "C5",
            value=22490.06,
            year=2017,
            region="深圳",
            indicator="国内生产总值",
            unit="亿元",
            unit_mult=8,
        ),
    ],
    # openpyxl: emission matrix row 161 "江苏连云港", F=2000 ... Y=2019; vector rows 1095-1135
    CEADS: [
        c("emission matrix", "Y161", value=30.404642130384445, year=2019),
        c("emission matrix", "P161", value=18.39281628145796, year=2010),
        c("emission vector", "D1095", value=5.301014252779371, year=2000),
        c("emission vector", "D1135", value=18.39281628145796, year=2010),
    ],
    PANEL: [
        c("new", "C823", value=16034200, year=2012, region="连云港市", labels=["地区生产总值"]),
        c("new", "I815", value=468.81, year=2004, region="连云港市", labels=["年末总人口"]),
    ],
}


@pytest.mark.parametrize("rel", sorted(HAND_READ))
def test_hand_read_cells(rel):
    bad = check_expected_cells(read(rel), HAND_READ[rel])
    assert not bad, "\n".join(bad)


def test_ccsy_regions_contain_lianyungang_everywhere():
    tidy = read(CCSY)
    lyg = tidy[tidy["source_cell"].str.fullmatch(r"[C-H]93")]
    assert (lyg["region"] == "连云港市").all()


def test_ceads_regions_name_lianyungang():
    tidy = read(CEADS)
    for sheet, cell in (("emission matrix", "Y161"), ("emission vector", "D1095")):
        row = rows_at(tidy, sheet, cell)
        assert len(row) == 1 and "连云港" in str(row.iloc[0]["region"])


def test_ccsy_page_repeats_give_one_table_without_duplicates():
    tidy = read(CCSY)
    sheet = tidy[tidy["source_sheet"] == "1-7"]
    # counted by hand with xlrd: 297 city/municipality rows x 6 columns; 1754 cells hold a
    # number, 28 are empty inside rows that have values (吐鲁番市, 哈密市, ...)
    assert (sheet["status"] == "A").sum() == 1754
    assert len(sheet) in (1754, 1782)
    assert set(sheet.loc[sheet["status"] != "A", "status"]) <= {"M"}
    assert set(sheet["table_id"].dropna()) == {"2-1"}
    # header repeats (rows 55-56, 107-108, ...), province rows and 续表 lines give no values
    for row in (5, 6, 9, 54, 55, 56, 86, 106, 107, 108, 314, 315, 316):
        assert not sheet["source_cell"].str.fullmatch(rf"[A-H]{row}").any(), row
    assert not (tidy["source_sheet"] == "CNKI").any()
    assert not sheet["region"].fillna("").str.contains("省|自治区").any()


def test_nbs_descending_text_years():
    tidy = read(NBS_NATIONAL)
    row4 = tidy[tidy["source_cell"].str.fullmatch(r"[B-T]4")].sort_values("year")
    assert list(row4["year"].astype(int)) == list(range(2003, 2022))
    # counted from the sheet: row 4 from T (2003) to B (2021)
    assert list(row4["value"])[:3] == [191896.0, 224851.0, 254619.0]


def test_nbs_notes_are_captured():
    tidy = read(NBS_NATIONAL)
    notes = " ".join(tidy["note"].dropna().unique())
    assert "进口量包括境内飞机和轮船在境外的加油量" in notes
    assert "电力按等价热值折算" in notes  # the full-width continuation line


def test_city_panel_lianyungang_garbage_series():
    tidy = read(PANEL)
    lyg = tidy[tidy["source_cell"].str.fullmatch(r"P8(1[5-9]|2[0-3])")].sort_values("year")
    assert list(lyg["year"].astype(int)) == list(range(2004, 2013))
    assert list(lyg["value"]) == [100, 100, 100, 85, 100, 100, 99.3, 41.2, 71.2]
    assert (lyg["region"] == "连云港市").all()
    assert lyg["indicator"].str.contains("生活垃圾无害化处理率").all()
    # the year and city columns are dimensions, not values
    assert not tidy["source_cell"].str.fullmatch(r"[AB]\d+").any()


def test_ceads_matrix_lianyungang_series():
    tidy = read(CEADS)
    m = tidy[
        (tidy["source_sheet"] == "emission matrix") & tidy["source_cell"].str.fullmatch(r"[F-Y]161")
    ]
    m = m.sort_values("year")
    assert list(m["year"].astype(int)) == list(range(2000, 2020))
    assert math.isclose(m["value"].iloc[0], 5.301014252779371)
    assert math.isclose(m["value"].iloc[-1], 30.404642130384445)


def test_ceads_unit_comes_from_the_note_sheet():
    """CEADs prints its unit once, on the NOTE sheet (``Unit/单位 | million tones\n百万吨``,
    row 5); both data sheets print none, so every value carries it (百万 = 10^6)."""
    path = _path(CEADS)
    note = openpyxl.load_workbook(path, read_only=True)["NOTE"]
    key, value = (note.cell(5, 1).value, note.cell(5, 2).value)
    assert key == "Unit/单位" and value.splitlines()[-1] == "百万吨"
    tidy = read(CEADS)
    assert set(tidy["source_sheet"]) == {"emission vector", "emission matrix"}
    assert set(tidy["unit"]) == {"百万吨"}
    assert set(tidy["unit_mult"].astype(int)) == {6}
    ledger = greenstats.cell_ledger(path)
    roles = ledger[ledger["source_sheet"] == "NOTE"].set_index("source_cell")["role"]
    assert roles["A5"] == "unit" and roles["B5"] == "unit"


def test_coal_factor_numbers_inside_text():
    """``0.7143 千克标准煤 / 千克`` is a number with its unit (R3's reading of the contract:
    a user expects the factor 0.7143, not status X)."""
    tidy = read(FACTORS_ZH)
    row = rows_at(tidy, "fu04", "C5")
    assert len(row) == 1
    row = row.iloc[0]
    assert math.isclose(row["value"], 0.7143)
    assert "原煤" in f"{row['indicator']} / {row['breakdown']}"
    assert "千克标准煤" in str(row["unit"])


def test_ceads_lone_1995_value_is_kept():
    """SOURCES.md calls the 1995 column all-empty, but openpyxl shows one value in it (B74):
    a sparse column must not be dropped as layout."""
    tidy = read(CEADS)
    row = rows_at(tidy, "emission matrix", "B74")
    assert len(row) == 1
    assert math.isclose(row.iloc[0]["value"], 7.237990922381897)
    assert int(row.iloc[0]["year"]) == 1995
    assert "贵阳" in str(row.iloc[0]["region"])


def test_read_yearbooks_over_all_real_files_with_processes(real_data):
    paths = [real_data / rel for rel in real_files_present() if (real_data / rel).is_file()]
    tidy = greenstats.read_yearbooks(paths, jobs=2, progress=False)
    assert tidy.attrs["errors"].empty, tidy.attrs["errors"]
    assert len(tidy) == sum(len(_read(p.relative_to(real_data).as_posix())) for p in paths)
    assert set(tidy["source_file"]) == {p.name for p in paths}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            # column A of sheet Sheet1, read by hand: 一. > 1. > "  水电"; "  #焦炭再投入量(-)"
            # under "6.制    气"; "   城 镇" under "6.生活消费"; "2.回收能" back under 一.
            "cesy-2008/4-1-energy-balance-standard.xls",
            {
                "一次能源生产量": "可供本地区消费的能源量",
                "水电": "一次能源生产量",
                "核电": "一次能源生产量",
                "回收能": "可供本地区消费的能源量",
                "出口量(-)": "可供本地区消费的能源量",
                "焦炭再投入量(-)": "制气",
                "用作原料、材料": "工业",
                "城镇": "生活消费",
                "乡村": "生活消费",
            },
        ),
        (
            "cesy-2008/4-2-energy-balance-physical.xls",
            {"水电": "一次能源生产量", "用作原料.材料": "工业", "其他": "终端消费量"},
        ),
    ],
)
def test_stub_parents_mixing_numbering_and_indentation(real_file, name, expected):
    tidy = greenstats.read_yearbook(real_file(name))
    parents = tidy.drop_duplicates("indicator").set_index("indicator")["parent"]
    assert {k: parents[k] for k in expected} == expected
