"""greenstats: read Chinese statistical yearbooks and judge green-development targets.

The public names are listed in ``__all__``. They load lazily, so ``import greenstats`` stays
cheap: pandas, statsmodels, matplotlib and papermill are imported only when a function that
needs them is first used.

Examples
--------
>>> import greenstats as gs
>>> "read_yearbook" in gs.__all__
True
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "read_yearbook": "greenstats.reader",
    "read_yearbooks": "greenstats.reader",
    "cell_ledger": "greenstats.reader",
    "load_indicators": "greenstats.indicators",
    "load_targets": "greenstats.targets",
    "to_panel": "greenstats.indicators",
    "assess": "greenstats.assessment",
    "assess_all": "greenstats.assessment",
    "Assessment": "greenstats.assessment",
    "run": "greenstats.pipeline",
    "GreenstatsError": "greenstats.errors",
    "ReadError": "greenstats.errors",
    "LayoutError": "greenstats.errors",
    "SpecError": "greenstats.errors",
    "SeriesError": "greenstats.errors",
}

__all__ = [
    "Assessment",
    "GreenstatsError",
    "LayoutError",
    "ReadError",
    "SeriesError",
    "SpecError",
    "__version__",
    "assess",
    "assess_all",
    "cell_ledger",
    "load_indicators",
    "load_targets",
    "read_yearbook",
    "read_yearbooks",
    "run",
    "to_panel",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from greenstats.assessment import Assessment, assess, assess_all
    from greenstats.errors import (
        GreenstatsError,
        LayoutError,
        ReadError,
        SeriesError,
        SpecError,
    )
    from greenstats.indicators import load_indicators, to_panel
    from greenstats.pipeline import run
    from greenstats.reader import cell_ledger, read_yearbook, read_yearbooks
    from greenstats.targets import load_targets


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'greenstats' has no attribute {name!r}") from None
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
