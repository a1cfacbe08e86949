"""Exception classes of greenstats.

Every message names the file, sheet, cell, key or parameter at fault and says how to fix it.
This module is a leaf: it imports nothing from greenstats.

Examples
--------
>>> from greenstats.errors import LayoutError
>>> err = LayoutError("no year found", file="a.xls", sheet="Sheet1", cell="B3",
...                   fix="pass year=2020")
>>> str(err)
'a.xls, sheet Sheet1, cell B3: no year found. Fix: pass year=2020'
"""

from __future__ import annotations


class GreenstatsError(Exception):
    """Base class of every error greenstats raises on purpose.

    Parameters
    ----------
    message
        What went wrong.
    file, sheet, cell, key
        Where it went wrong, as far as known.
    fix
        What the user can do about it.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        key: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.sheet = sheet
        self.cell = cell
        self.key = key
        self.fix = fix
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.cell:
            where.append(f"cell {self.cell}")
        if self.key:
            where.append(f"key {self.key!r}")
        text = (", ".join(where) + ": " if where else "") + self.message
        if self.fix:
            text += f". Fix: {self.fix}"
        return text

    def __reduce__(self):  # keep picklable across processes (read_yearbooks jobs=N)
        return (
            _rebuild,
            (type(self), self.message, self.file, self.sheet, self.cell, self.key, self.fix),
        )


def _rebuild(cls, message, file, sheet, cell, key, fix):
    return cls(message, file=file, sheet=sheet, cell=cell, key=key, fix=fix)


class ReadError(GreenstatsError):
    """A file cannot be opened: unknown container, wrong password, corrupt or missing file."""


class LayoutError(GreenstatsError):
    """A table's layout cannot be understood (headers, stub, years) without help (a recipe)."""


class SpecError(GreenstatsError):
    """A YAML spec (targets, indicators, overrides, recipe, thresholds) is invalid."""


class SeriesError(GreenstatsError):
    """A series cannot be assessed (empty, wrong index, unknown target)."""
