"""Column contracts shared by every stage (a leaf module: imports nothing from greenstats).

The names and meanings are fixed in the architecture notes; users and checks depend on them.

Examples
--------
>>> from greenstats.schema import TIDY_COLUMNS, STATUS_LEGEND
>>> TIDY_COLUMNS[:3]
('table_id', 'table_title', 'indicator')
>>> STATUS_LEGEND["A"]
'normal value'
"""

from __future__ import annotations

#: Required columns of the tidy indicator table, in order (output of ``read_yearbook``).
TIDY_COLUMNS: tuple[str, ...] = (
    "table_id",
    "table_title",
    "indicator",
    "indicator_en",
    "breakdown",
    "region",
    "year",
    "value",
    "unit",
    "status",
    "note",
    "source_file",
    "source_sheet",
    "source_cell",
)

#: pandas dtypes of the tidy table's required columns.
TIDY_DTYPES: dict[str, str] = {
    "table_id": "str",
    "table_title": "str",
    "indicator": "str",
    "indicator_en": "str",
    "breakdown": "str",
    "region": "str",
    "year": "Int64",
    "value": "float64",
    "unit": "str",
    "status": "str",
    "note": "str",
    "source_file": "str",
    "source_sheet": "str",
    "source_cell": "str",
}

#: Observation status codes (SDMX OBS_STATUS-like) used in the tidy table's ``status`` column.
STATUS_LEGEND: dict[str, str] = {
    "A": "normal value",
    "M": "missing: the cell is empty or holds a dash (-, —, －, 一 used as a dash) or NA",
    "L": "below the table's smallest unit, exists but not shown (… or ...)",
    "F": "formula without a cached value: the value is unknown, never 0",
    "Z": "zero used as a missing-value code in a research panel (value kept as NaN)",
    "X": "text that is neither a number nor a known marker",
}

#: Roles a non-empty source cell can take in ``cell_ledger``.
LEDGER_ROLES: tuple[str, ...] = (
    "value",
    "marker",
    "header",
    "title",
    "unit",
    "note",
    "ignored",
)

#: Columns of the targets table (output of ``load_targets``).
TARGET_COLUMNS: tuple[str, ...] = (
    "target_id",
    "clause",
    "indicator",
    "deadline",
    "comparator",
    "value",
    "unit",
    "base_year",
    "tolerance",
    "departments",
    "text_zh",
)

#: Allowed comparators of a target.
COMPARATORS: tuple[str, ...] = ("<=", ">=", "~", "==", "increase", "zero_growth", "provincial")

#: Columns of the panel (output of ``to_panel``).
PANEL_COLUMNS: tuple[str, ...] = (
    "indicator",
    "region",
    "year",
    "value",
    "unit",
    "derived",
    "source_file",
    "source_sheet",
    "source_cell",
)

#: Fields of an ``Assessment`` (and columns of ``assess_all``), in order.
ASSESSMENT_FIELDS: tuple[str, ...] = (
    "target_id",
    "region",
    "deadline",
    "latest_year",
    "latest_value",
    "achieved",
    "projection",
    "lower80",
    "upper80",
    "lower95",
    "upper95",
    "probability",
    "observed_rate",
    "required_rate",
    "ratio",
    "category",
    "pace_level",
    "wording",
    "wording_zh",
    "models",
    "warnings",
)
