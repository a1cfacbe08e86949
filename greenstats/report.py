"""Reports: charts for JupyterLab, notebook execution with papermill, HTML with nbconvert.

matplotlib, seaborn, papermill and nbconvert are imported inside the functions that need them,
so that ``import greenstats`` stays cheap.

Examples
--------
>>> html_escape_table_cell("<b>")
'&lt;b&gt;'
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenstats.errors import GreenstatsError
from greenstats.io.write import atomic_path, write_text

if TYPE_CHECKING:
    import pandas as pd

#: Words that mark simulated inputs; a report built on them must say so.
SIMULATED_MARKERS = ("SIMULATED", "模拟数据")

_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei")


def html_escape_table_cell(value: Any) -> str:
    """Escape a value for an HTML table cell (NA becomes an empty string)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value))


def is_simulated(source_files: Sequence[str] | pd.Series) -> bool:
    """True when any source file name marks simulated data.

    Examples
    --------
    >>> is_simulated(["lianyungang-yearbook-SIMULATED.xlsx"])
    True
    >>> is_simulated(["ccsy-2016.xls"])
    False
    """
    return any(m in str(f) for f in source_files for m in SIMULATED_MARKERS)


def setup_matplotlib() -> bool:
    """Apply the report style; return True when a CJK font is available for Chinese labels.

    ``sns.set_theme()`` resets fonts, so the font family is set after it; glyph fallback
    works across ``font.family``. Without a CJK font, callers should label in English.
    """
    import matplotlib
    import seaborn as sns
    from matplotlib import font_manager

    sns.set_theme(style="whitegrid", context="notebook")
    names = {f.name for f in font_manager.fontManager.ttflist}
    cjk = [f for f in _CJK_FONTS if f in names]
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", *cjk, "sans-serif"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return bool(cjk)


def plot_assessment(
    series: pd.Series,
    assessment: Any,
    *,
    ax: Any = None,
    title: str | None = None,
    target_value: float | None = None,
    tolerance: float | None = None,
) -> Any:
    """Plot a series, the target and the projection's 80%/95% intervals at the deadline.

    Parameters
    ----------
    series
        Observed values indexed by year.
    assessment
        An :class:`greenstats.assessment.Assessment` (or any object with the same fields).
    ax
        Axes to draw on; a new figure when None.
    title
        Axes title; defaults to the target id.
    target_value, tolerance
        The target's value (a horizontal line) and, for "about" targets, its tolerance band.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    import numpy as np

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 3.6))
    s = series.dropna().sort_index()
    ax.plot(s.index.astype(int), s.to_numpy(dtype=float), "o-", color="#2b6cb0", label="observed")
    deadline = getattr(assessment, "deadline", None)
    proj = getattr(assessment, "projection", None)
    if deadline is not None and proj is not None and np.isfinite(proj):
        lo95, hi95 = assessment.lower95, assessment.upper95
        lo80, hi80 = assessment.lower80, assessment.upper80
        x = int(deadline)
        if lo95 is not None and np.isfinite(lo95):
            ax.vlines(x, lo95, hi95, color="#f6ad55", lw=6, alpha=0.6, label="95% interval")
        if lo80 is not None and np.isfinite(lo80):
            ax.vlines(x, lo80, hi80, color="#dd6b20", lw=6, alpha=0.9, label="80% interval")
        ax.plot([x], [proj], "D", color="#7b341e", label="median projection")
        if len(s):
            ax.plot([s.index.max(), x], [s.iloc[-1], proj], ":", color="#7b341e", lw=1)
    if target_value is not None and np.isfinite(target_value):
        ax.axhline(target_value, color="#2f855a", ls="--", lw=1.2, label="target")
        if tolerance:
            ax.axhspan(
                target_value - tolerance, target_value + tolerance, color="#c6f6d5", alpha=0.5
            )
    ax.set_title(title or str(getattr(assessment, "target_id", "")))
    ax.set_xlabel("year")
    ax.legend(fontsize="small", loc="best")
    return ax


@dataclass(frozen=True)
class ReportResult:
    """One executed report notebook."""

    notebook: Path
    ipynb: Path
    html: Path | None
    ok: bool
    error: str | None = None


def _export_html(nb_node: Any) -> str:
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    cfg = Config()
    cfg.TagRemovePreprocessor.remove_cell_tags = ("injected-parameters", "parameters")
    cfg.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=cfg, template_name="lab", exclude_input=True)
    exporter.register_preprocessor(TagRemovePreprocessor(config=cfg), enabled=True)
    body, _ = exporter.from_notebook_node(nb_node)
    # Offline readers: drop the CDN scripts (MathJax, require.js); the reports use no maths.
    return re.sub(
        r"<script[^>]+src=\"https?://[^\"]+\"[^>]*>\s*</script>", "", body, flags=re.IGNORECASE
    )


def execute_notebook(
    notebook: str | Path,
    output_dir: str | Path,
    parameters: Mapping[str, Any],
    *,
    timeout: int = 600,
    html_output: bool = True,
) -> ReportResult:
    """Execute a notebook with papermill (kernel ``python3``) and export it to HTML.

    A failed run keeps the partial notebook (with papermill's red banner) and its HTML, and
    returns ``ok=False`` with the error instead of raising, so a batch of reports goes on.

    Parameters
    ----------
    notebook
        The parameterised notebook (one cell tagged ``parameters``).
    output_dir
        Where ``<name>.ipynb`` and ``<name>.html`` are written (atomically).
    parameters
        Injected into the notebook; literals only (no secrets: they are stored in the output).
    timeout
        Per-cell execution timeout in seconds.
    html_output
        Export HTML (``lab`` template, code hidden) beside the executed notebook.
    """
    import nbformat
    import papermill as pm

    notebook = Path(notebook)
    if not notebook.is_file():
        raise GreenstatsError(
            "report notebook not found",
            file=str(notebook),
            fix="pass the path of a notebook (the repository's notebooks/ folder holds them)",
        )
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    ipynb = output_dir / f"{notebook.stem}.ipynb"
    out_html = output_dir / f"{notebook.stem}.html"
    error = None
    with atomic_path(ipynb) as tmp:
        try:
            pm.execute_notebook(
                str(notebook),
                str(tmp),
                parameters=dict(parameters),
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
                cwd=str(notebook.parent.resolve()),
            )
        except pm.PapermillExecutionError as exc:
            error = f"cell {exc.cell_index}: {exc.ename}: {exc.evalue}"
    html_path = None
    if html_output and ipynb.exists():
        node = nbformat.read(str(ipynb), as_version=4)
        html_path = write_text(out_html, _export_html(node))
    return ReportResult(notebook, ipynb, html_path, error is None, error)


def render_index(
    results: Sequence[ReportResult],
    *,
    scorecard: pd.DataFrame | None,
    simulated: bool,
    read_errors: pd.DataFrame | None = None,
    title: str = "greenstats reports",
) -> str:
    """Render the report index page (self-contained HTML, no external resources)."""
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;margin:2em;}"
        "table{border-collapse:collapse;font-size:0.9em}td,th{border:1px solid #ccc;"
        "padding:3px 6px}th{background:#edf2f7}.warn{background:#fffbeb;border:2px solid"
        " #d69e2e;padding:0.8em;margin:1em 0}.bad{color:#c53030}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if simulated:
        parts.append(
            "<div class='warn'><strong>SIMULATED DATA / 模拟数据.</strong> These reports are "
            "built on simulated sample tables, not on Lianyungang's official statistics. "
            "Replace the files in data/raw with real yearbook tables for real findings.</div>"
        )
    parts.append("<h2>Reports</h2><ul>")
    for r in results:
        name = html.escape(r.notebook.stem)
        if r.html is not None:
            link = f"<a href='{html.escape(r.html.name)}'>{name}</a>"
        else:
            link = name
        status = "" if r.ok else f" <span class='bad'>failed: {html.escape(r.error or '')}</span>"
        parts.append(f"<li>{link}{status}</li>")
    if not results:
        parts.append("<li>no notebooks were run (tables only)</li>")
    parts.append("</ul>")
    if read_errors is not None and len(read_errors):
        parts.append(f"<h2>Files and sheets that could not be read ({len(read_errors)})</h2>")
        parts.append(_table(read_errors))
    if scorecard is not None:
        parts.append(f"<h2>Scorecard ({len(scorecard)} rows)</h2>")
        parts.append(_table(scorecard_table(scorecard)))
    parts.append("</body></html>")
    return "\n".join(parts)


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for rec in frame.itertuples(index=False):
        cells = []
        for v in rec:
            if isinstance(v, float) and v == v:
                cells.append(f"<td>{v:.3g}</td>")
            else:
                cells.append(f"<td>{html_escape_table_cell(v)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def jsonable(value: Any) -> Any:
    """Make a scorecard cell (dict, list, numpy scalar) storable as text in CSV/parquet.

    Examples
    --------
    >>> jsonable({"rw_drift": 0.5})
    '{"rw_drift": 0.5}'
    >>> jsonable(3)
    3
    """
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def panel_series(panel: pd.DataFrame, indicator: str, region: str) -> pd.Series:
    """The values of one indicator in one region as a float Series indexed by year.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"indicator": ["x", "x", "y"], "region": ["r", "r", "r"],
    ...                   "year": [2021, 2020, 2020], "value": [2.0, 1.0, 9.0]})
    >>> panel_series(p, "x", "r").to_dict()
    {2020: 1.0, 2021: 2.0}
    """
    rows = panel[(panel["indicator"] == indicator) & (panel["region"] == region)]
    s = rows.set_index(rows["year"].astype(int))["value"].astype(float).sort_index()
    s.index.name = "year"
    s.name = indicator
    return s


def scorecard_table(scorecard: pd.DataFrame) -> pd.DataFrame:
    """A compact, readable view of ``assess_all`` output: one line per target × region.

    Columns: target, region, deadline, status, latest (``value (year)``), P(meet), the 80%
    interval at the deadline, the anchor category and the 晴雨表 pace level.

    Examples
    --------
    >>> import pandas as pd
    >>> card = pd.DataFrame({"target_id": ["w"], "region": ["r"], "deadline": [2022],
    ...     "status": ["in progress"], "latest_value": [29.17], "latest_year": [2021],
    ...     "probability": [0.7612], "lower80": [28.0], "upper80": [30.5],
    ...     "category": ["on track"], "pace_level": [pd.NA]})
    >>> row = scorecard_table(card).iloc[0]
    >>> row["latest"], row["P(meet)"], row["80% interval"], row["pace"]
    ('29.17 (2021)', '0.7612', '28 – 30.5', '')
    """
    import pandas as pd

    def fmt(v: Any) -> str:
        return "" if pd.isna(v) else f"{float(v):.4g}"

    out = pd.DataFrame(
        {
            "target": scorecard["target_id"],
            "region": scorecard.get("region"),
            "deadline": scorecard["deadline"],
            "status": scorecard.get("status"),
            "latest": [
                "" if pd.isna(v) else f"{fmt(v)} ({int(y)})"
                for v, y in zip(scorecard["latest_value"], scorecard["latest_year"], strict=True)
            ],
            "P(meet)": [fmt(v) if pd.notna(v) else "" for v in scorecard["probability"]],
            "80% interval": [
                "" if pd.isna(lo) else f"{fmt(lo)} – {fmt(hi)}"
                for lo, hi in zip(scorecard["lower80"], scorecard["upper80"], strict=True)
            ],
            "category": scorecard["category"],
            "pace": ["" if pd.isna(v) else str(int(v)) for v in scorecard["pace_level"]],
        }
    )
    if "backtest_mape" in scorecard.columns:
        out["backtest MAPE / cov80"] = [
            "" if pd.isna(m) else f"{100 * float(m):.1f}% / {fmt(c)}"
            for m, c in zip(
                scorecard["backtest_mape"], scorecard["backtest_coverage80"], strict=True
            )
        ]
    if out["region"].nunique(dropna=False) <= 1:
        out = out.drop(columns="region")
    return out.reset_index(drop=True)
