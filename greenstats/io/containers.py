"""Open any workbook container a statistics office publishes into plain cell grids.

This is the only code in greenstats that opens workbook files. The container is sniffed by
content, never by extension:

========================  =========  ==========================================================
first bytes               kind       how it is read
========================  =========  ==========================================================
``D0 CF 11 E0`` (OLE2)    ``xls``    python-calamine; if encrypted with Excel's default
                                     read-only password ("VelvetSweatshop"), decrypted in
                                     memory with msoffcrypto-tool first (an encrypted ``.xlsx``
                                     is also an OLE2 file: it becomes kind ``xlsx``)
``PK`` (zip)              ``xlsx``   python-calamine; formulas without a cached value found in
                                     the sheet XML
``<`` (after BOM/space)   ``html``   lxml.html, one sheet per ``<table>``, spans expanded
``<Workbook xmlns=…``     ``xml``    Excel 2003 XML (SpreadsheetML) saved as .xls, via lxml
other text                ``csv``    utf-8-sig, utf-8 or gb18030; comma, tab or semicolon
========================  =========  ==========================================================

Every grid is anchored at A1 (leading empty rows and columns are kept), so ``cells[r][c]`` is
the cell at ``a1(r, c)`` in the original sheet and provenance survives.

Examples
--------
>>> a1(0, 0), a1(92, 2), a1(0, 26)
('A1', 'C93', 'AA1')
>>> column_letter(701), column_letter(702)
('ZZ', 'AAA')
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import zipfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from greenstats.errors import ReadError

__all__ = [
    "DEFAULT_PASSWORD",
    "Kind",
    "Sheet",
    "Workbook",
    "a1",
    "column_letter",
    "open_workbook",
    "sniff",
]

Kind = Literal["xlsx", "xls", "html", "csv", "xml"]

#: Excel's built-in password for files "encrypted" only to be read-only (CNKI downloads).
DEFAULT_PASSWORD = "VelvetSweatshop"

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK"
_SAVE_AGAIN = "open the file in Excel (or WPS, LibreOffice) and save it again as .xlsx"
_NO_PASSWORD = (
    "open the file in Excel with its password and save a copy without a password "
    "(File > Info > Protect Workbook > Encrypt with Password, clear the box)"
)


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet (or HTML table, or CSV file) as a grid of cells anchored at A1.

    Attributes
    ----------
    name
        The Excel sheet name; ``"table<N>"`` (N the 0-based index of the ``<table>`` element)
        for HTML; ``"csv"`` for CSV.
    cells
        ``cells[r][c]`` is Excel row ``r + 1``, column ``c + 1``. Values are ``None`` (empty),
        ``str`` (as stored, not stripped), ``float``, ``int``, ``bool``, ``datetime``/``date``.
        Leading empty rows and columns are kept; rows may be ragged.
    merged
        Merged ranges ``(r0, c0, r1, c1)``, 0-based and inclusive, absolute. For HTML, the
        rowspan/colspan expansions: the value sits at ``(r0, c0)``, the rest of the span is
        ``None``.
    formula_no_cache
        ``(r, c)`` of formula cells that hold no cached value (their value is unknown).
    kind
        The container the sheet came from.
    caption
        HTML only: the lines of page text printed just before this ``<table>`` (after the
        previous one), then its ``<caption>``; a CNKI export keeps the table's title there.

    Examples
    --------
    >>> s = Sheet("S", [[None, "a"], [1.0]], ((0, 0, 0, 1),))
    >>> s.value(0, 1), s.value(1, 1), s.value(9, 9)
    ('a', None, None)
    >>> s.n_rows, s.n_cols
    (2, 2)
    """

    name: str
    cells: list[list[Any]]
    merged: tuple[tuple[int, int, int, int], ...] = ()
    formula_no_cache: frozenset[tuple[int, int]] = frozenset()
    kind: Kind = "xlsx"
    caption: tuple[str, ...] = ()

    @property
    def n_rows(self) -> int:
        """Number of rows in the grid."""
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        """Width of the widest row."""
        return max((len(row) for row in self.cells), default=0)

    def value(self, r: int, c: int) -> Any:
        """The value at 0-based ``(r, c)``, ``None`` outside the grid."""
        if 0 <= r < len(self.cells):
            row = self.cells[r]
            if 0 <= c < len(row):
                return row[c]
        return None


@dataclass(frozen=True, slots=True)
class Workbook:
    """A workbook opened by :func:`open_workbook`.

    Attributes
    ----------
    path
        The path as given.
    file_name
        Its base name (the ``source_file`` of tidy rows).
    kind
        The container sniffed from the content.
    encrypted
        Whether the file was decrypted (with Excel's default password) to be read.
    sheets
        The sheets, in workbook order.
    page_text
        HTML only: every line of text of the page's body outside its tables, in order
        (titles above the tables, notes and sources below them); ``<title>`` is left out.
    """

    path: str
    file_name: str
    kind: Kind
    encrypted: bool
    sheets: tuple[Sheet, ...]
    page_text: tuple[str, ...] = ()

    @property
    def sheet_names(self) -> tuple[str, ...]:
        """Names of the sheets, in order."""
        return tuple(s.name for s in self.sheets)

    def sheet(self, name: str) -> Sheet:
        """The sheet called ``name``; :class:`~greenstats.errors.ReadError` if absent."""
        for s in self.sheets:
            if s.name == name:
                return s
        raise _missing_sheet(self.file_name, name, self.sheet_names)


# --------------------------------------------------------------------------- addresses


def column_letter(c: int) -> str:
    """Excel column letters of the 0-based column ``c``.

    Examples
    --------
    >>> [column_letter(c) for c in (0, 1, 25, 26, 27, 51, 52, 16383)]
    ['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'XFD']
    """
    if c < 0:
        raise ValueError(f"column index must be >= 0, got {c}")
    letters = ""
    n = c + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(r: int, c: int) -> str:
    """Excel A1 address of the 0-based cell ``(r, c)``.

    Examples
    --------
    >>> a1(0, 0), a1(92, 3), a1(160, 5)
    ('A1', 'D93', 'F161')
    """
    if r < 0:
        raise ValueError(f"row index must be >= 0, got {r}")
    return f"{column_letter(c)}{r + 1}"


_A1_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")


def _parse_a1(ref: str) -> tuple[int, int] | None:
    """0-based ``(r, c)`` of an A1 reference, ``None`` when it is not one."""
    m = _A1_RE.match(ref)
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + (ord(ch) - 64)
    return int(m.group(2)) - 1, col - 1


# --------------------------------------------------------------------------- sniffing


def _head_kind(head: bytes) -> Kind | None:
    """Container from the first bytes, ``None`` for 'text, maybe CSV'."""
    if head.startswith(_OLE2_MAGIC):
        return "xls"
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    text = head
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if text.startswith(bom):
            if bom == codecs.BOM_UTF8:
                text = text[len(bom) :]
            else:
                text = (
                    text[len(bom) :]
                    .decode("utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be", "ignore")
                    .encode("utf-8", "ignore")
                )
            break
    if text.lstrip(b" \t\r\n\f\v").startswith(b"<"):
        if _SPREADSHEET_ML.search(text) and not _HTML_TAG.search(text):
            return "xml"
        return "html"
    return None


_SPREADSHEET_ML = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?Workbook\b[^>]*urn:schemas-microsoft-com:office:spreadsheet"
)
_HTML_TAG = re.compile(rb"<(?:html|body)\b", re.I)


def sniff(path: str | os.PathLike[str]) -> Kind:
    """The container kind of ``path``, judged by content, never by extension.

    Parameters
    ----------
    path
        A file path.

    Returns
    -------
    str
        ``"xls"`` for an OLE2 file (BIFF .xls, or an encrypted workbook of either kind),
        ``"xlsx"`` for a zip file, ``"xml"`` for an Excel 2003 XML spreadsheet, ``"html"`` when
        the text starts with ``<`` (after a BOM and white space), ``"csv"`` for other text.

    Raises
    ------
    ReadError
        When the file is missing, empty or binary but neither OLE2 nor zip.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            head = fh.read(8192)
    except FileNotFoundError:
        raise _missing_file(name) from None
    except OSError as exc:
        raise ReadError(
            f"cannot read the file ({exc.strerror or exc})",
            file=name,
            fix="check the path and the file's permissions",
        ) from None
    return _kind_of(head, name)


def _kind_of(head: bytes, name: str) -> Kind:
    if not head:
        raise ReadError(
            "the file is empty", file=os.path.basename(name), fix="download the file again"
        )
    kind = _head_kind(head)
    if kind is not None:
        return kind
    if _decode_text(head, name, probe=True) is None:
        raise ReadError(
            "not a workbook: neither Excel (OLE2 or zip), HTML nor CSV text",
            file=os.path.basename(name),
            fix=_SAVE_AGAIN,
        )
    return "csv"


# --------------------------------------------------------------------------- opening


def open_workbook(path: str | os.PathLike[str], *, sheet: str | None = None) -> Workbook:
    """Open a workbook of any container into cell grids anchored at A1.

    Parameters
    ----------
    path
        The file; its container is sniffed from content (see :func:`sniff`).
    sheet
        Read only this sheet (an Excel sheet name, ``"table<N>"`` for HTML, ``"csv"``).

    Returns
    -------
    Workbook

    Raises
    ------
    ReadError
        Missing, empty, corrupt or unknown file; a password other than Excel's default; an
        unknown ``sheet``. The message names the file and the fix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "t.xls").write_text("<table><tr><td rowspan=2>a</td><td>1</td></tr>"
    ...                              "<tr><td>2</td></tr></table>")
    >>> wb = open_workbook(d / "t.xls")
    >>> wb.kind, wb.sheets[0].name, wb.sheets[0].cells, wb.sheets[0].merged
    ('html', 'table0', [['a', '1'], [None, '2']], ((0, 0, 1, 0),))
    """
    name = os.fspath(path)
    file_name = os.path.basename(name)
    try:
        with open(name, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise _missing_file(name) from None
    except IsADirectoryError:
        raise ReadError("is a folder, not a file", file=name, fix="pass a workbook file") from None
    except OSError as exc:
        raise ReadError(
            f"cannot read the file ({exc.strerror or exc})",
            file=name,
            fix="check the path and the file's permissions",
        ) from None
    kind = _kind_of(data[:8192], name)
    encrypted = False
    page_text: tuple[str, ...] = ()
    if kind == "xls":
        kind, encrypted, sheets = _read_ole2(data, file_name, sheet)
    elif kind == "xlsx":
        sheets = _read_calamine(data, file_name, "xlsx", sheet)
    elif kind == "html":
        sheets, page_text = _read_html(data, file_name, sheet)
    elif kind == "xml":
        sheets = _read_spreadsheet_ml(data, file_name, sheet)
    else:
        sheets = _read_csv(data, file_name, sheet)
    return Workbook(
        path=name,
        file_name=file_name,
        kind=kind,
        encrypted=encrypted,
        sheets=tuple(sheets),
        page_text=page_text,
    )


def _missing_file(name: str) -> ReadError:
    return ReadError("no such file", file=name, fix="check the path (and the working folder)")


def _missing_sheet(file_name: str, wanted: str, names: tuple[str, ...] | list[str]) -> ReadError:
    shown = ", ".join(repr(n) for n in names) or "none"
    return ReadError(
        f"no sheet named {wanted!r}",
        file=file_name,
        sheet=wanted,
        fix=f"pass one of the workbook's sheets: {shown}",
    )


def _corrupt(file_name: str, kind: str, exc: BaseException) -> ReadError:
    if isinstance(exc, _RawCorrupt) and exc.__cause__ is not None:
        exc = exc.__cause__
    return ReadError(
        f"the {kind} workbook is corrupt or not a workbook ({type(exc).__name__}: {exc})",
        file=file_name,
        fix=_SAVE_AGAIN,
    )


# ----- OLE2: BIFF .xls, or an encrypted workbook


def _read_ole2(data: bytes, file_name: str, sheet: str | None) -> tuple[Kind, bool, list[Sheet]]:
    """Read a BIFF .xls; when calamine cannot (encrypted .xls, or an encrypted .xlsx inside
    OLE2), decrypt with Excel's default password and read the plain workbook."""
    import python_calamine as pc

    try:
        return "xls", False, _read_calamine(data, file_name, "xls", sheet, raw=True)
    except (pc.PasswordError, _RawCorrupt) as exc:
        first: BaseException = exc
    plain = _decrypt(data, file_name)
    if plain is None:  # not encrypted: calamine's complaint stands
        raise _corrupt(file_name, "OLE2 (.xls)", first)
    kind: Kind = "xlsx" if plain.startswith(_ZIP_MAGIC) else "xls"
    return kind, True, _read_calamine(plain, file_name, kind, sheet)


def _decrypt(data: bytes, file_name: str) -> bytes | None:
    """Decrypted bytes of an encrypted OLE2 workbook, ``None`` when it is not encrypted."""
    import msoffcrypto
    from msoffcrypto import exceptions as mexc

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        if not office.is_encrypted():
            return None
    except Exception as exc:  # olefile/msoffcrypto raise many kinds on damaged files
        raise _corrupt(file_name, "OLE2 (.xls)", exc) from None
    try:
        office.load_key(password=DEFAULT_PASSWORD)
        out = io.BytesIO()
        office.decrypt(out)
    except mexc.InvalidKeyError:
        raise ReadError(
            "the workbook is protected with a password other than Excel's default "
            f"read-only password ({DEFAULT_PASSWORD!r}), so it cannot be read",
            file=file_name,
            fix=_NO_PASSWORD,
        ) from None
    except Exception as exc:
        raise ReadError(
            f"the workbook is encrypted and could not be decrypted ({type(exc).__name__}: {exc})",
            file=file_name,
            fix=_NO_PASSWORD,
        ) from None
    return out.getvalue()


# ----- calamine: xlsx / xls


class _RawCorrupt(Exception):
    """Internal marker: calamine failed on an OLE2 file (maybe encrypted)."""


def _read_calamine(
    data: bytes, file_name: str, kind: Kind, sheet: str | None, *, raw: bool = False
) -> list[Sheet]:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(wb.sheet_names)
        if sheet is not None and sheet not in names:
            raise _missing_sheet(file_name, sheet, names)
        wanted = names if sheet is None else [sheet]
        grids = []
        for n in wanted:
            sh = wb.get_sheet_by_name(n)
            grids.append((n, sh.to_python(skip_empty_area=False), sh.merged_cell_ranges))
    except ReadError:
        raise
    except pc.PasswordError:
        if raw:
            raise
        raise ReadError(
            "the workbook is password protected", file=file_name, fix=_NO_PASSWORD
        ) from None
    except Exception as exc:
        if raw:
            raise _RawCorrupt(str(exc)) from exc
        raise _corrupt(file_name, kind, exc) from None
    read = [(n, *_empty_to_none(grid), merged) for n, grid, merged in grids]
    if kind == "xlsx":
        # a sheet without an empty cell in calamine's grid holds no error value in it
        complete = [n for n, _, empty, _ in read if not empty]
        extras = _xlsx_cell_extras(data, wanted, all_sheets=sheet is None, complete=complete)
    else:
        extras = _xls_cell_extras(data, wanted)
    sheets = []
    for n, cells, _, merged in read:
        no_cache, errors = extras.get(n, (set(), {}))
        for (r, c), text in errors.items():  # calamine hands error values over as ""
            while len(cells) <= r:
                cells.append([])
            row = cells[r]
            if len(row) <= c:
                row.extend([None] * (c + 1 - len(row)))
            if row[c] is None:
                row[c] = text
        while cells and not any(v is not None for v in cells[-1]):
            cells.pop()
        spans = _spans(merged)
        sheets.append(
            Sheet(
                name=n,
                cells=cells,
                merged=spans,
                formula_no_cache=frozenset(no_cache),
                kind=kind,
            )
        )
    return sheets


def _spans(merged: list[tuple[tuple[int, int], tuple[int, int]]] | None) -> tuple:
    """calamine's merged ranges ``((r0, c0), (r1, c1))`` as flat ``(r0, c0, r1, c1)``.

    Each pair joined by ``tuple.__add__`` in ``starmap`` (C speed: a BIFF sheet of a
    yearbook can hold a hundred merged ranges); ``int()`` on each corner otherwise.

    Examples
    --------
    >>> _spans([((0, 0), (0, 3)), ((2, 1), (4, 1))]), _spans(None)
    (((0, 0, 0, 3), (2, 1, 4, 1)), ())
    """
    if not merged:
        return ()
    try:
        return tuple(itertools.starmap(tuple.__add__, merged))
    except TypeError:  # pragma: no cover - corners that are not tuples
        return tuple((int(a[0]), int(a[1]), int(b[0]), int(b[1])) for a, b in merged)


# ----- BIFF (.xls) error cells

# An error value in a BIFF8 record: BOOLERR (0x0205, 8 bytes: row, column, xf, value, fError=1)
# or FORMULA (0x0006) whose cached result is an error (result bytes 02 00 code 00 00 00 FF FF).
# A match only says "maybe": xlrd then reads the cells exactly. Two patterns, not one
# alternation: each opens with a literal the regex engine looks for at memchr speed, where an
# alternation (first byte 05 or 06) is tried at every byte, four times slower.
_BIFF_ERRORS = (
    re.compile(rb"\x05\x02\x08\x00[\s\S]{7}\x01"),
    re.compile(rb"\x06\x00[\s\S]{8}\x02\x00[\s\S]\x00\x00\x00\xff\xff"),
)


class _NoLog:
    """A log that drops what xlrd's compound-document reader writes (warnings about
    harmless OLE2 inconsistencies)."""

    def write(self, text: str) -> int:
        return len(text)


def _biff_stream(data: bytes) -> tuple[bytes, int, int] | None:
    """The workbook stream (``Workbook``, or ``Book`` for BIFF5) of an OLE2 file as
    ``(buffer, start, end)``; ``None`` when the file has neither.

    Through xlrd's compound-document reader (xlrd reads the stream so itself): it returns
    the file's own bytes with the stream's span when the stream's sectors are contiguous (no
    copy), the sectors joined in stream order otherwise, so a record split across sectors is
    whole either way. It costs a quarter of an ``olefile.OleFileIO`` parse, which stays the
    fallback for a file it rejects.

    Examples
    --------
    >>> _biff_stream(b"not an OLE2 file") is None
    True
    """
    try:
        from xlrd import compdoc

        doc = compdoc.CompDoc(data, logfile=_NoLog())
        for name in ("Workbook", "Book"):
            mem, start, size = doc.locate_named_stream(name)
            if mem is not None:
                return mem, start, start + size
        return None
    except Exception:  # noqa: BLE001 - a file xlrd's reader rejects: olefile may read it
        pass
    try:
        import olefile

        ole = olefile.OleFileIO(data)
        try:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                return None
            biff = ole.openstream(name).read()
        finally:
            ole.close()
    except Exception:  # noqa: BLE001 - not a readable OLE2 file: calamine's grid stands
        return None
    return biff, 0, len(biff)


def _xls_cell_extras(
    data: bytes, names: list[str]
) -> dict[str, tuple[set[tuple[int, int]], dict[tuple[int, int], str]]]:
    """The error cells (``#DIV/0!``, ``#N/A`` ...) of a BIFF workbook, which calamine hands
    over as empty: ``{sheet: (set(), {(row, column): text})}``.

    A byte scan of the workbook stream (:func:`_biff_stream`) finds whether any record may
    hold an error value; only then is the workbook read again with xlrd, which tells error
    cells exactly. Errors of this check are not fatal (the grid is then what calamine gives).

    Examples
    --------
    >>> _xls_cell_extras(b"not an OLE2 file", ["Sheet1"])
    {}
    """
    stream = _biff_stream(data)
    if stream is None:
        return {}
    buf, start, end = stream
    if not any(p.search(buf, start, end) for p in _BIFF_ERRORS):
        return {}
    try:
        import xlrd

        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception:  # noqa: BLE001
        return {}
    out: dict[str, tuple[set[tuple[int, int]], dict[tuple[int, int], str]]] = {}
    try:
        have = set(book.sheet_names())
        for n in names:
            if n not in have:
                continue
            sh = book.sheet_by_name(n)
            errors = {
                (r, c): xlrd.error_text_from_code.get(sh.cell_value(r, c), "#ERROR")
                for r in range(sh.nrows)
                for c, t in enumerate(sh.row_types(r))
                if t == xlrd.XL_CELL_ERROR
            }
            if errors:
                out[n] = (set(), errors)
    except Exception:  # noqa: BLE001
        return out
    finally:
        book.release_resources()
    return out


def _empty_to_none(grid: list[list[Any]]) -> tuple[list[list[Any]], bool]:
    """Replace calamine's ``""`` for empty cells by ``None``, in place (rows are fresh lists),
    and tell whether there was any.

    Most rows of a statistical table are full: test them at C speed first.

    Examples
    --------
    >>> _empty_to_none([["a", ""], [1.0, 2.0]]), _empty_to_none([[1.0]])
    (([['a', None], [1.0, 2.0]], True), ([[1.0]], False))
    """
    found = False
    for i, row in enumerate(grid):
        n = row.count("")
        if not n:
            continue
        found = True
        if n <= 4:
            start = 0
            for _ in range(n):
                start = row.index("", start)
                row[start] = None
        else:
            grid[i] = [None if v == "" else v for v in row]
    return grid, found


# ----- xlsx formulas without a cached value

_C_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']([^"']+)["']""")
_T_ATTR = re.compile(rb"""\st\s*=\s*["']([^"']+)["']""")
_V_FULL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?>([^<]*)<")
_SHEET_EL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\s[^>]*>")
_REL_EL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\s[^>]*>")


def _attr(tag: bytes, name: bytes) -> str | None:
    m = re.search(rb"\s(?:[A-Za-z_][\w.-]*:)?" + name + rb"""\s*=\s*["']([^"']*)["']""", tag)
    return m.group(1).decode("utf-8", "replace") if m else None


def _member(zf: zipfile.ZipFile, name: str) -> bytes:
    """The content of the zip member ``name`` (a worksheet's XML).

    A deflated member is inflated in one call into a buffer of its known size: the member's
    compressed bytes are read through ``zf.open`` with a copy of its entry that says "stored"
    (zipfile's own reading of the local header, no copy of the entry's CRC, so none is
    checked), then ``zlib.decompress(raw, -15, size)``. ``zf.read`` grows its output buffer
    as it inflates and computes the CRC: half again as long on a yearbook panel's megabytes
    of XML. Anything unusual (encrypted or another method, a size that does not match, a
    damaged stream) goes through ``zf.read``, which raises what it raises.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
    ...     out.writestr("xl/worksheets/sheet1.xml", b"<c>" * 1000)
    >>> _member(zipfile.ZipFile(buf), "xl/worksheets/sheet1.xml") == b"<c>" * 1000
    True
    """
    info = zf.getinfo(name)
    if info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 0x1:
        stored = zipfile.ZipInfo(info.orig_filename)
        stored.compress_type = zipfile.ZIP_STORED
        stored.flag_bits = info.flag_bits
        stored.header_offset = info.header_offset
        stored.compress_size = stored.file_size = info.compress_size
        try:
            with zf.open(stored) as fh:
                data = zlib.decompress(fh.read(), -15, max(info.file_size, 1))
        except Exception:  # noqa: BLE001 - zf.read below tells what is wrong
            data = None
        if data is not None and len(data) == info.file_size:
            return data
    return zf.read(name)


def _xlsx_sheet_parts(zf: zipfile.ZipFile) -> tuple[dict[str, str], bool]:
    """Sheet name → worksheet part inside the zip, and whether the workbook asks for a full
    recalculation on load (``fullCalcOnLoad``: its cached formula values are placeholders)."""
    try:
        wb_xml = zf.read("xl/workbook.xml")
        rels_xml = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}, False
    targets: dict[str, str] = {}
    for tag in _REL_EL.findall(rels_xml):
        rid, target = _attr(tag, b"Id"), _attr(tag, b"Target")
        if rid and target:
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rid] = os.path.normpath(target).replace(os.sep, "/")
    import html as _html

    parts = {}
    for tag in _SHEET_EL.findall(wb_xml):
        name, rid = _attr(tag, b"name"), _attr(tag, b"id")
        if name is not None and rid in targets:
            parts[_html.unescape(name)] = targets[rid]
    full_calc = _FULL_CALC.search(wb_xml) is not None
    return parts, full_calc


_FULL_CALC = re.compile(rb"""fullCalcOnLoad\s*=\s*["'](?:1|true)["']""")
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData[\s>/]")
_SHEET_DATA_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData>")
_C_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?c>")


_F_GT = re.compile(rb"f>")
#: How many ``f`` bytes :func:`_has_f_gt` looks at one by one before the regex takes over.
_F_PROBES = 64


def _has_f_gt(xml: bytes) -> bool:
    """Whether ``f>`` (the end of ``</f>`` or ``<x:f>``) occurs in ``xml``.

    A worksheet without formulas holds a few dozen ``f`` bytes at most (``ref=``,
    ``sheetFormatPr``): ``bytes.find`` of one byte runs at memchr speed, ten times faster than
    any search for ``f>`` (CPython's substring search and the regex engine step through the
    bytes), so each ``f`` is found that way and its next byte tested. Past :data:`_F_PROBES`
    of them (inline text full of ``f``), the regex searches the rest.

    Examples
    --------
    >>> _has_f_gt(b'<c r="A1"><f>B1</f></c>'), _has_f_gt(b'<dimension ref="A1"/>')
    (True, False)
    >>> _has_f_gt(b"f" * 100 + b"f>"), _has_f_gt(b"f" * 100), _has_f_gt(b"f>")
    (True, False, True)
    """
    i = xml.find(b"f")
    for _ in range(_F_PROBES):
        if i < 0:
            return False
        if xml.startswith(b">", i + 1):
            return True
        i = xml.find(b"f", i + 1)
    return i >= 0 and _F_GT.search(xml, i) is not None


def _may_hold_formula(xml: bytes) -> bool:
    """Cheap substring test before any regex work.

    Every formula has a closing ``</f>`` (shared-formula children sit beside a master that
    has one); only a worksheet written with a namespace prefix needs the ``:f>`` test.
    """
    if not _has_f_gt(xml):
        return False  # neither ``</f>`` nor ``:f>``
    if b"</f>" in xml:
        return True
    if b"<worksheet" in xml[:4096]:
        return False
    return b":f>" in xml


def _xlsx_cell_extras(
    data: bytes,
    names: list[str],
    *,
    all_sheets: bool = True,
    complete: Collection[str] = (),
) -> dict[str, tuple[set[tuple[int, int]], dict[tuple[int, int], str]]]:
    """What calamine does not tell, per sheet: the formula cells without a cached value, and
    the cells holding an error value (``#DIV/0!``, which calamine returns as empty).

    A cheap byte scan of the sheet XML; only sheets containing a formula or an error cell are
    looked at closely. When a formula cell carries no ``r`` attribute, openpyxl decides.

    ``complete`` names the sheets whose grid, as calamine read it, has no empty cell. In a
    workbook saved by Excel itself (:func:`_saved_by_excel`) that does not ask for a full
    recalculation, such a sheet is not scanned: Excel stores a value for every formula, and
    an error value is a cell calamine keeps in its grid, as empty. Other writers (openpyxl
    writes formulas without values) are scanned whatever the grid.
    """
    out: dict[str, tuple[set[tuple[int, int]], dict[tuple[int, int], str]]] = {}
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = [
            m for m in zf.namelist() if m.startswith("xl/worksheets/") and m.endswith(".xml")
        ]
        parts: dict[str, str] | None = None  # sheet name -> part, read when needed
        full_calc = False
        skip: set[str] = set()  # the parts of the complete sheets of an Excel workbook
        if complete and _saved_by_excel(zf):
            parts, full_calc = _xlsx_sheet_parts(zf)
            if not full_calc:
                skip = {parts[n] for n in complete if n in parts}
        xmls: dict[str, bytes] = {}
        scanned = bool(members) and all_sheets
        if scanned:
            # the common case: no sheet holds a formula or an error, so the sheet-name map
            # (workbook.xml and its rels) is never needed
            for m in members:
                if m in skip:
                    continue
                xml = _member(zf, m)
                if _needs_scan(xml):
                    xmls[m] = xml
            if not xmls:
                return out
        if parts is None:
            parts, full_calc = _xlsx_sheet_parts(zf)
        for n in names:
            part = parts.get(n)
            if part is None or part in skip:
                continue
            if part in xmls:
                xml = xmls[part]
            elif scanned and part in members:
                continue  # looked at above: nothing to scan
            else:
                try:
                    xml = _member(zf, part)
                except KeyError:
                    continue
            no_cache: set[tuple[int, int]] | None = set()
            errors: dict[tuple[int, int], str] = {}
            if _may_hold_formula(xml):
                no_cache = _scan_formulas(xml, zero_is_placeholder=full_calc)
                if no_cache is None:
                    no_cache = _openpyxl_formulas_without_cache(data, [n]).get(n, set())
            if _may_hold_error(xml):
                errors = _scan_errors(xml)
            if no_cache or errors:
                out[n] = (no_cache or set(), errors)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return out
    return out


_EXCEL_APP = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Application>\s*Microsoft Excel\s*<")


def _saved_by_excel(zf: zipfile.ZipFile) -> bool:
    """Whether the workbook says it was saved by Excel itself (``docProps/app.xml``), not by
    a library that writes "Microsoft Excel Compatible" (openpyxl) or nothing.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as out:
    ...     out.writestr("docProps/app.xml", "<Properties><Application>Microsoft Excel"
    ...                  "</Application></Properties>")
    >>> _saved_by_excel(zipfile.ZipFile(buf))
    True
    """
    try:
        app = zf.read("docProps/app.xml")
    except KeyError:
        return False
    return _EXCEL_APP.search(app) is not None


_MAY_ERROR = re.compile(rb"""t=(?:"e"|'e')""")


def _may_hold_error(xml: bytes) -> bool:
    """``t="e"`` or ``t='e'`` anywhere (one regex pass: faster than two substring tests),
    looked for only when the XML holds a ``#``.

    Only the value of an error cell matters (:func:`_scan_errors` keeps the cells whose
    ``<v>`` is not empty), and calamine, which has read the sheet before, refuses a sheet
    whose error cell holds anything but an Excel error value (``#DIV/0!``, ``#N/A``, ...,
    all opening with ``#``; a character reference ``&#35;`` holds one too). So a sheet
    without any ``#`` holds no error cell that counts. The one-byte search runs at memchr
    speed: a yearbook panel's megabytes of XML, which hold none, skip the regex, thirty
    times slower.

    Examples
    --------
    >>> _may_hold_error(b'<c r="A1" t="e"><v>#N/A</v></c>'), _may_hold_error(b'<c t="s"/>#')
    (True, False)
    """
    return b"#" in xml and _MAY_ERROR.search(xml) is not None


def _needs_scan(xml: bytes) -> bool:
    return _may_hold_formula(xml) or _may_hold_error(xml)


def _sheet_data_span(xml: bytes) -> tuple[int, int] | None:
    """Byte span of the content of ``<sheetData>`` (the cells)."""
    start = xml.find(b"<sheetData")
    if start >= 0:
        lo = xml.find(b">", start) + 1
        end = xml.rfind(b"</sheetData>")
        return lo, (end if end >= lo else len(xml))
    sd = _SHEET_DATA.search(xml)  # a namespace prefix: <x:sheetData>
    if sd is None:
        return None
    sd_end = _SHEET_DATA_END.search(xml, sd.end())
    return sd.end(), (sd_end.start() if sd_end else len(xml))


def _enclosing_cell(xml: bytes, at: int, lo: int, stop: int) -> tuple[bytes, bytes, int] | None:
    """The ``<c ...>`` tag, the cell's body and its end, for a position inside the cell."""
    start = max(xml.rfind(b"<c ", lo, at), xml.rfind(b"<c>", lo, at))
    if start < 0 or xml.rfind(b"</c>", start, at) >= 0:
        # a namespace prefix (<x:c>): look with the regex in a window before the position
        start = -1
        for c in _C_OPEN.finditer(xml, max(lo, at - 4096), at):
            start = c.start()
        if start < 0:
            return None
    tag_end = xml.find(b">", start)
    if tag_end < 0:
        return None
    tag = xml[start : tag_end + 1]
    if tag.endswith(b"/>"):
        return tag, b"", tag_end + 1
    close = _C_CLOSE.search(xml, tag_end, stop)
    end = close.end() if close else stop
    return tag, xml[tag_end + 1 : end], end


_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix
# a formula element followed by no value (or an empty one) before the cell closes; values
# come right after the formula in a cell (CT_Cell: f, v, is, extLst)
_F_NO_VALUE = re.compile(
    rb"(?:</" + _P + rb"f>|<" + _P + rb"f\b[^>]*/>)\s*"
    rb"(?:<" + _P + rb"v\s*/>|<" + _P + rb"v>\s*</" + _P + rb"v>)?\s*"
    rb"(?:</" + _P + rb"c>|<" + _P + rb"is>|<" + _P + rb"extLst>)"
)
_F_ZERO_VALUE = re.compile(
    rb"(?:</" + _P + rb"f>|<" + _P + rb"f\b[^>]*/>)\s*"
    rb"(?:<" + _P + rb"v\s*/>|<" + _P + rb"v>\s*(?:0|0\.0+)?\s*</" + _P + rb"v>)?\s*"
    rb"(?:</" + _P + rb"c>|<" + _P + rb"is>|<" + _P + rb"extLst>)"
)
# the same without namespace prefixes: patterns that open with a literal, which the regex
# engine finds at memchr speed (the common case: every writer but a few omits prefixes)
_NO_VALUE_TAIL = rb"\s*(?:<v\s*/>|<v>\s*</v>)?\s*(?:</c>|<is>|<extLst>)"
_ZERO_VALUE_TAIL = rb"\s*(?:<v\s*/>|<v>\s*(?:0|0\.0+)?\s*</v>)?\s*(?:</c>|<is>|<extLst>)"
_PLAIN_PATTERNS = {
    False: (re.compile(rb"</f>" + _NO_VALUE_TAIL), re.compile(rb"<f\s[^>]*/>" + _NO_VALUE_TAIL)),
    True: (re.compile(rb"</f>" + _ZERO_VALUE_TAIL), re.compile(rb"<f\s[^>]*/>" + _ZERO_VALUE_TAIL)),
}


def _scan_formulas(xml: bytes, *, zero_is_placeholder: bool = False) -> set[tuple[int, int]] | None:
    """Cells of ``<sheetData>`` with ``<f>`` and no (or an empty, non-string) ``<v>``.

    One regex pass finds formulas not followed by a value; only those cells are looked at.
    With ``zero_is_placeholder`` (a workbook written with ``fullCalcOnLoad``, as xlsxwriter
    does, caching 0 for every formula) a cached ``0`` counts as no value. ``None`` if unsure.
    """
    found: set[tuple[int, int]] = set()
    span = _sheet_data_span(xml)
    if span is None:
        return found
    lo, stop = span
    if b"<worksheet" in xml[:4096] and xml.rfind(b"<sheetData", 0, lo) >= 0:
        patterns = _PLAIN_PATTERNS[zero_is_placeholder]
    else:
        patterns = (_F_ZERO_VALUE if zero_is_placeholder else _F_NO_VALUE,)
    matches = [m for pattern in patterns for m in pattern.finditer(xml, lo, stop)]
    for m in matches:
        cell = _enclosing_cell(xml, m.start(), lo, stop)
        if cell is None:
            return None
        tag, _body, _end = cell
        r = _R_ATTR.search(tag)
        rc = _parse_a1(r.group(1).decode("ascii", "replace")) if r else None
        if rc is None:
            return None
        t = _T_ATTR.search(tag)
        has_v = b"v" in m.group(0)[m.group(0).find(b">") + 1 :]
        if has_v and t and t.group(1) in (b"str", b"s", b"inlineStr", b"e"):
            continue  # a cached empty (or "0") string is a value
        found.add(rc)
    return found


_T_ERROR = re.compile(rb"""\st\s*=\s*["']e["']""")


def _scan_errors(xml: bytes) -> dict[tuple[int, int], str]:
    """Cells of ``<sheetData>`` of type ``e``, with their error text (``#DIV/0!``)."""
    found: dict[tuple[int, int], str] = {}
    span = _sheet_data_span(xml)
    if span is None:
        return found
    pos, stop = span
    lo = pos
    while True:
        m = _T_ERROR.search(xml, pos, stop)
        if m is None:
            return found
        cell = _enclosing_cell(xml, m.end(), lo, stop)
        pos = m.end()
        if cell is None:
            continue
        tag, body, end = cell
        r = _R_ATTR.search(tag)
        rc = _parse_a1(r.group(1).decode("ascii", "replace")) if r else None
        v = _V_FULL.search(body)
        if rc is not None and v is not None and v.group(1).strip():
            text = v.group(1).strip().decode("utf-8", "replace")
            # XML text: a character reference (``&#35;N/A``) is the character itself
            if "&" in text:
                import html as _html

                text = _html.unescape(text)
            found[rc] = text
        pos = max(end, pos)


def _openpyxl_formulas_without_cache(
    data: bytes, names: list[str]
) -> dict[str, set[tuple[int, int]]]:
    import openpyxl

    out: dict[str, set[tuple[int, int]]] = {}
    formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=True)
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    for n in names:
        if n not in formulas.sheetnames:
            continue
        got: set[tuple[int, int]] = set()
        for frow, crow in zip(formulas[n].iter_rows(), cached[n].iter_rows(), strict=False):
            for fc, cc in zip(frow, crow, strict=False):
                val = getattr(fc, "value", None)
                if isinstance(val, str) and val.startswith("=") and cc.value is None:
                    got.add((fc.row - 1, fc.column - 1))
        if got:
            out[n] = got
    formulas.close()
    cached.close()
    return out


# ----- HTML saved as .xls

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_WS = re.compile(r"[ \t\r\n\f]+")
_MAX_SPAN = 1000
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr"}
)


def _html_encoding(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    m = _META_CHARSET.search(data[:16384])
    if m:
        enc = m.group(1).decode("ascii", "ignore").lower()
        if enc in ("gb2312", "gbk", "gb_2312-80", "x-gbk"):
            enc = "gb18030"
        try:
            codecs.lookup(enc)
        except LookupError:
            enc = ""
        if enc:
            try:
                data.decode(enc)
                return enc
            except UnicodeDecodeError:
                pass
    for enc in ("utf-8", "gb18030"):
        try:
            data.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    return "gb18030"


def _cell_text(el: Any) -> str | None:
    """Text of a <td>/<th> as a browser shows it: white space collapsed, <br> → newline,
    ``&nbsp;`` kept as U+00A0."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() == "br":
            parts.append("\n")
        elif tag.lower() == "table":
            parts.append("\n")  # a nested <table> is a sheet of its own, not this cell's text
        elif tag.lower() in ("script", "style") or not tag:
            pass
        else:
            block = node is not el and tag.lower() in _BLOCK_TAGS
            if block:
                parts.append("\n")
            if node.text:
                parts.append(_WS.sub(" ", node.text))
            for child in node:
                walk(child)
                if child.tail:
                    parts.append(_WS.sub(" ", child.tail))
            if block:
                parts.append("\n")
            return
        # <br> and comments: only their tail counts, handled by the parent

    walk(el)
    text = "".join(parts)
    # collapse spaces around the newlines a <br> made, then trim ASCII white space only
    text = re.sub(r" *\n[\n ]*", "\n", text) if "\n" in text else text
    text = text.strip(" \t\r\n\f")
    return text if text != "" else None


def _span(value: Any) -> int:
    try:
        n = int(str(value).strip() or 1)
    except ValueError:
        return 1
    return min(max(n, 1), _MAX_SPAN)


def _table_rows(table: Any) -> list[Any]:
    rows = []
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(tr for tr in child if isinstance(tr.tag, str) and tr.tag.lower() == "tr")
    return rows


def _html_table(table: Any, name: str, caption: tuple[str, ...] = ()) -> Sheet:
    rows = _table_rows(table)
    n_rows = len(rows)
    grid: list[list[Any]] = [[] for _ in range(n_rows)]
    taken: list[set[int]] = [set() for _ in range(n_rows)]
    merged: list[tuple[int, int, int, int]] = []
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            tag = td.tag.lower() if isinstance(td.tag, str) else ""
            if tag not in ("td", "th"):
                continue
            while c in taken[r]:
                c += 1
            rs = min(_span(td.get("rowspan", 1)), n_rows - r)
            cs = _span(td.get("colspan", 1))
            text = _cell_text(td)
            for rr in range(r, r + rs):
                row = grid[rr]
                need = c + cs
                if len(row) < need:
                    row.extend([None] * (need - len(row)))
                for cc in range(c, c + cs):
                    taken[rr].add(cc)
            grid[r][c] = text
            if rs > 1 or cs > 1:
                merged.append((r, c, r + rs - 1, c + cs - 1))
            c += cs
    while grid and not any(v is not None for v in grid[-1]):
        grid.pop()
    return Sheet(name=name, cells=grid, merged=tuple(merged), kind="html", caption=caption)


def _page_lines(body: Any) -> tuple[list[str], dict[Any, list[str]]]:
    """Lines of text outside the tables, and for each table the lines just before it."""
    lines: list[str] = []
    before: dict[Any, list[str]] = {}
    pending: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = _WS.sub(" ", "".join(current)).strip(" \t\r\n\f")
        current.clear()
        if text:
            lines.append(text)
            pending.append(text)

    stack: list[tuple[Any, bool]] = [(body, False)]
    # iterative document-order walk; (node, closing) pairs so tails come after children
    while stack:
        node, closing = stack.pop()
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        block = tag in _BLOCK_TAGS or tag in ("br", "body", "center", "section", "header")
        if closing:
            if block:
                flush()
            if node.tail and node is not body:
                current.append(node.tail)
            continue
        if tag == "table":
            flush()
            before[node] = list(pending)
            pending.clear()
            if node.tail:
                current.append(node.tail)
            continue
        if not tag or tag in ("script", "style", "head", "title", "noscript"):
            if node.tail and node is not body:
                current.append(node.tail)
            continue
        if block:
            flush()
        if node.text:
            current.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    flush()
    return lines, before


def _read_html(
    data: bytes, file_name: str, sheet: str | None
) -> tuple[list[Sheet], tuple[str, ...]]:
    import lxml.etree
    import lxml.html

    enc = _html_encoding(data)
    try:
        text = data.decode(enc, errors="replace")
        parser = lxml.html.HTMLParser(encoding="utf-8")
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise _corrupt(file_name, "HTML", exc) from None
    tables = [el for el in root.iter() if isinstance(el.tag, str) and el.tag.lower() == "table"]
    if not tables:
        raise ReadError(
            "the file is HTML but holds no <table>",
            file=file_name,
            fix="export the table again as Excel or CSV",
        )
    body = root.find("body")
    lines, before = _page_lines(body if body is not None else root)
    names = [f"table{i}" for i in range(len(tables))]
    if sheet is not None and sheet not in names:
        raise _missing_sheet(file_name, sheet, names)
    sheets = []
    for t, n in zip(tables, names, strict=True):
        if sheet is not None and n != sheet:
            continue
        caption = list(before.get(t, []))
        for cap in t:
            if isinstance(cap.tag, str) and cap.tag.lower() == "caption":
                cap_text = _cell_text(cap)
                if cap_text:
                    caption.append(cap_text)
        sheets.append(_html_table(t, n, tuple(caption)))
    return sheets, tuple(lines)


# ----- Excel 2003 XML (SpreadsheetML) saved as .xls

_SS = "urn:schemas-microsoft-com:office:spreadsheet"


def _ss_int(el: Any, name: str, default: int) -> int:
    raw = el.get(f"{{{_SS}}}{name}")
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        return default


def _ss_value(data: Any) -> Any:
    text = "".join(data.itertext())
    typ = (data.get(f"{{{_SS}}}Type") or "String").lower()
    if typ == "number":
        try:
            return float(text)
        except ValueError:
            return text or None
    if typ == "boolean":
        return text.strip() in ("1", "true", "TRUE")
    if typ == "datetime":
        from datetime import datetime

        try:
            return datetime.fromisoformat(text.strip().rstrip("Z"))
        except ValueError:
            return text or None
    return text if text != "" else None


def _read_spreadsheet_ml(data: bytes, file_name: str, sheet: str | None) -> list[Sheet]:
    import lxml.etree as et

    try:
        parser = et.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        root = et.fromstring(data, parser=parser)
    except et.XMLSyntaxError as exc:
        raise _corrupt(file_name, "Excel 2003 XML", exc) from None
    worksheets = root.findall(f"{{{_SS}}}Worksheet")
    names = [ws.get(f"{{{_SS}}}Name") or f"Sheet{i + 1}" for i, ws in enumerate(worksheets)]
    if sheet is not None and sheet not in names:
        raise _missing_sheet(file_name, sheet, names)
    out = []
    for ws, name in zip(worksheets, names, strict=True):
        if sheet is not None and name != sheet:
            continue
        grid: dict[int, dict[int, Any]] = {}
        taken: set[tuple[int, int]] = set()
        merged: list[tuple[int, int, int, int]] = []
        no_cache: set[tuple[int, int]] = set()
        r = -1
        for table in ws.findall(f"{{{_SS}}}Table"):
            for row in table.findall(f"{{{_SS}}}Row"):
                r = _ss_int(row, "Index", r + 2) - 1
                c = -1
                for cell in row.findall(f"{{{_SS}}}Cell"):
                    explicit = cell.get(f"{{{_SS}}}Index")
                    c = _ss_int(cell, "Index", 0) - 1 if explicit else c + 1
                    if not explicit:
                        while (r, c) in taken:
                            c += 1
                    across = max(_ss_int(cell, "MergeAcross", 0), 0)
                    down = max(_ss_int(cell, "MergeDown", 0), 0)
                    value_el = cell.find(f"{{{_SS}}}Data")
                    value = _ss_value(value_el) if value_el is not None else None
                    if value is not None:
                        grid.setdefault(r, {})[c] = value
                    elif cell.get(f"{{{_SS}}}Formula"):
                        no_cache.add((r, c))
                    if across or down:
                        merged.append((r, c, r + down, c + across))
                        taken.update(
                            (rr, cc)
                            for rr in range(r, r + down + 1)
                            for cc in range(c, c + across + 1)
                        )
                    c += across
        n_rows = max(grid, default=-1) + 1
        cells: list[list[Any]] = []
        for rr in range(n_rows):
            row_vals = grid.get(rr, {})
            width = max(row_vals, default=-1) + 1
            cells.append([row_vals.get(cc) for cc in range(width)])
        out.append(
            Sheet(
                name=name,
                cells=cells,
                merged=tuple(merged),
                formula_no_cache=frozenset(no_cache),
                kind="xml",
            )
        )
    return out


# ----- CSV saved as .xls


def _decode_text(data: bytes, name: str, *, probe: bool = False) -> str | None:
    """Decode CSV bytes (utf-8-sig, utf-16 with BOM, utf-8, gb18030); ``None`` if binary."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None if probe else data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        return None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            # a probe reads a truncated head: a character cut at the end is fine
            if probe and exc.start >= len(data) - 4:
                return data[: exc.start].decode(enc, errors="replace")
            continue
    return None


def _delimiter(text: str) -> str:
    lines = [ln for ln in text[:65536].splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", (-1.0, 0)
    for delim in (",", "\t", ";"):
        counts = [len(row) for row in csv.reader(lines, delimiter=delim)]
        wide = [n for n in counts if n > 1]
        if not wide:
            continue
        mode = max(set(counts), key=counts.count)
        score = (counts.count(mode) / len(counts) if mode > 1 else 0.0, mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(data: bytes, file_name: str, sheet: str | None) -> list[Sheet]:
    if sheet is not None and sheet != "csv":
        raise _missing_sheet(file_name, sheet, ["csv"])
    text = _decode_text(data, file_name)
    if text is None:
        raise ReadError(
            "not a workbook: the text is neither UTF-8 nor GBK/GB18030",
            file=file_name,
            fix="save the table again as .xlsx or as UTF-8 CSV",
        )
    delim = _delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=False))
    except csv.Error as exc:
        raise _corrupt(file_name, "CSV", exc) from None
    cells = [[v if v != "" else None for v in row] for row in rows]
    while cells and not any(v is not None for v in cells[-1]):
        cells.pop()
    return [Sheet(name="csv", cells=cells, merged=(), kind="csv")]
