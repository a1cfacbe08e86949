"""greenstats.io.containers: sniffing and opening every container into A1-anchored grids.

Expected values come from the files themselves: fixtures written here with known contents,
and the real files cross-checked against independent readers (xlrd for BIFF, openpyxl for
xlsx) and against cells read by hand (SOURCES.md, expected-cells.csv).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenstats.errors import ReadError
from greenstats.io.containers import (
    DEFAULT_PASSWORD,
    Sheet,
    a1,
    column_letter,
    open_workbook,
    sniff,
)

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-data"


def real(rel: str) -> Path:
    path = REAL / rel
    if not path.exists():
        pytest.skip(f"real file {rel} is absent from {REAL}")
    return path


# --------------------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("c", "letters"),
    [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA")],
)
def test_column_letter(c, letters):
    assert column_letter(c) == letters


def test_column_letter_last_excel_column():
    # Excel 2007+ has 16384 columns, the last one is XFD
    assert column_letter(16383) == "XFD"


@pytest.mark.parametrize(("r", "c", "ref"), [(0, 0, "A1"), (92, 2, "C93"), (160, 5, "F161")])
def test_a1(r, c, ref):
    assert a1(r, c) == ref


def test_negative_index_rejected():
    with pytest.raises(ValueError):
        a1(-1, 0)
    with pytest.raises(ValueError):
        column_letter(-1)


# --------------------------------------------------------------------------- sniffing


def _xlsx_bytes(fill) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    fill(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_sniff_by_content_not_extension(tmp_path):
    xlsx = tmp_path / "looks-like.xls"
    xlsx.write_bytes(_xlsx_bytes(lambda wb: None))
    html = tmp_path / "page.xlsx"
    html.write_bytes(b"\xef\xbb\xbf\n\n  \r\n<!-- x --><html><table></table></html>")
    text = tmp_path / "data.xls"
    text.write_bytes("城市,值\n连云港市,1\n".encode("gbk"))
    ole = tmp_path / "x.csv"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert sniff(xlsx) == "xlsx"
    assert sniff(html) == "html"
    assert sniff(text) == "csv"
    assert sniff(ole) == "xls"


def test_sniff_rejects_binary_empty_and_missing(tmp_path):
    junk = tmp_path / "junk.xls"
    junk.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ReadError, match="junk.xls.*not a workbook"):
        sniff(junk)
    empty = tmp_path / "empty.xls"
    empty.write_bytes(b"")
    with pytest.raises(ReadError, match="empty.xls.*empty"):
        sniff(empty)
    with pytest.raises(ReadError, match="nowhere.xls.*no such file"):
        sniff(tmp_path / "nowhere.xls")


# --------------------------------------------------------------------------- xlsx


def _offset_workbook(wb):
    ws = wb.active
    ws.title = "数据"
    ws["C5"] = "  连 云 港"
    ws["D6"] = 3
    ws["E6"] = "=D6*2"  # openpyxl stores no cached value
    ws["D7"] = 2.5
    ws["D8"] = True
    ws["D9"] = dt.date(2020, 1, 2)
    ws["F7"] = "534"
    ws.merge_cells("C5:E5")
    ws.merge_cells("B7:B9")
    wb.create_sheet("empty")


def test_xlsx_grid_is_anchored_at_a1(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(_xlsx_bytes(_offset_workbook))
    wb = open_workbook(path)
    assert wb.kind == "xlsx" and not wb.encrypted
    assert wb.file_name == "t.xlsx" and wb.path == str(path)
    assert wb.sheet_names == ("数据", "empty")
    s = wb.sheet("数据")
    assert s.kind == "xlsx"
    # C5 -> (4, 2): leading empty rows and columns kept, text not stripped
    assert s.cells[4][2] == "  连 云 港"
    assert all(v is None for row in s.cells[:4] for v in row)
    assert s.value(5, 3) == 3
    assert s.value(6, 3) == 2.5
    assert s.value(7, 3) is True
    assert s.value(8, 3) == dt.date(2020, 1, 2) or s.value(8, 3) == dt.datetime(2020, 1, 2)
    assert s.value(6, 5) == "534"  # text stays text
    assert set(s.merged) == {(4, 2, 4, 4), (6, 1, 8, 1)}
    assert s.formula_no_cache == frozenset({(5, 4)})  # E6
    assert s.value(5, 4) is None
    assert wb.sheet("empty").cells == []


def test_xlsx_formula_with_cached_value_is_not_flagged(tmp_path):
    # Hand-written sheet XML: E1 has a formula and a cached 6, E2 a formula and no <v>,
    # E3 a string formula with a cached empty string (legitimately empty).
    import zipfile

    src = tmp_path / "src.xlsx"
    src.write_bytes(_xlsx_bytes(lambda wb: wb.active.__setitem__("A1", 1)))
    sheet_xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>"
        '<row r="1"><c r="A1"><v>3</v></c><c r="E1"><f>A1*2</f><v>6</v></c></row>'
        '<row r="2"><c r="E2"><f>A1*3</f></c></row>'
        '<row r="3"><c r="E3" t="str"><f>""</f><v></v></c></row>'
        "</sheetData></worksheet>"
    )
    out = tmp_path / "formulas.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            zout.writestr(item, data)
    s = open_workbook(out).sheets[0]
    assert s.value(0, 4) == 6
    assert s.formula_no_cache == frozenset({(1, 4)})


def _patched_xlsx(tmp_path: Path, name: str, sheet_xml: str, workbook_patch=None) -> Path:
    """An openpyxl-made xlsx whose first sheet XML (and optionally workbook.xml) is replaced."""
    import zipfile

    src = tmp_path / f"src-{name}"
    src.write_bytes(_xlsx_bytes(lambda wb: wb.active.__setitem__("A1", 1)))
    out = tmp_path / name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            elif item.filename == "xl/workbook.xml" and workbook_patch:
                data = workbook_patch(data)
            zout.writestr(item, data)
    return out


NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_xlsx_error_values_are_kept_as_text(tmp_path):
    # calamine returns "" for an error cell; the grid must still show it (the ledger counts it)
    xml = (
        f'<worksheet xmlns="{NS}"><sheetData>'
        '<row r="1"><c r="A1"><v>0</v></c><c r="B1" t="e"><f>1/A1</f><v>#DIV/0!</v></c></row>'
        '<row r="2"><c r="B2" t="e"><v>#N/A</v></c></row>'
        "</sheetData></worksheet>"
    )
    s = open_workbook(_patched_xlsx(tmp_path, "err.xlsx", xml)).sheets[0]
    assert s.value(0, 1) == "#DIV/0!" and s.value(1, 1) == "#N/A"
    assert s.formula_no_cache == frozenset()  # an error is a cached value


def test_xlsx_full_calc_on_load_zero_is_no_value(tmp_path):
    # xlsxwriter caches 0 for every formula and asks Excel to recalculate on load
    xml = (
        f'<worksheet xmlns="{NS}"><sheetData>'
        '<row r="1"><c r="A1"><v>5</v></c><c r="B1"><f>A1*2</f><v>0</v></c>'
        '<c r="C1"><f>A1*3</f><v>15</v></c></row>'
        "</sheetData></worksheet>"
    )

    def no_full_calc(data: bytes) -> bytes:  # openpyxl itself writes fullCalcOnLoad="1"
        assert b'fullCalcOnLoad="1"' in data
        return data.replace(b'fullCalcOnLoad="1"', b"")

    plain = open_workbook(_patched_xlsx(tmp_path, "plain.xlsx", xml, no_full_calc)).sheets[0]
    assert plain.formula_no_cache == frozenset()
    s = open_workbook(_patched_xlsx(tmp_path, "fc.xlsx", xml)).sheets[0]
    assert s.formula_no_cache == frozenset({(0, 1)})


def test_xlsx_prefixed_namespace(tmp_path):
    xml = (
        f'<x:worksheet xmlns:x="{NS}"><x:sheetData>'
        '<x:row r="3"><x:c r="B3"><x:v>7</x:v></x:c><x:c r="C3"><x:f>B3*2</x:f></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    s = open_workbook(_patched_xlsx(tmp_path, "prefixed.xlsx", xml)).sheets[0]
    assert s.value(2, 1) == 7
    assert s.formula_no_cache == frozenset({(2, 2)})


def test_xlsx_cells_without_address_fall_back_to_openpyxl(tmp_path):
    # the r attribute of <c> is optional in OOXML; then positions come from openpyxl
    xml = (
        f'<worksheet xmlns="{NS}"><sheetData><row r="2">'
        "<c><v>3</v></c><c><f>A2*2</f></c><c><f>A2*3</f><v>9</v></c>"
        "</row></sheetData></worksheet>"
    )
    s = open_workbook(_patched_xlsx(tmp_path, "no-r.xlsx", xml)).sheets[0]
    assert s.cells[1] == [3.0, None, 9.0]
    assert s.formula_no_cache == frozenset({(1, 1)})  # B2


def test_chartsheet_and_pickle(tmp_path):
    import pickle

    import openpyxl
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"] = 1, 2
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=2))
    wb.create_chartsheet("Chart1").add_chart(chart)
    wb.create_sheet("after")["B2"] = "x"
    path = tmp_path / "chart.xlsx"
    wb.save(path)
    book = open_workbook(path)
    assert book.sheet_names == ("Sheet", "Chart1", "after")
    assert book.sheet("Chart1").cells == []
    assert book.sheet("after").value(1, 1) == "x"
    assert pickle.loads(pickle.dumps(book)) == book  # crosses process boundaries (jobs=N)


def test_formula_flags_on_the_right_sheet(tmp_path):
    def fill(wb):
        wb.active.title = "A"
        wb.active["A1"] = 1
        b = wb.create_sheet("B")
        b["C3"] = "=1+1"  # no cached value
        wb.create_sheet("C")["A1"] = 2

    path = tmp_path / "three.xlsx"
    path.write_bytes(_xlsx_bytes(fill))
    every = open_workbook(path)
    assert [s.formula_no_cache for s in every.sheets] == [
        frozenset(),
        frozenset({(2, 2)}),
        frozenset(),
    ]
    assert open_workbook(path, sheet="B").sheets[0].formula_no_cache == frozenset({(2, 2)})
    assert open_workbook(path, sheet="C").sheets[0].formula_no_cache == frozenset()


def test_sheet_selection_and_missing_sheet(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(_xlsx_bytes(_offset_workbook))
    wb = open_workbook(path, sheet="empty")
    assert wb.sheet_names == ("empty",)
    with pytest.raises(ReadError) as err:
        open_workbook(path, sheet="nope")
    assert err.value.file == "t.xlsx" and err.value.sheet == "nope"
    assert "数据" in str(err.value)  # the fix lists the sheets that exist


def test_corrupt_zip_and_ole2_raise_read_error(tmp_path):
    zip_junk = tmp_path / "broken.xlsx"
    zip_junk.write_bytes(b"PK\x03\x04" + b"garbage" * 50)
    with pytest.raises(ReadError, match=r"broken\.xlsx.*corrupt.*Fix"):
        open_workbook(zip_junk)
    ole_junk = tmp_path / "broken.xls"
    ole_junk.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ReadError, match=r"broken\.xls.*Fix"):
        open_workbook(ole_junk)
    with pytest.raises(ReadError, match="no such file"):
        open_workbook(tmp_path / "missing.xlsx")


# --------------------------------------------------------------------------- encrypted


def _encrypted_xlsx(tmp_path: Path, password: str, name: str) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(_xlsx_bytes(lambda wb: wb.active.__setitem__("B2", 534)))
    out = io.BytesIO()
    OOXMLFile(plain).encrypt(password, out)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def test_encrypted_xlsx_with_default_password(tmp_path):
    path = _encrypted_xlsx(tmp_path, DEFAULT_PASSWORD, "enc.xlsx")
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # an OLE2 container on disk
    wb = open_workbook(path)
    assert wb.encrypted and wb.kind == "xlsx"
    assert wb.sheets[0].value(1, 1) == 534


def test_encrypted_with_other_password_names_file_and_fix(tmp_path):
    path = _encrypted_xlsx(tmp_path, "secret", "locked.xlsx")
    with pytest.raises(ReadError) as err:
        open_workbook(path)
    text = str(err.value)
    assert err.value.file == "locked.xlsx"
    assert "password other than Excel's default" in text
    assert "without a password" in err.value.fix


# --------------------------------------------------------------------------- HTML

HTML = """


<!-- 以上这行设定本网页为excel格式的网页 -->
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"></head>
<body>
<table><tr><td>单位:%</td></tr></table>
<table>
<thead><tr><th rowspan="2">城市</th><th colspan="2">第一产业<br>Primary</th><td></td></tr>
<tr><th>全市</th><th>市辖区</th><td>&nbsp;</td></tr></thead>
<tbody>
<tr><td>&nbsp;&nbsp;连云港市</td><td>
   1.85 </td><td>0.50</td><td>x</td></tr>
<tr><td rowspan="9">江苏省</td><td colspan="3">NA</td></tr>
<tr><td>1</td><td>2</td><td>3</td></tr>
</tbody></table>
</body></html>
"""


@pytest.mark.parametrize("charset", ["utf-8", "gb2312"])
def test_html_as_xls_tables_and_spans(tmp_path, charset):
    path = tmp_path / "export.xls"
    path.write_bytes(HTML.format(charset=charset).encode("utf-8" if charset == "utf-8" else "gbk"))
    wb = open_workbook(path)
    assert wb.kind == "html" and not wb.encrypted
    assert wb.sheet_names == ("table0", "table1")
    assert wb.sheets[0].cells == [["单位:%"]]
    s = wb.sheet("table1")
    assert s.kind == "html"
    assert s.cells[0] == ["城市", "第一产业\nPrimary", None, None]
    assert s.cells[1] == [None, "全市", "市辖区", "\xa0"]
    # &nbsp; kept as U+00A0 (indentation the layout can see); source white space collapsed
    assert s.cells[2] == ["\xa0\xa0连云港市", "1.85", "0.50", "x"]
    assert s.cells[3] == ["江苏省", "NA", None, None]
    assert s.cells[4] == [None, "1", "2", "3"]
    # the rowspan of 9 is cut at the table's last row, as a browser does
    assert set(s.merged) == {(0, 0, 1, 0), (0, 1, 0, 2), (3, 0, 4, 0), (3, 1, 3, 3)}


def test_html_page_text_and_captions(tmp_path):
    # a CNKI export keeps the title in a <div> above the tables and the source below them
    path = tmp_path / "page.xls"
    path.write_text(
        "<html><head><title>Excel档案呈现方式</title><style>td{height:1px}</style></head><body>"
        '<div id="tti">中国2014年地级以上城市年末金融机构存贷款余额统计(二)</div>'
        "<div></div><div><table><tr><td>单位:万元</td></tr></table>"
        "<p>第二部分<br>Part 2</p>"
        "<table><caption>表 1</caption><tr><td>1</td></tr></table>"
        "<table><tr><td>2</td></tr></table></div>"
        "<div>摘编自《中国城市统计年鉴2015》</div></body></html>",
        encoding="utf-8",
    )
    wb = open_workbook(path)
    assert wb.page_text == (
        "中国2014年地级以上城市年末金融机构存贷款余额统计(二)",
        "第二部分",
        "Part 2",
        "摘编自《中国城市统计年鉴2015》",
    )
    assert [s.caption for s in wb.sheets] == [
        ("中国2014年地级以上城市年末金融机构存贷款余额统计(二)",),
        ("第二部分", "Part 2", "表 1"),
        (),
    ]
    assert wb.sheets[1].cells == [["1"]]  # the caption is not a row of the grid
    assert open_workbook(path, sheet="table1").sheets[0].caption == ("第二部分", "Part 2", "表 1")


def test_nested_table_text_stays_in_its_own_sheet(tmp_path):
    path = tmp_path / "nested.xls"
    path.write_text(
        "<table><tr><td>外框</td><td>before<table><tr><td>534</td><td>223</td></tr></table>"
        "after</td></tr></table>",
        encoding="utf-8",
    )
    wb = open_workbook(path)
    assert wb.sheet_names == ("table0", "table1")
    assert wb.sheets[0].cells == [["外框", "before\nafter"]]
    assert wb.sheets[1].cells == [["534", "223"]]


def test_real_html_page_title():
    wb = open_workbook(real("ccsy-cnki/deposits-loans-2014-html.xls"))
    # read in the page source: <div id="tti"> above the tables, the source line below
    assert wb.page_text == (
        "中国2014年地级以上城市年末金融机构存贷款余额统计(二)",
        "摘编自《中国城市统计年鉴2015》",
    )
    assert wb.sheets[0].caption == ("中国2014年地级以上城市年末金融机构存贷款余额统计(二)",)


def test_html_single_sheet_and_errors(tmp_path):
    path = tmp_path / "export.xls"
    path.write_bytes(HTML.format(charset="utf-8").encode())
    assert open_workbook(path, sheet="table1").sheet_names == ("table1",)
    with pytest.raises(ReadError, match="table0, 'table1'|'table0'"):
        open_workbook(path, sheet="Sheet1")
    bare = tmp_path / "bare.xls"
    bare.write_text("<html><body><p>nothing</p></body></html>", encoding="utf-8")
    with pytest.raises(ReadError, match=r"bare\.xls.*no <table>"):
        open_workbook(bare)


# --------------------------------------------------------------------------- CSV


def test_gbk_csv_saved_as_xls(tmp_path):
    text = '"城市","第二产业_市辖区"\r\n"连云港市",53.25\r\n"江苏省",NA\r\n"a, b",\r\n'
    path = tmp_path / "gbk.xls"
    path.write_bytes(text.encode("gbk"))
    wb = open_workbook(path)
    assert wb.kind == "csv" and wb.sheet_names == ("csv",)
    assert wb.sheets[0].cells == [
        ["城市", "第二产业_市辖区"],
        ["连云港市", "53.25"],
        ["江苏省", "NA"],
        ["a, b", None],
    ]


def test_utf8_bom_and_tab_csv(tmp_path):
    path = tmp_path / "tab.xls"
    path.write_bytes("\ufeff年份\t全市\n2020\t534\n2021\t\n".encode())
    cells = open_workbook(path).sheets[0].cells
    assert cells == [["年份", "全市"], ["2020", "534"], ["2021", None]]
    with pytest.raises(ReadError):
        open_workbook(path, sheet="Sheet1")


def test_utf16_tab_text_and_semicolon_csv(tmp_path):
    # Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated
    u16 = tmp_path / "unicode.xls"
    u16.write_bytes("城市\t全市\r\n连云港市\t534\r\n".encode("utf-16"))
    assert sniff(u16) == "csv"
    assert open_workbook(u16).sheets[0].cells == [["城市", "全市"], ["连云港市", "534"]]
    semi = tmp_path / "semi.csv"
    semi.write_text("a;b\n1,5;2\n", encoding="utf-8")
    assert open_workbook(semi).sheets[0].cells == [["a", "b"], ["1,5", "2"]]


def test_html_block_elements_and_comments_in_cells(tmp_path):
    path = tmp_path / "blocks.xls"
    path.write_text(
        "<table><tr><td><p>能源</p><p>Energy</p></td><td><span>1</span>.<b>5</b></td>"
        "<td><!-- note -->z</td><td>a<br/>b</td></tr></table>",
        encoding="utf-8",
    )
    assert open_workbook(path).sheets[0].cells == [["能源\nEnergy", "1.5", "z", "a\nb"]]


SPREADSHEET_ML = """<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="2-1">
  <Table>
   <Row ss:Index="2">
    <Cell ss:Index="2" ss:MergeAcross="1"><Data ss:Type="String">年末户籍人口</Data></Cell>
    <Cell ss:MergeDown="1"><Data ss:Type="String">备注</Data></Cell>
   </Row>
   <Row>
    <Cell ss:Index="2"><Data ss:Type="String">全市</Data></Cell>
    <Cell><Data ss:Type="String">市辖区</Data></Cell>
   </Row>
   <Row>
    <Cell><Data ss:Type="String">  连云港市</Data></Cell>
    <Cell><Data ss:Type="Number">534</Data></Cell>
    <Cell><Data ss:Type="String">223</Data></Cell>
    <Cell ss:Formula="=RC[-2]-RC[-1]"/>
    <Cell><Data ss:Type="Boolean">1</Data></Cell>
    <Cell><Data ss:Type="DateTime">2020-01-02T00:00:00.000</Data></Cell>
   </Row>
  </Table>
 </Worksheet>
 <Worksheet ss:Name="empty"><Table/></Worksheet>
</Workbook>
"""


def test_excel_2003_xml_saved_as_xls(tmp_path):
    path = tmp_path / "xml2003.xls"
    path.write_text(SPREADSHEET_ML, encoding="utf-8")
    assert sniff(path) == "xml"
    wb = open_workbook(path)
    assert wb.kind == "xml" and wb.sheet_names == ("2-1", "empty")
    s = wb.sheet("2-1")
    # ss:Index is 1-based; B2:C2 merged across, D2:D3 merged down (row 3 skips column D)
    assert s.value(1, 1) == "年末户籍人口" and s.value(1, 3) == "备注"
    assert s.value(2, 1) == "全市" and s.value(2, 2) == "市辖区" and s.value(2, 3) is None
    assert s.cells[3][:3] == ["  连云港市", 534.0, "223"]
    assert s.value(3, 4) is True and s.value(3, 5) == dt.datetime(2020, 1, 2)
    assert s.formula_no_cache == frozenset({(3, 3)})
    assert set(s.merged) == {(1, 1, 1, 2), (1, 3, 2, 3)}
    assert wb.sheet("empty").cells == []
    assert open_workbook(path, sheet="empty").sheet_names == ("empty",)


def test_excel_html_is_not_spreadsheet_ml(tmp_path):
    # Excel's "web page" export names office:excel, not office:spreadsheet: still HTML
    path = tmp_path / "web.xls"
    path.write_text(
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body>'
        "<table><tr><td>1</td></tr></table></body></html>",
        encoding="utf-8",
    )
    assert sniff(path) == "html" and open_workbook(path).sheets[0].cells == [["1"]]


def test_sheet_value_outside_grid():
    s = Sheet("S", [["a"], [None, 2.0]])
    assert s.value(1, 1) == 2.0
    assert s.value(0, 1) is None and s.value(5, 0) is None and s.value(-1, 0) is None
    assert (s.n_rows, s.n_cols) == (2, 2)


# --------------------------------------------------------------------------- real files

REAL_KINDS = {
    "ccsy-cnki/2-1-population-encrypted.xls": ("xls", True, ("1-7", "CNKI")),
    "ccsy-cnki/city-counts-2014-html.xls": ("html", False, ("table0",)),
    "ccsy-cnki/deposits-loans-2014-html.xls": ("html", False, ("table0", "table1")),
    "ccsy-cnki/employment-by-industry-2014.xls": (
        "xls",
        False,
        ("中国2014年地级以上城市按产业划分的年末单位从业人员统计(二",),
    ),
    "ccsy-cnki/employment-share-2014-gbk-csv.xls": ("csv", False, ("csv",)),
    "ccsy-cnki/employment-share-2014-html.xls": ("html", False, ("table0", "table1")),
    "cesy-2008/4-1-energy-balance-standard.xls": ("xls", False, ("Sheet1",)),
    "cesy-2008/4-2-energy-balance-physical.xls": ("xls", False, ("Sheet1",)),
    "cesy-2008/appendix-4-coal-equivalent-factors-en.xls": ("xls", False, ("01",)),
    "cesy-2008/appendix-4-coal-equivalent-factors-zh.xls": ("xls", False, ("fu04",)),
    "nbs-exports/guangzhou-indicators.xls": ("xls", False, ("主要城市年度数据",)),
    "nbs-exports/national-energy-balance.xls": ("xls", False, ("年度数据",)),
    "nbs-exports/shenzhen-indicators.xls": ("xls", False, ("主要城市年度数据",)),
    "panels/ceads-city-co2-1997-2019.xlsx": (
        "xlsx",
        False,
        ("NOTE", "emission vector", "emission matrix"),
    ),
    "panels/city-panel-2004-2012.xlsx": ("xlsx", False, ("new",)),
}


@pytest.mark.parametrize("rel", sorted(REAL_KINDS))
def test_real_file_opens_with_right_kind(rel):
    kind, encrypted, names = REAL_KINDS[rel]
    wb = open_workbook(real(rel))
    assert (wb.kind, wb.encrypted, wb.sheet_names) == (kind, encrypted, names)
    assert sniff(real(rel)) == ("xls" if encrypted else kind)


def test_real_encrypted_ccsy_cells():
    s = open_workbook(real("ccsy-cnki/2-1-population-encrypted.xls"), sheet="1-7").sheets[0]
    # SOURCES.md: 连云港市 is row 93 of sheet 1-7; numbers stored as text
    assert s.value(92, 0) == "  连云港市"
    assert (s.value(92, 2), s.value(92, 3)) == ("534", "223")
    assert (s.value(92, 4), s.value(92, 5)) == ("532", "222")
    assert (s.value(92, 6), s.value(92, 7)) == ("8.75", "8.82")
    assert s.value(2, 0) == "2-1 人口状况"
    assert "\r\n" in s.value(4, 2)  # bilingual header cell kept as stored


def _xlrd_book(path: Path):
    import xlrd

    data = path.read_bytes()
    try:
        return xlrd.open_workbook(file_contents=data, formatting_info=True)
    except xlrd.biffh.XLRDError:  # encrypted: decrypt for the independent reader
        import msoffcrypto

        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=DEFAULT_PASSWORD)
        out = io.BytesIO()
        office.decrypt(out)
        return xlrd.open_workbook(file_contents=out.getvalue(), formatting_info=True)


XLS_FILES = [k for k, v in REAL_KINDS.items() if v[0] == "xls"]


@pytest.mark.parametrize("rel", sorted(XLS_FILES))
def test_real_xls_grid_matches_xlrd(rel):
    import xlrd

    path = real(rel)
    book = _xlrd_book(path)
    wb = open_workbook(path)
    assert wb.sheet_names == tuple(book.sheet_names())
    for s in wb.sheets:
        xs = book.sheet_by_name(s.name)
        for r in range(max(xs.nrows, s.n_rows)):
            for c in range(max(xs.ncols, s.n_cols)):
                ours = s.value(r, c)
                if r >= xs.nrows or c >= xs.ncols:
                    assert ours is None, (s.name, a1(r, c))
                    continue
                cell = xs.cell(r, c)
                where = (s.name, a1(r, c))
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    assert ours is None, where
                elif cell.ctype == xlrd.XL_CELL_TEXT:
                    assert ours == (cell.value or None), where
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    assert ours == pytest.approx(cell.value, rel=1e-12), where
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    assert ours is bool(cell.value), where
        theirs = {(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in xs.merged_cells}
        assert set(s.merged) == theirs, s.name


@pytest.mark.parametrize(
    "rel", ["panels/ceads-city-co2-1997-2019.xlsx", "panels/city-panel-2004-2012.xlsx"]
)
def test_real_xlsx_grid_matches_openpyxl(rel):
    import openpyxl

    path = real(rel)
    ref = openpyxl.load_workbook(path, data_only=True)
    wb = open_workbook(path)
    assert wb.sheet_names == tuple(ref.sheetnames)
    for s in wb.sheets:
        ws = ref[s.name]
        for row in ws.iter_rows():
            for cell in row:
                ours = s.value(cell.row - 1, cell.column - 1)
                want = cell.value
                where = (s.name, cell.coordinate)
                if want is None or want == "":
                    assert ours is None, where
                elif isinstance(want, (int, float)) and not isinstance(want, bool):
                    assert ours == pytest.approx(want, rel=1e-12), where
                elif isinstance(want, dt.datetime | dt.date):
                    assert ours in (want, want.date() if isinstance(want, dt.datetime) else want), (
                        where
                    )
                else:
                    assert ours == want, where
        theirs = {
            (m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
            for m in ws.merged_cells.ranges
        }
        assert set(s.merged) == theirs, s.name
        assert s.formula_no_cache == frozenset()


def test_real_hand_read_cells():
    # expected-cells.csv, addresses absolute in the original sheets
    s = open_workbook(real("panels/ceads-city-co2-1997-2019.xlsx"), sheet="emission matrix")
    assert s.sheets[0].value(160, 5) == pytest.approx(5.301014252779371)
    p = open_workbook(real("panels/city-panel-2004-2012.xlsx")).sheets[0]
    assert p.value(821, 15) == pytest.approx(41.2)
    assert p.value(814, 2) == pytest.approx(4163600)
    n = open_workbook(real("nbs-exports/national-energy-balance.xls")).sheets[0]
    assert n.value(3, 1) == pytest.approx(533841)
    e = open_workbook(real("ccsy-cnki/employment-by-industry-2014.xls")).sheets[0]
    assert e.value(40, 1) == pytest.approx(8900) and e.value(40, 4) == pytest.approx(181308)


def _row_with(sheet: Sheet, text: str) -> list:
    rows = [row for row in sheet.cells if row and isinstance(row[0], str) and text in row[0]]
    assert len(rows) == 1, f"{text} found {len(rows)} times"
    return rows[0]


def test_real_html_cells():
    wb = open_workbook(real("ccsy-cnki/employment-share-2014-html.xls"))
    assert wb.sheets[0].cells == [["单位:%"]]
    t = wb.sheet("table1")
    assert t.cells[0][:3] == ["城市", "第一产业从业人员比重", None]
    assert (0, 0, 1, 0) in t.merged and (0, 1, 0, 2) in t.merged
    row = _row_with(t, "连云港")
    assert row[0] == "\xa0\xa0连云港市"
    assert row[1] == "1.85" and row[6] == "45.01"
    d = open_workbook(real("ccsy-cnki/deposits-loans-2014-html.xls")).sheet("table1")
    assert "18526663" in _row_with(d, "连云港")


def test_real_gbk_csv_cells():
    s = open_workbook(real("ccsy-cnki/employment-share-2014-gbk-csv.xls")).sheets[0]
    assert s.cells[0][0] == "城市" and s.cells[0][4] == "第二产业从业人员比重_市辖区"
    assert _row_with(s, "连云港")[4] == "53.25"


# --------------------------------------------------------------------------- HTML vs pandas


def _filled(sheet: Sheet) -> list[list[str]]:
    """The grid with every merged span filled with its anchor's text (as pandas shows it)."""
    width = sheet.n_cols
    grid = [[(v or "") for v in row] + [""] * (width - len(row)) for row in sheet.cells]
    for r0, c0, r1, c1 in sheet.merged:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if r < len(grid):
                    grid[r][c] = grid[r0][c0]
    return [[" ".join(str(v).split()) for v in row] for row in grid]


def _pandas_tables(path: Path) -> list[list[list[str]]]:
    import pandas as pd

    frames = pd.read_html(
        path, flavor="lxml", header=None, keep_default_na=False, thousands=None, encoding="utf-8"
    )
    return [
        [[" ".join(str(v).split()) for v in row] for row in df.astype(str).values.tolist()]
        for df in frames
    ]


@pytest.mark.parametrize(
    "rel",
    [
        "ccsy-cnki/city-counts-2014-html.xls",
        "ccsy-cnki/deposits-loans-2014-html.xls",
        "ccsy-cnki/employment-share-2014-html.xls",
    ],
)
def test_real_html_spans_match_pandas(rel):
    path = real(rel)
    ours = [_filled(s) for s in open_workbook(path).sheets]
    assert ours == _pandas_tables(path)


@st.composite
def _span_grids(draw):
    """A grid tiled by rectangles (the merged cells), drawn in row-major order."""
    height, width = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    owner = [[None] * width for _ in range(height)]
    rects = []
    for r in range(height):
        for c in range(width):
            if owner[r][c] is not None:
                continue
            free_right = 0
            while c + free_right < width and owner[r][c + free_right] is None:
                free_right += 1
            cs = draw(st.integers(1, min(3, free_right)))
            rs = draw(st.integers(1, min(3, height - r)))
            while any(
                owner[rr][cc] is not None for rr in range(r, r + rs) for cc in range(c, c + cs)
            ):
                rs -= 1
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    owner[rr][cc] = len(rects)
            rects.append((r, c, r + rs - 1, c + cs - 1))
    return height, width, rects


@settings(max_examples=80, deadline=None)
@given(spec=_span_grids(), empty_rows=st.integers(0, 2))
def test_html_spans_property(tmp_path_factory, spec, empty_rows):
    height, width, rects = spec
    rows_html = []
    for r in range(height):
        tds = [
            f'<td rowspan="{r1 - r0 + 1}" colspan="{c1 - c0 + 1}">R{r0}C{c0}</td>'
            for r0, c0, r1, c1 in sorted(rects, key=lambda x: x[1])
            if r0 == r
        ]
        rows_html.append("<tr>" + "".join(tds) + "</tr>")
    html = "<html><body><table><tbody>" + "".join(rows_html) + "</tbody></table></body></html>"
    path = tmp_path_factory.mktemp("h") / "t.xls"
    path.write_text("\n" * empty_rows + html, encoding="utf-8")
    (sheet,) = open_workbook(path).sheets
    expected = [[None] * width for _ in range(height)]
    for r0, c0, *_ in rects:
        expected[r0][c0] = f"R{r0}C{c0}"
    while expected and all(v is None for v in expected[-1]):
        expected.pop()
    got = [row + [None] * (width - len(row)) for row in sheet.cells]
    assert got == expected
    assert set(sheet.merged) == {q for q in rects if q[0] != q[2] or q[1] != q[3]}
