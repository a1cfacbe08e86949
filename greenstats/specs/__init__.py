"""Declarative specs (YAML): the only code in greenstats that parses YAML.

Submodules load one kind of spec each into frozen dataclasses and validate it on load,
raising :class:`greenstats.errors.SpecError` with the failing key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from greenstats.errors import SpecError


def read_yaml(source: str | Path | Mapping[str, Any]) -> Any:
    """Parse a YAML file (path) or pass a mapping through.

    Parameters
    ----------
    source
        A path to a YAML file, or an already-parsed mapping.

    Returns
    -------
    The parsed document.

    Raises
    ------
    SpecError
        If the file is missing or is not valid YAML.

    Examples
    --------
    >>> read_yaml({"a": 1})
    {'a': 1}
    """
    if isinstance(source, Mapping):
        return dict(source)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(
            f"cannot read YAML spec ({exc.strerror})", file=str(path), fix="check the path"
        ) from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise SpecError(
            f"invalid YAML ({getattr(exc, 'problem', exc)})",
            file=str(path),
            cell=where,
            fix="correct the YAML syntax",
        ) from exc


def read_package_yaml(name: str) -> Any:
    """Parse a YAML file shipped in ``greenstats/data``.

    Examples
    --------
    >>> isinstance(read_package_yaml, object)
    True
    """
    ref = resources.files("greenstats") / "data" / name
    try:
        text = ref.read_text(encoding="utf-8")
    except OSError as exc:  # pragma: no cover - a broken install
        raise SpecError(
            "package data file missing", file=str(ref), fix="reinstall greenstats"
        ) from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(f"invalid YAML ({exc})", file=str(ref), fix="correct the YAML") from exc


def finite_number(value: Any, field: str, key: str, file: str) -> float | None:
    """A spec's numeric field as float (None stays None); anything else is a SpecError.

    Examples
    --------
    >>> finite_number(29.55, "value", "water.total_use.2022", "targets.yaml")
    29.55
    >>> finite_number("13%", "value", "energy.nonfossil_share.2022", "targets.yaml")
    Traceback (most recent call last):
    ...
    greenstats.errors.SpecError: targets.yaml, key 'energy.nonfossil_share.2022': value must be a finite number, got '13%'. Fix: correct value
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SpecError(
            f"{field} must be a finite number, got {value!r}",
            file=file,
            key=key,
            fix=f"correct {field}",
        )
    return float(value)
