"""Public reader API: yearbook workbooks in, the tidy indicator table out.

``read_yearbook`` reads one workbook (any container: xlsx, xls, xls/xlsx encrypted with
Excel's default password, HTML or CSV saved as .xls), ``read_yearbooks`` many (with a
progress bar, processes for ``jobs > 1`` and an error report per file or sheet), and ``cell_ledger``
accounts for every non-empty source cell.

The tidy table has exactly :data:`greenstats.schema.TIDY_COLUMNS` first (dtypes
:data:`greenstats.schema.TIDY_DTYPES`), then the optional columns ``unit_mult`` (power of
ten of the unit's Chinese multiplier: 万 → 4, 亿 → 8), ``level`` (stub indentation level) and
``parent`` (the label one level up in the stub).

``status`` codes (SDMX OBS_STATUS-like; :data:`greenstats.schema.STATUS_LEGEND`):
``A`` normal value; ``M`` missing (empty, ``-``, ``—``, ``－``, ``一``, ``NA``, ``&nbsp;``);
``L`` below the smallest unit (``…``, ``...``); ``F`` formula without cached value;
``Z`` zero used as a missing-value code in a tidy research panel (value NaN); ``X`` text
that is not a number.
"""

from __future__ import annotations

import gc
import os
import warnings
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greenstats.errors import GreenstatsError, LayoutError, ReadError
from greenstats.io.containers import a1, open_workbook
from greenstats.layout import EXTRA_COLUMNS, _as_list, _constant, context_from_text, parse_sheet
from greenstats.schema import LEDGER_ROLES, TIDY_COLUMNS, TIDY_DTYPES
from greenstats.specs.recipe import Recipe, load_recipe

__all__ = ["read_yearbook", "read_yearbooks", "cell_ledger", "LEDGER_COLUMNS", "ERROR_COLUMNS"]

#: Columns of :func:`cell_ledger`.
LEDGER_COLUMNS: tuple[str, ...] = (
    "source_file",
    "source_sheet",
    "source_cell",
    "row",
    "col",
    "raw",
    "role",
    "reason",
    "table_id",
)
#: Columns of ``read_yearbooks(...).attrs["errors"]``.
ERROR_COLUMNS: tuple[str, ...] = ("file", "sheet", "cell", "error", "message")

_EXTRA_DTYPES = {"unit_mult": "Int64", "level": "Int64", "parent": "str"}
_SUFFIXES = {".xls", ".xlsx", ".xlsm", ".htm", ".html", ".csv", ".et"}


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while a workbook is parsed.

    Parsing allocates many small objects and no reference cycles; the collector's passes
    over them cost about a third of the read time. Reference counting still frees them.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _parse(path, sheet, region, year, recipe, *, ledger: bool = False, sheet_errors=None):
    """Parse every sheet of one workbook: (tidy columns, ledger rows, file name).

    With a list as ``sheet_errors``, a sheet whose layout cannot be understood adds a row
    ``(file, sheet, cell, error, message)`` to it and the other sheets are still read;
    otherwise its :class:`LayoutError` is raised.
    """
    with _gc_paused():
        return _parse_workbook(
            path, sheet, region, year, recipe, ledger=ledger, sheet_errors=sheet_errors
        )


def _error_row(file_name: str, exc: Exception, sheet: str | None = None) -> tuple:
    """One row of an error report (:data:`ERROR_COLUMNS`) for a failure."""
    if isinstance(exc, GreenstatsError):
        return (file_name, exc.sheet or sheet, exc.cell, type(exc).__name__, str(exc))
    return (
        file_name,
        sheet,
        None,
        type(exc).__name__,
        f"{file_name}: unexpected {type(exc).__name__}: {exc}. Fix: pass this file to "
        "read_yearbook with a recipe, and please report it",
    )


def _parse_workbook(path, sheet, region, year, recipe, *, ledger: bool, sheet_errors=None):
    rec = load_recipe(recipe)
    wb = open_workbook(path, sheet=sheet)
    columns: dict[str, list[Any]] = {}
    led: list[tuple] = []
    context: dict[str, Any] = {}
    # a unit stated once for the workbook (a metadata sheet's ``Unit/单位`` row): a fallback
    # for every later sheet
    workbook: dict[str, Any] = {}
    page = getattr(wb, "title", None) or getattr(wb, "page_text", None)
    if page:
        context = context_from_text([page] if isinstance(page, str) else page)
    for sh in wb.sheets:
        # text printed outside the grid (an HTML page's title above a <table>), when the
        # container exposes it
        caption = getattr(sh, "caption", None)
        if caption:
            lines = [caption] if isinstance(caption, str) else list(caption)
            context = {**context, **context_from_text(lines)}
        try:
            res = parse_sheet(
                sh,
                file_name=wb.file_name,
                recipe=rec,
                region=region,
                year=year,
                context={**workbook, **context},
                ledger=ledger,
                columnar=True,
            )
        except LayoutError as exc:
            if sheet_errors is None:
                raise
            # one sheet that cannot be understood: report it, read the others
            sheet_errors.append(_error_row(wb.file_name, exc, sh.name))
            context = {}
            continue
        # an HTML page keeps its unit line (and sometimes its title) in a table of its own;
        # carry them to the next table of the same page
        if res.context and res.context.get("workbook_unit"):
            workbook["unit"] = res.context["workbook_unit"]
        if wb.kind == "html" and res.context:
            context = {**context, **res.context}
        elif res.n_rows:
            context = {}
        n = res.n_rows
        if n:
            # per column a list of pieces (lists, or arrays a panel body was read into)
            for name, pieces in res.columns.items():
                columns.setdefault(name, []).extend(pieces)
            columns.setdefault("source_file", []).append([wb.file_name] * n)
        for e in res.ledger:
            led.append(
                (
                    wb.file_name,
                    sh.name,
                    a1(e.row, e.col),
                    e.row + 1,
                    e.col + 1,
                    e.raw,
                    e.role,
                    e.reason,
                    e.table_id,
                )
            )
    return columns, led, wb.file_name


_STR_DTYPE = pd.StringDtype(storage="pyarrow", na_value=np.nan)  # the dtype of "str"


_STR_TEMPLATE: list[Any] = []


def _wrap_str(arr):
    """A pandas ``str`` array around a pyarrow ``large_string`` chunked array.

    Through ``ArrowStringArray._from_pyarrow_array`` (what pandas itself uses for results of
    operations), which skips the checks of the constructor; the constructor otherwise.
    """
    if not _STR_TEMPLATE:
        _STR_TEMPLATE.append(pd.arrays.ArrowStringArray(arr[:0], dtype=_STR_DTYPE))
    try:
        out = _STR_TEMPLATE[0]._from_pyarrow_array(arr)
    except AttributeError:  # pragma: no cover - a pandas without the helper
        return pd.arrays.ArrowStringArray(arr, dtype=_STR_DTYPE)
    if out.dtype is not _STR_DTYPE:  # pragma: no cover - a pandas that builds it otherwise
        return pd.arrays.ArrowStringArray(arr, dtype=_STR_DTYPE)
    return out


def _one_text(values: list[Any]) -> str | None:
    """The text when ``values`` is one text repeated (file, sheet and table names), else
    ``None``. Two probes reject most other columns before the count runs (at C speed).

    Examples
    --------
    >>> _one_text(["a", "a", "a"]), _one_text(["a", "b", "a"]), _one_text([None, None])
    ('a', None, None)
    """
    n = len(values)
    first = values[0] if n else None
    if (
        type(first) is str
        and values[-1] == first
        and values[n // 2] == first
        and values.count(first) == n
    ):
        return first
    return None


def _all_none(values: list[Any]) -> bool:
    """Whether every value is ``None`` (a column a table does not have: notes, English
    names); probes first, then a count at C speed.

    Examples
    --------
    >>> _all_none([None, None]), _all_none([None, "a", None]), _all_none([])
    (True, False, False)
    """
    n = len(values)
    return bool(n) and values[0] is None and values[-1] is None and values.count(None) == n


#: From this length on, a column of one repeated text (or of nothing) is built from
#: buffers; below it, joining the other columns' conversion costs less.
_BULK = 256


def _str_array(values: list[Any]):
    """A pandas ``str`` array; built straight from a pyarrow array (several times faster
    than ``pd.array(..., dtype="str")``, which matters for the many small tables)."""
    return _str_arrays({"": values})[""]


def _bulk_str(values: list[Any]):
    """A long column of one repeated text, or of nothing, as a pyarrow array built without
    looking at each value; ``None`` for any other column."""
    import pyarrow as pa

    n = len(values)
    if n < _BULK:
        return None
    if _all_none(values):
        return pa.nulls(n, pa.large_string())
    text = _one_text(values)
    if text is None:
        return None
    try:
        return _constant(text, n, array=True)  # from buffers, the text's bytes repeated
    except UnicodeEncodeError:  # a lone surrogate: converted with the other values
        return None


def _str_arrays(columns: dict[str, list[Any]]) -> dict[str, Any]:
    """Several ``str`` columns (name → list of values) converted together.

    One ``pa.array`` over the concatenated values, sliced per column (slices share the
    buffers, no copy): the fixed cost of a conversion, not the values, dominates the many
    small tables. A long column of one repeated text or of nothing is built from buffers.
    Should the joint conversion fail (a value that is not text), each column goes its own
    way, non-text values turned to text.
    """
    import pyarrow as pa

    out: dict[str, Any] = {}
    flat: list[Any] = []
    spans: dict[str, tuple[int, int]] = {}
    for name, values in columns.items():
        bulk = _bulk_str(values)
        if bulk is not None:
            out[name] = _wrap_str(pa.chunked_array([bulk]))
            continue
        spans[name] = (len(flat), len(values))
        flat.extend(values)
    if not spans:
        return out
    try:
        joint = pa.chunked_array([pa.array(flat, type=pa.large_string())])
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        if len(spans) == 1:
            (name,) = spans
            values = columns[name]
            out[name] = pd.array([None if v is None else str(v) for v in values], dtype="str")
            return out
        for name in spans:
            out[name] = _str_array(columns[name])
        return out
    for name, (start, n) in spans.items():
        out[name] = _wrap_str(joint.slice(start, n))
    return out


def _int_array(values: list[Any]):
    """A pandas ``Int64`` array from ints and ``None`` (through numpy: much faster)."""
    return _int_arrays({"": values})[""]


def _int_arrays(columns: dict[str, list[Any]]) -> dict[str, Any]:
    """Several ``Int64`` columns (name → list of ints and ``None``) converted together,
    through numpy in one pass; each column a view of the joint data and mask."""
    flat: list[Any] = []
    spans: dict[str, tuple[int, int]] = {}
    for name, values in columns.items():
        spans[name] = (len(flat), len(values))
        flat.extend(values)
    n = len(flat)
    k = flat.count(None)
    if k == 0:
        data = np.fromiter(flat, dtype="int64", count=n)
        mask = np.zeros(n, dtype=bool)
    elif k == n:
        data = np.zeros(n, dtype="int64")
        mask = np.ones(n, dtype=bool)
    else:
        # through an object array: the None test and the conversion run in numpy's C loops
        obj = np.array(flat, dtype=object)
        mask = np.equal(obj, None)
        obj[mask] = 0
        data = obj.astype("int64")
    return {
        name: pd.arrays.IntegerArray(data[start : start + m], mask[start : start + m])
        for name, (start, m) in spans.items()
    }


def _joined(pieces: list[Any]) -> list[Any] | None:
    """The values of pieces that are all lists, as one list (the piece itself when there is
    only one); None when a piece is an array a panel body was read into.

    Examples
    --------
    >>> _joined([[1, 2], [3]]), _joined([]), _joined([[1], np.zeros(1)])
    ([1, 2, 3], [], None)
    """
    if len(pieces) == 1 and type(pieces[0]) is list:
        return pieces[0]
    if not all(type(p) is list for p in pieces):
        return None
    values: list[Any] = []
    for p in pieces:
        values.extend(p)
    return values


def _column(pieces: list[Any], dtype: str):
    """One tidy column from its pieces: lists of values, or arrays built in bulk."""
    values = _joined(pieces)
    if values is not None:
        if dtype == "float64":
            return np.asarray(values, dtype="float64")
        if dtype == "str":
            return _str_array(values)
        return _int_array(values)
    if dtype == "float64":
        return np.concatenate(
            [np.asarray(p, dtype="float64") if isinstance(p, list) else p for p in pieces]
        )
    if dtype == "str":
        import pyarrow as pa

        arrs = []
        for p in pieces:
            if isinstance(p, list):
                a = _str_array(p)
                if not isinstance(a, pd.arrays.ArrowStringArray):  # pragma: no cover
                    return _column([_as_list(q) for q in pieces], dtype)
                arrs.extend(a._pa_array.chunks)
            else:
                arrs.append(p)
        # one piece (a panel read in bulk) is taken as it is: concatenating copies
        arr = pa.concat_arrays(arrs) if len(arrs) > 1 else arrs[0]
        return _wrap_str(pa.chunked_array([arr]))
    return pd.arrays.IntegerArray._concat_same_type(
        [_int_array(p) if isinstance(p, list) else p for p in pieces]
    )


_COLUMNS_INDEX: dict[tuple[str, ...], pd.Index] = {}


def _columns_index(names: list[str]) -> pd.Index:
    """The column index of a tidy frame: a fresh view of one index built once (building
    it costs more than the data of a small table; a view keeps each frame's own name)."""
    key = tuple(names)
    idx = _COLUMNS_INDEX.get(key)
    if idx is None:
        idx = _COLUMNS_INDEX[key] = pd.Index(names)
    return idx._view()


_NAMES = list(TIDY_COLUMNS) + list(EXTRA_COLUMNS)
_DTYPES = {c: TIDY_DTYPES.get(c) or _EXTRA_DTYPES[c] for c in _NAMES}


def _frame(columns: dict[str, list[Any]] | list[dict[str, list[Any]]]) -> pd.DataFrame:
    """The tidy frame from the columns of one or more workbooks (each column a list of
    pieces, see ``parse_sheet(columnar=True)``)."""
    parts = columns if isinstance(columns, list) else [columns]
    data: dict[str, Any] = {}
    # columns whose pieces are all lists (every column of the many small tables) are
    # converted together per dtype: one conversion instead of one per column
    texts: dict[str, list[Any]] = {}
    ints: dict[str, list[Any]] = {}
    for c in _NAMES:
        pieces: list[Any] = []
        for part in parts:
            pieces.extend(part.get(c, ()))
        dtype = _DTYPES[c]
        values = None if dtype == "float64" else _joined(pieces)
        if values is None:
            data[c] = _column(pieces, dtype)
        else:
            (texts if dtype == "str" else ints)[c] = values
    if texts:
        data.update(_str_arrays(texts))
    if ints:
        data.update(_int_arrays(ints))
    n = len(data["source_cell"])
    arrays = [data[c] for c in _NAMES]
    try:
        # the arrays are built with their final dtypes and lengths: skip the checks of the
        # dict constructor (they cost more than the data for the many small tables)
        return pd.DataFrame._from_arrays(
            arrays,
            columns=_columns_index(_NAMES),
            index=pd.RangeIndex(n),
            verify_integrity=False,
        )
    except (AttributeError, TypeError):  # pragma: no cover - a pandas without the helper
        return pd.DataFrame(dict(zip(_NAMES, arrays, strict=True)), copy=False)


def read_yearbook(
    path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    region: str | None = None,
    year: int | None = None,
    recipe: str | os.PathLike[str] | Mapping[str, Any] | Recipe | None = None,
    errors: str = "raise",
) -> pd.DataFrame:
    """Read one yearbook workbook into the tidy indicator table, with no configuration.

    Parameters
    ----------
    path
        The workbook; its container is sniffed from the content, never the extension.
    sheet
        Read only this sheet (default: every sheet).
    region, year
        Values for dimensions the table itself lacks (a county yearbook's tables often
        print neither the county nor the year).
    recipe
        Optional overrides for a table the detection gets wrong: a YAML path, a mapping or
        a :class:`greenstats.specs.recipe.Recipe` (keys ``header_rows``, ``stub_cols``,
        ``orientation``, ``stub``, ``region``, ``year``, ``unit``, ``skip_rows``, ...).
    errors
        ``"raise"`` (default): a sheet whose table cannot be understood raises.
        ``"collect"``: such a sheet is skipped with a warning, the other sheets are read,
        and ``.attrs["errors"]`` lists the skipped sheets (columns ``file, sheet, cell,
        error, message``, as :func:`read_yearbooks` gives). A file that cannot be opened
        raises either way.

    Returns
    -------
    pandas.DataFrame
        One row per value cell (markers included), columns ``schema.TIDY_COLUMNS`` then
        ``unit_mult``, ``level``, ``parent``.

    Raises
    ------
    ReadError
        The file is missing, corrupt or protected with a non-default password.
    LayoutError
        A table cannot be understood (with ``errors="raise"``); the message names file,
        sheet, cell and the fix.

    Examples
    --------
    >>> import greenstats as gs
    >>> tidy = gs.read_yearbook("data/raw/lianyungang-yearbook-SIMULATED.xlsx")  # doctest: +SKIP
    >>> tidy.query("indicator == '用水总量' and year == 2020")[["value", "unit"]]  # doctest: +SKIP
    """
    if errors not in ("raise", "collect"):
        raise GreenstatsError(
            f"errors must be 'raise' or 'collect', got {errors!r}",
            key="errors",
            fix="pass errors='raise' (default) or errors='collect'",
        )
    bad: list[tuple] | None = [] if errors == "collect" else None
    columns, _, file_name = _parse(path, sheet, region, year, recipe, sheet_errors=bad)
    with _gc_paused():
        df = _frame(columns)
    if bad is not None:
        df.attrs["errors"] = _error_frame(bad)
        if bad:
            warnings.warn(
                f"{file_name}: {len(bad)} sheet(s) could not be read and were skipped; see "
                f".attrs['errors'] (first: {bad[0][4]})",
                stacklevel=2,
            )
    return df


def _error_frame(rows: list[tuple]) -> pd.DataFrame:
    """The error report (:data:`ERROR_COLUMNS`, all ``str``) from error rows."""
    err = pd.DataFrame(rows, columns=list(ERROR_COLUMNS))
    for c in ERROR_COLUMNS:
        err[c] = err[c].astype("str")
    return err


def cell_ledger(path: str | os.PathLike[str], *, sheet: str | None = None) -> pd.DataFrame:
    """Every non-empty source cell with its role, as seen by :func:`read_yearbook`.

    Parameters
    ----------
    path
        The workbook.
    sheet
        Only this sheet.

    Returns
    -------
    pandas.DataFrame
        Columns ``source_file, source_sheet, source_cell, row, col`` (1-based), ``raw`` (the
        cell as text), ``role`` (one of ``schema.LEDGER_ROLES``), ``reason`` (why a cell is
        ignored; NA otherwise) and ``table_id``.

    Examples
    --------
    >>> import greenstats as gs
    >>> led = gs.cell_ledger("data/raw/lianyungang-yearbook-SIMULATED.xlsx")  # doctest: +SKIP
    >>> led.role.value_counts()  # doctest: +SKIP
    """
    _, ledger, _ = _parse(path, sheet, None, None, None, ledger=True)
    df = pd.DataFrame(ledger, columns=list(LEDGER_COLUMNS))
    for c in ("source_file", "source_sheet", "source_cell", "raw", "role", "reason", "table_id"):
        df[c] = df[c].astype("str")
    for c in ("row", "col"):
        df[c] = df[c].astype("int64")
    bad = set(df["role"]) - set(LEDGER_ROLES)
    if bad:  # pragma: no cover - a bug guard
        raise LayoutError(f"internal: unknown ledger roles {sorted(bad)}", file=str(path))
    return df


def _expand(paths_or_dir: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    if isinstance(paths_or_dir, str | os.PathLike):
        p = Path(paths_or_dir)
        if p.is_dir():
            return sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in _SUFFIXES
                and not f.name.startswith((".", "~$"))
            )
        return [p]
    return [Path(p) for p in paths_or_dir]


def _one(path: str) -> tuple[dict[str, list[Any]] | None, list[tuple]]:
    """Read one file of a batch: its tidy columns (``None`` if it failed) and the error
    rows of the file or of its sheets that could not be read."""
    errors: list[tuple] = []
    try:
        columns, _, _ = _parse(path, None, None, None, None, sheet_errors=errors)
        return columns, errors
    except Exception as exc:  # noqa: BLE001 - any failure of one file is reported, not raised
        return None, [*errors, _error_row(Path(path).name, exc)]


def read_yearbooks(
    paths_or_dir: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    jobs: int = 1,
    progress: bool = True,
) -> pd.DataFrame:
    """Read many workbooks; a bad file is reported, not fatal.

    Parameters
    ----------
    paths_or_dir
        A directory (read recursively: .xls, .xlsx, .xlsm, .htm, .html, .csv, .et files)
        or an iterable of paths.
    jobs
        Worker processes (``jobs > 1`` reads files in parallel).
    progress
        Show a tqdm progress bar.

    Returns
    -------
    pandas.DataFrame
        The tidy table of every readable file; ``.attrs["errors"]`` is a DataFrame with
        columns ``file, sheet, cell, error, message``, one row per file that failed and
        per sheet that was skipped because its table could not be understood (the other
        sheets of that file are read). A warning names how many failed.

    Examples
    --------
    >>> import greenstats as gs
    >>> tidy = gs.read_yearbooks("data/raw", progress=False)  # doctest: +SKIP
    >>> tidy.attrs["errors"]  # doctest: +SKIP
    """
    if not isinstance(jobs, int) or jobs < 1:
        raise GreenstatsError(
            f"jobs must be a positive integer, got {jobs!r}", key="jobs", fix="pass jobs=1 or more"
        )
    files = [str(p) for p in _expand(paths_or_dir)]
    from tqdm.auto import tqdm

    results: list[tuple[dict[str, list[Any]] | None, list[tuple]]] = []
    bar = tqdm(total=len(files), disable=not progress, desc="reading yearbooks", unit="file")
    try:
        if jobs > 1 and len(files) > 1:
            with ProcessPoolExecutor(max_workers=min(jobs, len(files))) as pool:
                for res in pool.map(_one, files, chunksize=max(1, len(files) // (jobs * 8))):
                    results.append(res)
                    bar.update(1)
        else:
            for f in files:
                results.append(_one(f))
                bar.update(1)
    finally:
        bar.close()
    parts: list[dict[str, list[Any]]] = []
    errors: list[tuple] = []
    failed_files = skipped_sheets = 0
    for r, e in results:
        errors.extend(e)
        if r:
            parts.append(r)
            skipped_sheets += len(e)
        elif e:  # the file could not be opened, or none of its sheets could be read
            failed_files += 1
    df = _frame(parts)
    df.attrs["errors"] = _error_frame(errors)
    if errors:
        what = f"{failed_files} of {len(files)} files could not be read"
        if skipped_sheets:
            what += f", and {skipped_sheets} sheet(s) of the other files were skipped"
        warnings.warn(
            f"{what}; see .attrs['errors'] (first: {errors[0][4]})",
            stacklevel=2,
        )
    return df


# keep ReadError importable from here for users who catch it next to read_yearbook
_ = ReadError
