"""The plan's targets (``greenstats/data/targets.yaml``) and user overrides, as frozen dataclasses.

Validated on load; a problem raises :class:`~greenstats.errors.SpecError` naming the key.

Tolerance rule for "about" (左右, comparator ``~``), an assumption the plan does not state:
shares and rates in % get +-1 percentage point, levels +-5% of the value. The YAML stores the
tolerance explicitly and :func:`tolerance_rule` checks it.

Examples
--------
>>> specs = load_target_specs()
>>> len(specs)
30
>>> tolerance_rule(200, "亿元"), tolerance_rule(13, "%")
(10.0, 1.0)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from greenstats.errors import SpecError
from greenstats.schema import COMPARATORS, TARGET_COLUMNS
from greenstats.specs import finite_number, read_package_yaml, read_yaml

_FILE = "greenstats/data/targets.yaml"
_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\.(19|20)\d\d")
_CLAUSE = re.compile(r"\([一二三四五六七八九十]+\)")
#: comparators that need no printed value
NO_VALUE: tuple[str, ...] = ("increase", "zero_growth", "provincial")


def tolerance_rule(value: float, unit: str) -> float:
    """Tolerance of an "about" (左右) target: 1 percentage point for %, else 5% of the value.

    Examples
    --------
    >>> tolerance_rule(45, "%")
    1.0
    >>> tolerance_rule(200, "亿元")
    10.0
    """
    return 1.0 if unit == "%" else abs(float(value)) * 0.05


@dataclass(frozen=True)
class TargetSpec:
    """One target of the plan (fields as in ``greenstats.schema.TARGET_COLUMNS`` plus ``note``)."""

    target_id: str
    clause: str
    indicator: str
    deadline: int
    comparator: str
    value: float | None
    unit: str
    base_year: int | None
    tolerance: float | None
    departments: str | None
    text_zh: str
    note: str | None = None


@dataclass(frozen=True)
class OverrideSpec:
    """A number the plan leaves to Jiangsu (省定目标), supplied by the user with its source.

    ``indicator`` may differ from the plan target's (e.g. ``energy_intensity_change``). A value
    in ``%`` for an indicator in another unit, with ``base_year``, is a percent change against
    that year (``energy_intensity``, ``<=``, ``-13.5``, ``%``, ``2020``).
    """

    target_id: str
    comparator: str | None
    value: float | None
    unit: str | None
    source: str
    indicator: str | None = None
    base_year: int | None = None
    tolerance: float | None = None
    note: str | None = None


_TARGET_FIELDS = {*TARGET_COLUMNS, "note"}


def _year(value: Any, field: str, key: str, file: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1949 <= value <= 2100:
        raise SpecError(
            f"{field} must be a year, got {value!r}", file=file, key=key, fix=f"correct {field}"
        )
    return int(value)


def _text(entry: Mapping[str, Any], field: str, key: str, *, required: bool) -> str | None:
    value = entry.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise SpecError(f"missing field {field!r}", file=_FILE, key=key, fix=f"add {field}:")
        return None
    if not isinstance(value, str):
        raise SpecError(
            f"{field} must be text, got {value!r}", file=_FILE, key=key, fix=f"quote {field}"
        )
    return value


def parse_target(entry: Any, index: int = 0) -> TargetSpec:
    """Validate one target entry.

    Examples
    --------
    >>> parse_target({"target_id": "water.total_use.2022", "clause": "(十九)",
    ...     "indicator": "water_use", "deadline": 2022, "comparator": "<=", "value": None,
    ...     "unit": "亿立方米", "text_zh": "全市用水总量控制在29.55亿立方米以内"})
    Traceback (most recent call last):
    ...
    greenstats.errors.SpecError: greenstats/data/targets.yaml, key 'water.total_use.2022': comparator '<=' needs a value. Fix: give the printed number, or use comparator provincial
    """
    if not isinstance(entry, Mapping):
        raise SpecError(
            "a target must be a mapping",
            file=_FILE,
            key=f"targets[{index}]",
            fix="correct the entry",
        )
    tid = entry.get("target_id")
    if not isinstance(tid, str) or not _ID.fullmatch(tid):
        raise SpecError(
            f"bad target_id {tid!r}",
            file=_FILE,
            key=f"targets[{index}]",
            fix="use theme.name.YEAR, e.g. water.total_use.2022",
        )
    unknown = set(entry) - _TARGET_FIELDS
    if unknown:
        raise SpecError(
            f"unknown field(s) {sorted(unknown)}",
            file=_FILE,
            key=tid,
            fix=f"use only {sorted(_TARGET_FIELDS)}",
        )
    clause = _text(entry, "clause", tid, required=True)
    if not _CLAUSE.fullmatch(clause):
        raise SpecError(
            f"clause {clause!r} is not like (十九)",
            file=_FILE,
            key=tid,
            fix="write the clause number in Chinese in ASCII brackets",
        )
    comparator = entry.get("comparator")
    if comparator not in COMPARATORS:
        raise SpecError(
            f"comparator {comparator!r} is not one of {COMPARATORS}",
            file=_FILE,
            key=tid,
            fix="correct comparator",
        )
    deadline = _year(entry.get("deadline"), "deadline", tid, _FILE)
    if deadline is None:
        raise SpecError("missing deadline", file=_FILE, key=tid, fix="add deadline:")
    if not tid.endswith(f".{deadline}"):
        raise SpecError(
            f"target_id does not end with its deadline {deadline}",
            file=_FILE,
            key=tid,
            fix="make the id end with .<deadline>",
        )
    value = finite_number(entry.get("value"), "value", tid, _FILE)
    if comparator in NO_VALUE and value is not None:
        raise SpecError(
            f"comparator {comparator!r} takes no value", file=_FILE, key=tid, fix="set value: null"
        )
    if comparator not in NO_VALUE and value is None:
        raise SpecError(
            f"comparator {comparator!r} needs a value",
            file=_FILE,
            key=tid,
            fix="give the printed number, or use comparator provincial",
        )
    base_year = _year(entry.get("base_year"), "base_year", tid, _FILE)
    if comparator == "zero_growth" and base_year is None:
        raise SpecError("zero_growth needs a base_year", file=_FILE, key=tid, fix="add base_year:")
    tolerance = finite_number(entry.get("tolerance"), "tolerance", tid, _FILE)
    if (comparator == "~") != (tolerance is not None):
        raise SpecError(
            "tolerance is given for comparator ~ (左右) and only for it",
            file=_FILE,
            key=tid,
            fix="add or remove tolerance",
        )
    if tolerance is not None and tolerance < 0:
        raise SpecError("tolerance must be >= 0", file=_FILE, key=tid, fix="correct it")
    return TargetSpec(
        target_id=tid,
        clause=clause,
        indicator=_text(entry, "indicator", tid, required=True),
        deadline=deadline,
        comparator=comparator,
        value=value,
        unit=_text(entry, "unit", tid, required=True),
        base_year=base_year,
        tolerance=tolerance,
        departments=_text(entry, "departments", tid, required=False),
        text_zh=_text(entry, "text_zh", tid, required=True),
        note=_text(entry, "note", tid, required=False),
    )


def parse_targets(doc: Any) -> tuple[TargetSpec, ...]:
    """Validate the whole targets document (a mapping with a ``targets`` list)."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("targets"), list):
        raise SpecError(
            "the file must hold a `targets` list", file=_FILE, key="targets", fix="check the file"
        )
    parse_plan(doc)  # the plan's own facts are validated with the targets
    specs = tuple(parse_target(e, i) for i, e in enumerate(doc["targets"]))
    seen: set[str] = set()
    for spec in specs:
        if spec.target_id in seen:
            raise SpecError(
                "duplicate target_id",
                file=_FILE,
                key=spec.target_id,
                fix="give each target its own id",
            )
        seen.add(spec.target_id)
    return specs


@lru_cache(maxsize=1)
def load_target_specs() -> tuple[TargetSpec, ...]:
    """Load and validate ``greenstats/data/targets.yaml`` (cached)."""
    return parse_targets(read_package_yaml("targets.yaml"))


@dataclass(frozen=True)
class PlanSpec:
    """Facts about the plan itself (the ``plan:`` mapping of targets.yaml).

    ``issued`` is the year the plan was issued (None when the file does not say).
    """

    issued: int | None = None


_PLAN_FIELDS = {"issued"}


def parse_plan(doc: Any) -> PlanSpec:
    """Validate the optional top-level ``plan:`` mapping of the targets document.

    Examples
    --------
    >>> parse_plan({"plan": {"issued": 2021}, "targets": []})
    PlanSpec(issued=2021)
    >>> parse_plan({"targets": []})
    PlanSpec(issued=None)
    >>> parse_plan({"plan": {"issued": "2021年"}})
    Traceback (most recent call last):
    ...
    greenstats.errors.SpecError: greenstats/data/targets.yaml, key 'plan.issued': issued must be a year, got '2021年'. Fix: correct issued
    """
    plan = doc.get("plan") if isinstance(doc, Mapping) else None
    if plan is None:
        return PlanSpec()
    if not isinstance(plan, Mapping):
        raise SpecError(
            f"plan must be a mapping, got {plan!r}",
            file=_FILE,
            key="plan",
            fix="write e.g. plan: {issued: 2021}",
        )
    unknown = set(plan) - _PLAN_FIELDS
    if unknown:
        raise SpecError(
            f"unknown field(s) {sorted(unknown)}",
            file=_FILE,
            key="plan",
            fix=f"use only {sorted(_PLAN_FIELDS)}",
        )
    return PlanSpec(issued=_year(plan.get("issued"), "issued", "plan.issued", _FILE))


@lru_cache(maxsize=1)
def load_plan_spec() -> PlanSpec:
    """Load and validate the ``plan:`` mapping of ``greenstats/data/targets.yaml`` (cached)."""
    return parse_plan(read_package_yaml("targets.yaml"))


def plan_issued() -> int | None:
    """The year the plan was issued (``plan.issued`` in targets.yaml), None if not given.

    Examples
    --------
    >>> plan_issued()
    2021
    """
    return load_plan_spec().issued


_OVERRIDE_FIELDS = {
    "comparator",
    "value",
    "unit",
    "source",
    "indicator",
    "base_year",
    "tolerance",
    "note",
}


def load_overrides(source: str | Path | Mapping[str, Any]) -> dict[str, OverrideSpec]:
    """Parse user-supplied provincial numbers.

    The document is a mapping ``target_id -> entry`` (optionally under a ``targets:`` key,
    with a document-wide ``source:`` used where an entry gives none). Each entry needs
    ``comparator`` (not ``provincial``), ``value`` and a non-empty ``source`` saying where the
    number comes from; ``unit``, ``indicator``, ``base_year``, ``tolerance`` and ``note`` are
    optional. Whether the target exists and is provincial is checked by ``load_targets``.

    Examples
    --------
    >>> o = load_overrides({"energy.total_use.2022": {"comparator": "<=", "value": 2000,
    ...     "source": "example only, not a real number"}})
    >>> o["energy.total_use.2022"].value
    2000.0
    >>> load_overrides({"energy.total_use.2022": {"comparator": "<=", "value": 2000}})
    Traceback (most recent call last):
    ...
    greenstats.errors.SpecError: overrides, key 'energy.total_use.2022': missing source. Fix: say where the number comes from (document, article, page)
    """
    file = "overrides" if isinstance(source, Mapping) else str(source)
    doc = read_yaml(source)
    if doc is None:
        doc = {}
    if not isinstance(doc, Mapping):
        raise SpecError(
            "overrides must be a mapping target_id -> entry",
            file=file,
            fix="see load_targets' docstring",
        )
    default_source = doc.get("source")
    entries = doc.get("targets", {k: v for k, v in doc.items() if k != "source"})
    if not isinstance(entries, Mapping):
        raise SpecError(
            "`targets` must be a mapping target_id -> entry",
            file=file,
            key="targets",
            fix="see load_targets' docstring",
        )
    out: dict[str, OverrideSpec] = {}
    for tid, entry in entries.items():
        key = str(tid)
        if not isinstance(entry, Mapping):
            raise SpecError(
                "an override must be a mapping",
                file=file,
                key=key,
                fix="give comparator, value and source",
            )
        unknown = set(entry) - _OVERRIDE_FIELDS
        if unknown:
            raise SpecError(
                f"unknown field(s) {sorted(unknown)}",
                file=file,
                key=key,
                fix=f"use only {sorted(_OVERRIDE_FIELDS)}",
            )
        comparator = entry.get("comparator")
        if comparator is not None and (comparator not in COMPARATORS or comparator == "provincial"):
            raise SpecError(
                f"comparator {comparator!r} is not allowed here",
                file=file,
                key=key,
                fix="use <=, >=, ~, ==, increase or zero_growth, or omit "
                "it (the indicator's direction decides)",
            )
        value = finite_number(entry.get("value"), "value", key, file)
        if value is None and comparator not in NO_VALUE:
            raise SpecError("missing value", file=file, key=key, fix="give the provincial number")
        src = entry.get("source", default_source)
        if not isinstance(src, str) or not src.strip():
            raise SpecError(
                "missing source",
                file=file,
                key=key,
                fix="say where the number comes from (document, article, page)",
            )
        tolerance = finite_number(entry.get("tolerance"), "tolerance", key, file)
        if comparator == "~" and tolerance is None:
            raise SpecError(
                "comparator ~ needs a tolerance",
                file=file,
                key=key,
                fix="add tolerance: in the unit of value",
            )
        for field in ("unit", "indicator", "note"):
            if entry.get(field) is not None and not isinstance(entry[field], str):
                raise SpecError(f"{field} must be text", file=file, key=key, fix=f"quote {field}")
        out[key] = OverrideSpec(
            target_id=key,
            comparator=comparator,
            value=value,
            unit=entry.get("unit"),
            source=src.strip(),
            indicator=entry.get("indicator"),
            base_year=_year(entry.get("base_year"), "base_year", key, file),
            tolerance=tolerance,
            note=entry.get("note"),
        )
    return out
