"""The fast paths of the open path (greenstats.io.containers) give what the plain ways give.

Each fast path is checked against an independent reader or definition: zipfile's own
``read`` for the inflated sheet XML, olefile for the BIFF workbook stream, the plain substring
test for the ``f>`` probe, the BIFF8 record layout (Microsoft's [MS-XLS]) for the error
records, and the cells written here with openpyxl or xlwt for what a workbook holds.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import greenstats
from greenstats.errors import ReadError
from greenstats.io import containers as C

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "fixtures"
REAL = ROOT.parent / "shared" / "real-data"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

REAL_XLS = (
    "ccsy-cnki/employment-by-industry-2014.xls",  # its Workbook stream is fragmented
    "cesy-2008/4-1-energy-balance-standard.xls",
    "cesy-2008/appendix-4-coal-equivalent-factors-en.xls",
    "nbs-exports/guangzhou-indicators.xls",
    "nbs-exports/national-energy-balance.xls",
)
REAL_XLSX = ("panels/ceads-city-co2-1997-2019.xlsx", "panels/city-panel-2004-2012.xlsx")


def real(rel: str) -> Path:
    path = REAL / rel
    if not path.is_file():
        pytest.skip(f"real file {rel} is absent from {REAL}")
    return path


# --------------------------------------------------------------------------- the f> probe


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([b"f", b">", b"<", b"/", b":", b"x", b'"', b"f" * 70, b"</f>"]),
        max_size=40,
    )
)
def test_has_f_gt_is_the_substring_test(pieces):
    xml = b"".join(pieces)
    assert C._has_f_gt(xml) == (b"f>" in xml)


def test_has_f_gt_past_the_probes():
    many = b"f" * (C._F_PROBES + 10)
    assert C._has_f_gt(many + b"f>")  # found by the regex after the probes
    assert C._has_f_gt(b"x" * 5000 + b"</f>" + many)  # found by a probe
    assert not C._has_f_gt(many + b" > f")
    assert not C._has_f_gt(b"")


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        (f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1"><f>1+1</f><v>2</v>', True),
        # shared formula: the master has </f>, the children an empty <f .../>
        (
            '<worksheet><c r="A1"><f t="shared" ref="A1:A2" si="0">B1</f><v>1</v></c>'
            '<c r="A2"><f t="shared" si="0"/><v>2</v></c>',
            True,
        ),
        (f'<x:worksheet xmlns:x="{NS}"><x:c r="A1"><x:f>1</x:f></x:c>', True),
        # no formula, but inline text full of "f" (more than the probes)
        (
            '<worksheet><sheetFormatPr defaultRowHeight="15"/><c r="A1" t="inlineStr"><is><t>'
            + "off " * 100
            + "</t></is></c>",
            False,
        ),
        ('<worksheet><dimension ref="A1:B2"/><c r="A1"><v>1</v></c>', False),
    ],
)
def test_may_hold_formula_cases(xml, expected):
    assert C._may_hold_formula(xml.encode()) is expected


def _patched_xlsx(tmp_path: Path, name: str, sheet_xml: str) -> Path:
    """An openpyxl-made xlsx whose first sheet's XML is replaced."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    src = io.BytesIO()
    wb.save(src)
    out = tmp_path / name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            zout.writestr(item, data)
    return out


def test_formula_after_many_f_bytes_is_flagged(tmp_path):
    # the formula in C1 comes after more "f" bytes than the probes look at
    text = "f" * (3 * C._F_PROBES)
    xml = (
        f'<worksheet xmlns="{NS}"><sheetData><row r="1">'
        f'<c r="A1" t="inlineStr"><is><t>{text}</t></is></c><c r="B1"><v>4</v></c>'
        '<c r="C1"><f>B1*2</f></c></row></sheetData></worksheet>'
    )
    sheet = C.open_workbook(_patched_xlsx(tmp_path, "f.xlsx", xml)).sheets[0]
    assert sheet.value(0, 0) == text
    assert sheet.formula_no_cache == frozenset({(0, 2)})  # C1: a formula without a value


# --------------------------------------------------------------------------- error cells


def test_xlsx_error_value_must_open_with_hash(tmp_path):
    # what lets a sheet without "#" skip the error scan: calamine refuses any other value
    bad = (
        f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c>'
        '<c r="B1" t="e"><v>oops</v></c></row></sheetData></worksheet>'
    )
    with pytest.raises(ReadError, match="corrupt"):
        C.open_workbook(_patched_xlsx(tmp_path, "bad.xlsx", bad))
    good = (
        f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c>'
        '<c r="B1" t="e"><v>#N/A</v></c><c r="C1" t="e"/></row></sheetData></worksheet>'
    )
    sheet = C.open_workbook(_patched_xlsx(tmp_path, "good.xlsx", good)).sheets[0]
    # C1, an error cell without a value, stays empty
    assert [sheet.value(0, c) for c in range(4)] == [1.0, "#N/A", None, None]
    assert C._may_hold_error(b'<c r="B1" t="e"><v>#N/A</v></c>')
    assert not C._may_hold_error(b'<c r="B1" t="e"/><c r="C1" t="e"><v></v></c>')


def test_xlsx_error_value_as_character_reference(tmp_path):
    # "&#35;" is XML for "#": the cell holds #DIV/0!
    xml = (
        f'<worksheet xmlns="{NS}"><sheetData><row r="2">'
        '<c r="A2"><v>0</v></c><c r="B2" t="e"><v>&#35;DIV/0!</v></c></row>'
        "</sheetData></worksheet>"
    )
    sheet = C.open_workbook(_patched_xlsx(tmp_path, "ref.xlsx", xml)).sheets[0]
    assert sheet.value(1, 1) == "#DIV/0!"


# --------------------------------------------------------------------------- zip members


def _sheet_members(path: Path) -> list[tuple[zipfile.ZipFile, str]]:
    zf = zipfile.ZipFile(path)
    return [(zf, m) for m in zf.namelist() if m.endswith(".xml") or m.endswith(".rels")]


def test_member_is_zipfile_read_on_fixtures():
    paths = sorted(FIXTURES.glob("*.xlsx"))
    assert len(paths) >= 20
    n = 0
    for p in paths:
        if not zipfile.is_zipfile(p):
            continue  # e1_broken.xlsx
        for zf, m in _sheet_members(p):
            assert C._member(zf, m) == zf.read(m), (p.name, m)
            n += 1
    assert n > 100


@pytest.mark.parametrize("rel", REAL_XLSX)
def test_member_is_zipfile_read_on_panels(rel):
    for zf, m in _sheet_members(real(rel)):
        if m.startswith("xl/worksheets/"):
            assert C._member(zf, m) == zf.read(m), m


class _Unseekable(io.RawIOBase):
    """A write-only stream without seek: zipfile then writes data descriptors."""

    def __init__(self) -> None:
        self.buf = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        return self.buf.write(b)


def test_member_stored_and_data_descriptor():
    text = b"<row><c><v>1</v></c></row>" * 500
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w", zipfile.ZIP_STORED) as out:
        out.writestr("xl/worksheets/sheet1.xml", text)
    zf = zipfile.ZipFile(plain)
    assert C._member(zf, "xl/worksheets/sheet1.xml") == text
    raw = _Unseekable()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as out:
        with out.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(text)
    zf = zipfile.ZipFile(io.BytesIO(raw.buf.getvalue()))
    assert zf.getinfo("xl/worksheets/sheet1.xml").flag_bits & 0x08  # a data descriptor
    assert C._member(zf, "xl/worksheets/sheet1.xml") == text


def test_member_damaged_stream_fails_as_zipfile_does():
    text = b"<c>" * 2000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("s.xml", text)
    data = bytearray(buf.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("s.xml")
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    data[start] = 0x07  # BFINAL=1, BTYPE=11: a reserved block type, so no valid deflate
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    with pytest.raises(zlib.error) as plain:
        zf.read("s.xml")
    with pytest.raises(zlib.error) as fast:
        C._member(zf, "s.xml")
    assert str(fast.value) == str(plain.value)


# --------------------------------------------------------------------------- BIFF stream


def _olefile_stream(data: bytes) -> bytes:
    import olefile

    ole = olefile.OleFileIO(data)
    try:
        name = "Workbook" if ole.exists("Workbook") else "Book"
        return ole.openstream(name).read()
    finally:
        ole.close()


def _stream_bytes(data: bytes) -> bytes:
    got = C._biff_stream(data)
    assert got is not None
    buf, start, end = got
    return bytes(buf[start:end])


@pytest.mark.parametrize("rel", REAL_XLS)
def test_biff_stream_is_olefile_stream(rel):
    data = real(rel).read_bytes()
    assert _stream_bytes(data) == _olefile_stream(data)


_BOOLERR = re.compile(rb"\x05\x02\x08\x00[\s\S]{7}\x01")  # [MS-XLS] 2.4.24 with fError=1


def _book(rows: int) -> bytes:
    """A BIFF8 workbook: a header row, ``rows`` rows of numbers, then one #DIV/0! cell."""
    xlwt = pytest.importorskip("xlwt", reason="xlwt (test extra) writes the BIFF workbooks")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("用水")
    for c, v in enumerate(["指标", 2020, 2021]):
        ws.write(0, c, v)
    for r in range(1, rows + 1):
        ws.write(r, 0, f"项目{r}")
        ws.write(r, 1, r + 0.5)
        ws.write(r, 2, r + 0.25)
    ws.write(rows + 1, 0, "用水效率(%)")
    ws.row(rows + 1).set_cell_error(1, "#DIV/0!")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _fragmented(data: bytes, index: int) -> bytes:
    """The OLE2 file with sector number ``index`` of the Workbook stream's chain moved to a
    new sector at the end of the file (its old place zeroed): the stream is no longer
    contiguous in the file. Header fields per [MS-CFB] 2.2 (sector shift at 0x1E, FAT sector
    count at 0x2C, the first 109 FAT sector numbers at 0x4C)."""
    import olefile

    buf = bytearray(data)
    sec = 1 << struct.unpack_from("<H", buf, 0x1E)[0]
    n_fat = struct.unpack_from("<I", buf, 0x2C)[0]
    fat_secs = struct.unpack_from(f"<{n_fat}I", buf, 0x4C)
    per = sec // 4
    fat: list[int] = []
    for fs in fat_secs:
        fat.extend(struct.unpack_from(f"<{per}I", buf, (fs + 1) * sec))
    ole = olefile.OleFileIO(data)
    chain = [ole.direntries[ole._find("Workbook")].isectStart]
    ole.close()
    while fat[chain[-1]] < 0xFFFFFFFA:
        chain.append(fat[chain[-1]])
    moved, prev = chain[index], chain[index - 1]
    new = (len(buf) - sec) // sec
    assert new < len(fat) and fat[new] == 0xFFFFFFFF  # a free FAT entry for the new sector
    fat[new], fat[prev], fat[moved] = fat[moved], new, 0xFFFFFFFF
    off = (moved + 1) * sec
    buf += buf[off : off + sec]
    buf[off : off + sec] = bytes(sec)
    for i, fs in enumerate(fat_secs):
        struct.pack_into(f"<{per}I", buf, (fs + 1) * sec, *fat[i * per : (i + 1) * per])
    return bytes(buf)


def _split_book() -> tuple[bytes, int, int]:
    """A workbook whose BOOLERR record straddles a 512-byte sector boundary of its stream
    (big enough to live in regular sectors, not the mini stream): (bytes, row, sector)."""
    for rows in range(150, 260):
        data = _book(rows)
        stream = _olefile_stream(data)
        at = _BOOLERR.search(stream).start()
        if len(stream) >= 4096 and at // 512 != (at + 11) // 512:
            return data, rows + 1, (at + 11) // 512
    raise AssertionError("no layout puts the record across a sector boundary")


def test_biff_stream_small_workbook():
    data = _book(2)
    assert _stream_bytes(data) == _olefile_stream(data)
    assert C._xls_cell_extras(data, ["用水"]) == {"用水": (set(), {(3, 1): "#DIV/0!"})}


def test_error_record_split_across_sectors_is_found(tmp_path):
    data, row, sector = _split_book()
    split = _fragmented(data, sector)
    # the crafted file holds the same stream, and its record no longer sits whole in the file
    assert _olefile_stream(split) == _olefile_stream(data)
    assert _BOOLERR.search(data) is not None and _BOOLERR.search(split) is None
    assert _stream_bytes(split) == _olefile_stream(data)
    assert C._xls_cell_extras(split, ["用水"]) == {"用水": (set(), {(row, 1): "#DIV/0!"})}
    path = tmp_path / "split.xls"
    path.write_bytes(split)
    ledger = greenstats.cell_ledger(path).set_index("source_cell")
    assert ledger.loc[f"B{row + 1}", "raw"] == "#DIV/0!"
    assert ledger.loc[f"A{row + 1}", "raw"] == "用水效率(%)"


def test_biff_stream_falls_back_to_olefile(monkeypatch):
    from xlrd import compdoc

    data, _row, sector = _split_book()
    split = _fragmented(data, sector)

    def refuse(*args, **kwargs):
        raise compdoc.CompDocError("refused for the test")

    monkeypatch.setattr(compdoc, "CompDoc", refuse)
    assert _stream_bytes(split) == _olefile_stream(data)
    assert C._biff_stream(b"neither OLE2 nor anything") is None


def _record(rtype: int, body: bytes) -> bytes:
    return struct.pack("<HH", rtype, len(body)) + body


@pytest.mark.parametrize(
    ("record", "maybe_error"),
    [
        # BOOLERR [MS-XLS] 2.4.24: row, col, ixfe, then bBoolErr and fError
        (_record(0x0205, struct.pack("<HHHBB", 4, 2, 15, 0x07, 1)), True),  # #DIV/0!
        (_record(0x0205, struct.pack("<HHHBB", 4, 2, 15, 1, 0)), False),  # TRUE
        # FORMULA 2.4.127: row, col, ixfe, FormulaValue (8 bytes), flags, chn, formula
        (
            _record(
                0x0006,
                struct.pack("<HHH", 1, 1, 15)
                + bytes([2, 0, 0x2A, 0, 0, 0])
                + b"\xff\xff"
                + bytes(6)
                + b"\x00\x00",
            ),
            True,
        ),  # cached #N/A
        (_record(0x0006, struct.pack("<HHHd", 1, 1, 15, 1.5) + bytes(6) + b"\x00\x00"), False),
        (
            _record(
                0x0006,
                struct.pack("<HHH", 1, 1, 15)
                + bytes([1, 0, 1, 0, 0, 0])
                + b"\xff\xff"
                + bytes(6)
                + b"\x00\x00",
            ),
            False,
        ),  # cached TRUE
    ],
)
def test_biff_error_patterns_follow_the_record_layout(record, maybe_error):
    padded = b"\x00" * 37 + record + b"\x00" * 5
    assert any(p.search(padded) for p in C._BIFF_ERRORS) is maybe_error


# ------------------------------------------------- sheets an Excel workbook needs no scan of


def _as_saved_by(path: Path, app: str, *, full_calc: bool = False) -> Path:
    """``path`` with ``docProps/app.xml`` naming ``app`` as the writer, and the workbook's
    ``fullCalcOnLoad`` flag (openpyxl sets it) kept only when ``full_calc``."""
    out = path.with_name(f"{path.stem}-{app.split()[-1].lower()}-{int(full_calc)}.xlsx")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/app.xml":
                data = re.sub(
                    rb"<Application>[^<]*</Application>",
                    f"<Application>{app}</Application>".encode(),
                    data,
                )
            if item.filename == "xl/workbook.xml" and not full_calc:
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            zout.writestr(item, data)
    return out


def _scanned(monkeypatch, path: Path) -> tuple[list[str], C.Sheet]:
    """The worksheet parts the formula and error scan inflates while ``path`` is opened."""
    seen: list[str] = []
    member = C._member

    def spy(zf, name):
        seen.append(name)
        return member(zf, name)

    monkeypatch.setattr(C, "_member", spy)
    return seen, C.open_workbook(path).sheets[0]


FULL = (
    f'<worksheet xmlns="{NS}"><sheetData>'
    '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>'
    '<row r="2"><c r="A2"><v>3</v></c><c r="B2"><v>4</v></c></row>'
    "{extra}</sheetData></worksheet>"
)


def test_complete_sheet_of_an_excel_workbook_is_not_scanned(tmp_path, monkeypatch):
    base = _patched_xlsx(tmp_path, "full.xlsx", FULL.format(extra=""))
    seen, s = _scanned(monkeypatch, _as_saved_by(base, "Microsoft Excel"))
    assert seen == [] and s.cells == [[1.0, 2.0], [3.0, 4.0]]
    # the same sheet asking for a full recalculation, or written by openpyxl: scanned
    seen, _ = _scanned(monkeypatch, _as_saved_by(base, "Microsoft Excel", full_calc=True))
    assert seen == ["xl/worksheets/sheet1.xml"]
    openpyxl_app = "Microsoft Excel Compatible / Openpyxl 3.1.5"
    seen, _ = _scanned(monkeypatch, _as_saved_by(base, openpyxl_app))
    assert seen == ["xl/worksheets/sheet1.xml"]


def test_excel_sheet_with_an_empty_cell_is_scanned(tmp_path, monkeypatch):
    """An error value is an empty cell in calamine's grid: such a sheet is scanned, and the
    error is read, in an Excel workbook too."""
    xml = FULL.format(
        extra='<row r="3"><c r="A3" t="e"><v>#N/A</v></c><c r="B3"><v>5</v></c></row>'
    )
    path = _as_saved_by(_patched_xlsx(tmp_path, "err.xlsx", xml), "Microsoft Excel")
    seen, s = _scanned(monkeypatch, path)
    assert seen == ["xl/worksheets/sheet1.xml"] and s.value(2, 0) == "#N/A"


def test_value_less_formula_past_the_grid_found_unless_excel_wrote_it(tmp_path, monkeypatch):
    """A formula without a value in a row of its own lies outside calamine's grid, which is
    then complete: openpyxl's workbook is scanned and the formula found; one that says Excel
    wrote it is trusted to hold values for every formula (the documented rule)."""
    xml = FULL.format(extra='<row r="3"><c r="A3"><f>A1*2</f></c></row>')
    base = _patched_xlsx(tmp_path, "edge.xlsx", xml)
    _, s = _scanned(monkeypatch, _as_saved_by(base, "Microsoft Excel Compatible / Openpyxl"))
    assert s.formula_no_cache == frozenset({(2, 0)})
    seen, s = _scanned(monkeypatch, _as_saved_by(base, "Microsoft Excel"))
    assert seen == [] and s.formula_no_cache == frozenset()


def test_real_panels_are_excel_workbooks_with_complete_sheets():
    """The two panels say Excel saved them; the city panel and CEADs' emission vector have no
    empty cell, CEADs' NOTE and matrix sheets have some (so those two are scanned)."""
    for rel in REAL_XLSX:
        with zipfile.ZipFile(real(rel)) as zf:
            assert C._saved_by_excel(zf)
    ceads = C.open_workbook(real(REAL_XLSX[0]))
    empty = {s.name: any(v is None for row in s.cells for v in row) for s in ceads.sheets}
    assert empty == {"NOTE": True, "emission vector": False, "emission matrix": True}
