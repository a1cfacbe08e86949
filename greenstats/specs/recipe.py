"""Optional YAML recipe for the rare table that zero-configuration detection gets wrong.

A recipe is a small mapping (from a YAML file, or a dict) that overrides what
:func:`greenstats.read_yearbook` detects by itself. It is loaded into a frozen
:class:`Recipe` and validated on load; every problem raises
:class:`greenstats.errors.SpecError` naming the key.

Keys (all optional):

``header_rows``
    How many rows above the first body row form the column header (int, 0-5).
``stub_cols``
    How many columns, counted from the table's first column, hold row labels (int >= 0).
``orientation``
    ``auto`` (default), ``years_across`` (years are column headers; no stub column is read
    as years), ``years_down`` (the first stub column holds the years) or ``no_years``
    (year-like labels stay labels).
``stub``
    What the row labels are: ``auto`` (default), ``region`` or ``indicator``.
``region``, ``year``, ``unit``, ``indicator``
    Values for dimensions the table itself lacks (``year`` an int such as 2020).
``body_start``
    Excel row number (1-based) of the first body row.
``skip_rows``
    Excel row numbers (1-based) to leave out (ledger role ``ignored``, reason ``recipe``).
``sheets``
    Per-sheet overrides: ``{sheet name: {same keys}}``.

Examples
--------
>>> r = load_recipe({"header_rows": 2, "stub_cols": 1, "orientation": "years_across"})
>>> r.header_rows, r.stub_cols, r.orientation
(2, 1, 'years_across')
>>> load_recipe({"header_row": 2})
Traceback (most recent call last):
...
greenstats.errors.SpecError: key 'header_row': unknown recipe key. Fix: use one of body_start, header_rows, indicator, orientation, region, sheets, skip_rows, stub, stub_cols, unit, year
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from greenstats.errors import SpecError
from greenstats.specs import read_yaml

ORIENTATIONS: tuple[str, ...] = ("auto", "years_across", "years_down", "no_years")
STUB_KINDS: tuple[str, ...] = ("auto", "region", "indicator")
_KEYS: tuple[str, ...] = (
    "body_start",
    "header_rows",
    "indicator",
    "orientation",
    "region",
    "sheets",
    "skip_rows",
    "stub",
    "stub_cols",
    "unit",
    "year",
)


@dataclass(frozen=True, slots=True)
class Recipe:
    """Overrides for the layout detection of one table (or every table of a workbook).

    Examples
    --------
    >>> Recipe().orientation
    'auto'
    >>> Recipe(sheets={"A": Recipe(year=2020)}).for_sheet("A").year
    2020
    """

    header_rows: int | None = None
    stub_cols: int | None = None
    orientation: str = "auto"
    stub: str = "auto"
    region: str | None = None
    year: int | None = None
    unit: str | None = None
    indicator: str | None = None
    body_start: int | None = None
    skip_rows: tuple[int, ...] = ()
    sheets: Mapping[str, Recipe] = field(default_factory=dict)

    def for_sheet(self, name: str) -> Recipe:
        """The recipe for sheet ``name``: the top-level keys, overridden per sheet.

        Examples
        --------
        >>> Recipe(header_rows=1, sheets={"S": Recipe(stub_cols=2)}).for_sheet("S").header_rows
        1
        """
        sub = self.sheets.get(name)
        if sub is None:
            return self
        changes = {
            f: getattr(sub, f)
            for f in _KEYS
            if f != "sheets" and getattr(sub, f) != getattr(Recipe(), f)
        }
        return replace(self, sheets={}, **changes)


def _int(value: Any, key: str, lo: int, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(
            f"must be a whole number, got {value!r}", key=key, fix=f"write an integer >= {lo}"
        )
    if value < lo or (hi is not None and value > hi):
        rng = f"{lo}..{hi}" if hi is not None else f">= {lo}"
        raise SpecError(f"must be in {rng}, got {value}", key=key, fix=f"use a value in {rng}")
    return value


def _str(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"must be a non-empty text, got {value!r}", key=key, fix="quote the text")
    return value.strip()


def _choice(value: Any, key: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise SpecError(
            f"must be one of {', '.join(allowed)}, got {value!r}",
            key=key,
            fix=f"use one of {', '.join(allowed)}",
        )
    return value


def _build(data: Mapping[str, Any], prefix: str, file: str | None) -> Recipe:
    if not isinstance(data, Mapping):
        raise SpecError(
            f"a recipe must be a mapping, got {type(data).__name__}",
            file=file,
            key=prefix or None,
            fix="write the recipe as `key: value` lines",
        )
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in _KEYS:
            raise SpecError(
                "unknown recipe key", file=file, key=name, fix=f"use one of {', '.join(_KEYS)}"
            )
        if value is None:
            continue
        try:
            if key == "header_rows":
                kwargs[key] = _int(value, name, 0, 5)
            elif key in ("stub_cols",):
                kwargs[key] = _int(value, name, 0)
            elif key == "body_start":
                kwargs[key] = _int(value, name, 1)
            elif key == "year":
                kwargs[key] = _int(value, name, 1000, 2999)
            elif key == "orientation":
                kwargs[key] = _choice(value, name, ORIENTATIONS)
            elif key == "stub":
                kwargs[key] = _choice(value, name, STUB_KINDS)
            elif key in ("region", "unit", "indicator"):
                kwargs[key] = _str(value, name)
            elif key == "skip_rows":
                if not isinstance(value, list | tuple):
                    raise SpecError(
                        f"must be a list of row numbers, got {value!r}",
                        key=name,
                        fix="write e.g. skip_rows: [5, 6]",
                    )
                kwargs[key] = tuple(_int(v, name, 1) for v in value)
            elif key == "sheets":
                if prefix:
                    raise SpecError(
                        "sheets cannot be nested", key=name, fix="move it to the top level"
                    )
                if not isinstance(value, Mapping):
                    raise SpecError(
                        "must map sheet names to recipes", key=name, fix="write sheets: {S: {..}}"
                    )
                kwargs[key] = {
                    str(s): _build(sub, f"sheets.{s}.", file) for s, sub in value.items()
                }
        except SpecError as exc:
            if exc.file is None and file is not None:
                raise SpecError(exc.message, file=file, key=exc.key, fix=exc.fix) from None
            raise
    return Recipe(**kwargs)


def load_recipe(source: str | Path | Mapping[str, Any] | Recipe | None) -> Recipe | None:
    """Load and validate a recipe.

    Parameters
    ----------
    source
        A path to a YAML file, a mapping, an existing :class:`Recipe`, or ``None``.

    Returns
    -------
    Recipe or None
        ``None`` when ``source`` is ``None``.

    Raises
    ------
    SpecError
        Naming the offending key and the fix.

    Examples
    --------
    >>> load_recipe(None) is None
    True
    >>> load_recipe({"stub": "region", "year": 2014}).year
    2014
    >>> load_recipe({"orientation": "sideways"})
    Traceback (most recent call last):
    ...
    greenstats.errors.SpecError: key 'orientation': must be one of auto, years_across, \
years_down, no_years, got 'sideways'. Fix: use one of auto, years_across, years_down, no_years
    """
    if source is None or isinstance(source, Recipe):
        return source
    file = None if isinstance(source, Mapping) else str(source)
    data = read_yaml(source)
    if data is None:
        data = {}
    return _build(data, "", file)
