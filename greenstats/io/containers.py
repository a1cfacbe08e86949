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
import os
import re
import zipfile
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

Kind = Literal["xlsx", "xls", "html", "csv"]

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
    """

    path: str
    file_name: str
    kind: Kind
    encrypted: bool
    sheets: tuple[Sheet, ...]

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
                text = text[len(bom) :].decode(
                    "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be", "ignore"
                ).encode("utf-8", "ignore")
            break
    if text.lstrip(b" \t\r\n\f\v").startswith(b"<"):
        return "html"
    return None


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
        ``"xlsx"`` for a zip file, ``"html"`` when the text starts with ``<`` (after a BOM and
        white space), ``"csv"`` for other text.

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
        raise ReadError(
            "is a folder, not a file", file=name, fix="pass a workbook file"
        ) from None
    except OSError as exc:
        raise ReadError(
            f"cannot read the file ({exc.strerror or exc})",
            file=name,
            fix="check the path and the file's permissions",
        ) from None
    kind = _kind_of(data[:8192], name)
    encrypted = False
    if kind == "xls":
        kind, data, encrypted, sheets = _read_ole2(data, file_name, sheet)
    elif kind == "xlsx":
        sheets = _read_calamine(data, file_name, "xlsx", sheet)
    elif kind == "html":
        sheets = _read_html(data, file_name, sheet)
    else:
        sheets = _read_csv(data, file_name, sheet)
    return Workbook(
        path=name, file_name=file_name, kind=kind, encrypted=encrypted, sheets=tuple(sheets)
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
    return ReadError(
        f"the {kind} workbook is corrupt or not a workbook ({type(exc).__name__}: {exc})",
        file=file_name,
        fix=_SAVE_AGAIN,
    )


# ----- OLE2: BIFF .xls, or an encrypted workbook


def _read_ole2(
    data: bytes, file_name: str, sheet: str | None
) -> tuple[Kind, bytes, bool, list[Sheet]]:
    import python_calamine as pc

    try:
        return "xls", data, False, _read_calamine(data, file_name, "xls", sheet, raw=True)
    except pc.PasswordError:
        pass
    except (pc.CalamineError, pc.XmlError, pc.ZipError, ValueError, OSError):
        # an encrypted .xlsx is an OLE2 file without a Workbook stream: calamine fails here
        pass
    except _RawCorrupt:
        pass
    plain = _decrypt(data, file_name)
    if plain is None:
        # not encrypted after all: report calamine's own complaint
        try:
            _read_calamine(data, file_name, "xls", sheet)
        except ReadError:
            raise
        raise ReadError("the .xls workbook cannot be read", file=file_name, fix=_SAVE_AGAIN)
    kind: Kind = "xlsx" if plain.startswith(_ZIP_MAGIC) else "xls"
    return kind, plain, True, _read_calamine(plain, file_name, kind, sheet)


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
    no_cache = _xlsx_formulas_without_cache(data, wanted, file_name) if kind == "xlsx" else {}
    sheets = []
    for n, grid, merged in grids:
        cells = [[None if v == "" else v for v in row] for row in grid]
        while cells and not any(v is not None for v in cells[-1]):
            cells.pop()
        spans = tuple(
            (int(a[0]), int(a[1]), int(b[0]), int(b[1])) for a, b in (merged or ())
        )
        sheets.append(
            Sheet(
                name=n,
                cells=cells,
                merged=spans,
                formula_no_cache=frozenset(no_cache.get(n, ())),
                kind=kind,
            )
        )
    return sheets


# ----- xlsx formulas without a cached value

_F_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_C_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']([^"']+)["']""")
_T_ATTR = re.compile(rb"""\st\s*=\s*["']([^"']+)["']""")
_V_FULL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?>([^<]*)<")
_SHEET_EL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\s[^>]*>")
_REL_EL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\s[^>]*>")


def _attr(tag: bytes, name: bytes) -> str | None:
    m = re.search(rb"\s(?:[A-Za-z_][\w.-]*:)?" + name + rb"""\s*=\s*["']([^"']*)["']""", tag)
    return m.group(1).decode("utf-8", "replace") if m else None


def _xlsx_sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part path inside the zip."""
    try:
        wb_xml = zf.read("xl/workbook.xml")
        rels_xml = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
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
    return parts


def _xlsx_formulas_without_cache(
    data: bytes, names: list[str], file_name: str
) -> dict[str, set[tuple[int, int]]]:
    """For each sheet, the cells holding a formula but no cached value.

    A cheap byte scan of the sheet XML: only sheets containing ``<f`` are looked at closely.
    When a formula cell carries no ``r`` attribute, openpyxl decides for that workbook.
    """
    out: dict[str, set[tuple[int, int]]] = {}
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        parts = _xlsx_sheet_parts(zf)
        for n in names:
            part = parts.get(n)
            if part is None:
                continue
            try:
                xml = zf.read(part)
            except KeyError:
                continue
            if _F_TAG.search(xml) is None:
                continue
            found = _scan_formulas(xml)
            if found is None:
                return _openpyxl_formulas_without_cache(data, names)
            if found:
                out[n] = found
    except (zipfile.BadZipFile, OSError, ValueError):
        return out
    return out


def _scan_formulas(xml: bytes) -> set[tuple[int, int]] | None:
    """Cells with ``<f>`` and no (or an empty, non-string) ``<v>``; ``None`` if unsure."""
    found: set[tuple[int, int]] = set()
    pos = 0
    while True:
        m = _F_TAG.search(xml, pos)
        if m is None:
            return found
        f_at = m.start()
        c_open = None
        for c in _C_OPEN.finditer(xml, max(0, f_at - 4096), f_at):
            c_open = c
        if c_open is None:
            return None
        tag_end = xml.find(b">", c_open.start())
        tag = xml[c_open.start() : tag_end + 1]
        close = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?c>").search(xml, f_at)
        end = close.end() if close else len(xml)
        body = xml[tag_end + 1 : end]
        r = _R_ATTR.search(tag)
        rc = _parse_a1(r.group(1).decode("ascii", "replace")) if r else None
        if rc is None:
            return None
        v = _V_FULL.search(body)
        t = _T_ATTR.search(tag)
        is_str = bool(t and t.group(1) in (b"str", b"s", b"inlineStr"))
        if v is None or (v.group(1) == b"" and not is_str):
            found.add(rc)
        pos = end


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
        elif tag.lower() in ("script", "style") or not tag:
            pass
        else:
            if node.text:
                parts.append(_WS.sub(" ", node.text))
            for child in node:
                walk(child)
                if child.tail:
                    parts.append(_WS.sub(" ", child.tail))
            return
        # <br> and comments: only their tail counts, handled by the parent

    walk(el)
    text = "".join(parts)
    # collapse spaces around the newlines a <br> made, then trim ASCII white space only
    text = re.sub(r" *\n *", "\n", text).strip(" \t\r\n\f")
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
            rows.extend(
                tr for tr in child if isinstance(tr.tag, str) and tr.tag.lower() == "tr"
            )
    return rows


def _html_table(table: Any, name: str) -> Sheet:
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
    return Sheet(name=name, cells=grid, merged=tuple(merged), kind="html")


def _read_html(data: bytes, file_name: str, sheet: str | None) -> list[Sheet]:
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
        lowered = data[:4096].lower()
        if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:65536] or (
            b"<workbook" in lowered
        ):
            raise ReadError(
                "an Excel 2003 XML spreadsheet, which greenstats does not read",
                file=file_name,
                fix=_SAVE_AGAIN,
            )
        raise ReadError(
            "the file is HTML but holds no <table>",
            file=file_name,
            fix="export the table again as Excel or CSV",
        )
    names = [f"table{i}" for i in range(len(tables))]
    if sheet is not None:
        if sheet not in names:
            raise _missing_sheet(file_name, sheet, names)
        i = names.index(sheet)
        return [_html_table(tables[i], sheet)]
    return [_html_table(t, n) for t, n in zip(tables, names, strict=True)]


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
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
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
