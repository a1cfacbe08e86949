"""The main job: raw workbooks → tidy table → panel → scorecard → HTML reports.

``greenstats run`` (and ``make report``) calls :func:`run`. Every output is written
atomically and can be rebuilt from code plus the raw folder.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from greenstats.io.write import write_frame, write_text

log = logging.getLogger(__name__)

#: The region the plan is about; fills tables that name no region (the CLI can change it).
DEFAULT_REGION = "连云港市"


def _storable(frame):
    """Copy of a scorecard that CSV and parquet can hold.

    dict and list cells (``models``, ``warnings``, ``anchors``) become JSON text; the
    ``backtest`` result objects are dropped, their figures being in the ``backtest_*`` columns.
    """
    from greenstats.report import jsonable

    out = frame.drop(columns=["backtest"], errors="ignore")
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(jsonable)
    return out


def run(
    raw_dir: str | Path,
    processed_dir: str | Path,
    reports_dir: str | Path,
    *,
    notebooks: Sequence[str | Path] = (),
    overrides: str | Path | Mapping[str, Any] | None = None,
    region: str = DEFAULT_REGION,
    jobs: int = 1,
    progress: bool = True,
    timeout: int = 600,
    backtest: bool = True,
) -> Path:
    """Run the main job and return the path of the report index (``index.html``).

    Steps: read every workbook in ``raw_dir`` (:func:`greenstats.read_yearbooks`; a bad file is
    reported, the rest go on), map to the indicator catalogue (:func:`greenstats.to_panel`;
    a city-level table's 全市 rows and tables naming no region become ``region``), assess every target
    (:func:`greenstats.assess_all`), write the tables to ``processed_dir``, execute each report
    notebook with papermill into ``reports_dir`` and write an index page there.

    Parameters
    ----------
    raw_dir
        Folder of input workbooks (read only).
    processed_dir
        Folder for tidy.parquet, panel.parquet, scorecard.parquet (and CSV twins).
    reports_dir
        Folder for the executed notebooks, their HTML and index.html.
    notebooks
        Report notebooks to execute; none writes the index with the scorecard only.
    overrides
        Jiangsu's provincial target numbers (YAML path or mapping) for ``load_targets``.
    region
        The city the plan is about (``to_panel(..., city=region)``).
    jobs
        Processes for reading workbooks.
    progress
        Show a progress bar while reading.
    timeout
        Per-cell timeout for notebook execution, in seconds.
    backtest
        Add rolling-origin backtest figures (MAPE, interval coverage) to each assessment.

    Returns
    -------
    pathlib.Path
        ``reports_dir / "index.html"``.
    """
    from greenstats.assessment import assess_all
    from greenstats.indicators import to_panel
    from greenstats.reader import read_yearbooks
    from greenstats.report import execute_notebook, is_simulated, render_index
    from greenstats.targets import load_targets

    raw_dir, processed_dir, reports_dir = Path(raw_dir), Path(processed_dir), Path(reports_dir)
    processed_dir.mkdir(parents=True, exist_ok=True)
    reports_dir.mkdir(parents=True, exist_ok=True)

    tidy = read_yearbooks(raw_dir, jobs=jobs, progress=progress)
    errors = tidy.attrs.get("errors")
    write_frame(tidy, processed_dir / "tidy.parquet")
    write_frame(tidy, processed_dir / "tidy.csv")
    if errors is not None:
        write_frame(errors, processed_dir / "read_errors.csv")

    panel = to_panel(tidy, city=region)
    unmapped = panel.attrs.get("unmapped")
    write_frame(panel, processed_dir / "panel.parquet")
    write_frame(panel, processed_dir / "panel.csv")
    if unmapped is not None:
        write_frame(unmapped, processed_dir / "unmapped.csv")

    targets = load_targets(overrides)
    scorecard = assess_all(panel, targets, backtest=backtest)
    write_frame(_storable(scorecard), processed_dir / "scorecard.parquet")
    write_frame(_storable(scorecard), processed_dir / "scorecard.csv")

    simulated = is_simulated(tidy["source_file"].unique())
    params: dict[str, Any] = {
        "processed_dir": str(processed_dir.resolve()),
        "raw_dir": str(raw_dir.resolve()),
        "region": region,
    }
    if isinstance(overrides, str | Path):
        params["overrides"] = str(Path(overrides).resolve())
    results = []
    for nb in notebooks:
        log.info("executing %s", nb)
        result = execute_notebook(nb, reports_dir, params, timeout=timeout)
        if not result.ok:
            log.error("report %s failed: %s", nb, result.error)
        results.append(result)

    index = write_text(
        reports_dir / "index.html",
        render_index(results, scorecard=scorecard, simulated=simulated, read_errors=errors),
    )
    failed = [r for r in results if not r.ok]
    n_err = 0 if errors is None else len(errors)
    print(
        f"read {tidy['source_file'].nunique()} workbook(s) ({len(tidy)} values, {n_err} file "
        f"or sheet error(s)); panel {len(panel)} rows; scorecard {len(scorecard)} rows; "
        f"{len(results) - len(failed)}/{len(results)} report(s) ok"
        + ("; SIMULATED sample data" if simulated else "")
    )
    if failed:
        from greenstats.errors import GreenstatsError

        raise GreenstatsError(
            f"{len(failed)} report notebook(s) failed: "
            + "; ".join(f"{r.notebook.name} ({r.error})" for r in failed),
            file=str(index),
            fix="open the executed notebook in the reports folder; the failing cell is marked",
        )
    return index
