"""The plan's targets as a table.

Every quantitative target of Lianyungang's green-industry implementation opinions (30 of them,
clauses (三) to (十九), deadlines 2022 and 2025) lives in ``greenstats/data/targets.yaml``, with
the plan's own words (``text_zh``, verbatim). Targets whose number Jiangsu sets (省定目标) have
``comparator == "provincial"`` and no value; the user supplies them with ``overrides``.

Examples
--------
>>> t = load_targets()
>>> row = t.set_index("target_id").loc["water.total_use.2022"]
>>> row.comparator, float(row.value), row.unit
('<=', 29.55, '亿立方米')
>>> int((t.comparator == "provincial").sum())
6
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from greenstats.errors import SpecError
from greenstats.schema import TARGET_COLUMNS
from greenstats.specs.indicators import load_catalogue
from greenstats.specs.targets import (
    OverrideSpec,
    TargetSpec,
    load_overrides,
    load_target_specs,
)

__all__ = ["load_targets", "target_specs", "EXTRA_COLUMNS"]

#: columns after ``TARGET_COLUMNS``: why a target was encoded so, whether Jiangsu sets its
#: number, and where the number comes from ("plan" or the override's source string)
EXTRA_COLUMNS: tuple[str, ...] = ("note", "provincial", "source")

_DTYPES = {
    "target_id": "str",
    "clause": "str",
    "indicator": "str",
    "deadline": "Int64",
    "comparator": "str",
    "value": "float64",
    "unit": "str",
    "base_year": "Int64",
    "tolerance": "float64",
    "departments": "str",
    "text_zh": "str",
    "note": "str",
    "provincial": "bool",
    "source": "str",
}


def target_specs() -> tuple[TargetSpec, ...]:
    """The validated targets as frozen dataclasses, with indicator codes checked.

    Raises
    ------
    SpecError
        If a target names an indicator missing from the catalogue, or its unit is not the
        indicator's canonical unit.
    """
    catalogue = load_catalogue().indicators
    specs = load_target_specs()
    for spec in specs:
        ind = catalogue.get(spec.indicator)
        if ind is None:
            raise SpecError(
                f"indicator {spec.indicator!r} is not in the catalogue",
                file="greenstats/data/targets.yaml",
                key=spec.target_id,
                fix="add it to greenstats/data/indicators.yaml or correct the code",
            )
        if ind.unit != spec.unit:
            raise SpecError(
                f"unit {spec.unit!r} differs from the indicator's {ind.unit!r}",
                file="greenstats/data/targets.yaml",
                key=spec.target_id,
                fix="state the target in the indicator's canonical unit",
            )
    return specs


def _apply_override(spec: TargetSpec, ovr: OverrideSpec) -> dict[str, Any]:
    catalogue = load_catalogue()
    indicator = ovr.indicator or spec.indicator
    ind = catalogue.indicators.get(indicator)
    if ind is None:
        raise SpecError(
            f"indicator {indicator!r} is not in the catalogue",
            file="overrides",
            key=spec.target_id,
            fix="use a code from load_indicators()",
        )
    unit = ovr.unit or ind.unit
    base_year = ovr.base_year if ovr.base_year is not None else spec.base_year
    pct_change = unit == "%" and ind.unit != "%"
    if unit != ind.unit and not pct_change:
        raise SpecError(
            f"unit {unit!r} is not the indicator's canonical unit {ind.unit!r}",
            file="overrides",
            key=spec.target_id,
            fix=f"convert the number to {ind.unit}, or give a % change with base_year",
        )
    if pct_change and base_year is None:
        raise SpecError(
            "a % change needs the base year it is measured against",
            file="overrides",
            key=spec.target_id,
            fix="add base_year:",
        )
    comparator = ovr.comparator
    if comparator is None:
        if ind.direction not in ("higher", "lower"):
            raise SpecError(
                f"indicator {indicator!r} has no direction",
                file="overrides",
                key=spec.target_id,
                fix="give comparator:",
            )
        comparator = "<=" if ind.direction == "lower" else ">="
    row = asdict(spec)
    row.update(
        indicator=indicator,
        comparator=comparator,
        value=ovr.value,
        unit=unit,
        base_year=base_year,
        tolerance=ovr.tolerance,
        note="; ".join(x for x in (spec.note, ovr.note) if x),
        provincial=True,
        source=ovr.source,
    )
    return row


def load_targets(overrides: str | Path | Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Load the plan's targets as a DataFrame.

    Parameters
    ----------
    overrides
        Jiangsu's numbers for the provincial targets (省定目标), as a YAML path or a mapping
        ``target_id -> {value, source, [comparator, unit, indicator, base_year, tolerance,
        note]}`` (optionally under ``targets:``, with a document-wide ``source:``). ``source``
        is mandatory: greenstats never invents a number. Only targets whose comparator is
        ``provincial`` can be overridden; a printed number cannot. Without ``comparator`` the
        indicator's direction decides (``<=`` when lower is better). A value in ``%`` for an
        indicator in another unit, with ``base_year``, is a percent change against that
        year, e.g. ``{"value": -13.5, "unit": "%", "base_year": 2020, "source": ...}`` for
        energy intensity (assess turns it into a level).

    Returns
    -------
    DataFrame
        One row per target: ``greenstats.schema.TARGET_COLUMNS`` then ``note``,
        ``provincial`` (True where Jiangsu sets the number) and ``source`` (``"plan"``, or
        the override's source).

    Raises
    ------
    SpecError
        On an invalid spec or override, naming the key.

    Examples
    --------
    >>> t = load_targets({"energy.total_use.2022": {"comparator": "<=", "value": 1.0,
    ...                   "source": "illustration only"}})
    >>> row = t.set_index("target_id").loc["energy.total_use.2022"]
    >>> row.comparator, float(row.value), bool(row.provincial), row.source
    ('<=', 1.0, True, 'illustration only')
    """
    specs = target_specs()
    ovr = load_overrides(overrides) if overrides is not None else {}
    by_id = {s.target_id: s for s in specs}
    for tid in ovr:
        if tid not in by_id:
            raise SpecError(
                "no such target",
                file="overrides",
                key=tid,
                fix=f"use one of the provincial targets: {_provincial_ids(specs)}",
            )
        if by_id[tid].comparator != "provincial":
            raise SpecError(
                "the plan prints this target's number; only provincial targets "
                "(省定目标) can be overridden",
                file="overrides",
                key=tid,
                fix=f"use one of {_provincial_ids(specs)}",
            )
    rows = []
    for spec in specs:
        if spec.target_id in ovr:
            rows.append(_apply_override(spec, ovr[spec.target_id]))
        else:
            row = asdict(spec)
            row.update(provincial=spec.comparator == "provincial", source="plan")
            rows.append(row)
    frame = pd.DataFrame(rows, columns=[*TARGET_COLUMNS, *EXTRA_COLUMNS])
    frame["note"] = frame["note"].replace("", None)
    return frame.astype(_DTYPES)


def _provincial_ids(specs: tuple[TargetSpec, ...]) -> list[str]:
    return [s.target_id for s in specs if s.comparator == "provincial"]
