"""Report helpers: simulated-data flag, index page, charts without missing glyphs."""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from greenstats import report


def test_is_simulated_checks_every_file():
    assert report.is_simulated(["a.xls", "b-SIMULATED.xlsx"])
    assert report.is_simulated(pd.Series(["表（模拟数据）.xlsx"]))
    assert not report.is_simulated(["ccsy.xls", "nbs.xls"])


def test_index_says_simulated_and_escapes(tmp_path):
    res = report.ReportResult(
        Path("nb/score.ipynb"), tmp_path / "score.ipynb", tmp_path / "score.html", True
    )
    bad = report.ReportResult(Path("nb/dq.ipynb"), tmp_path / "dq.ipynb", None, False, "x<y")
    card = pd.DataFrame(
        {
            "target_id": ["water.total_use.2022"],
            "region": ["连云港市"],
            "deadline": [2022],
            "status": ["in progress"],
            "latest_value": [29.17],
            "latest_year": [2021],
            "probability": [0.123456],
            "lower80": [28.0],
            "upper80": [30.5],
            "category": ["on track"],
            "pace_level": [pd.NA],
        }
    )
    html = report.render_index([res, bad], scorecard=card, simulated=True)
    assert "SIMULATED DATA" in html and "模拟数据" in html
    assert "href='score.html'" in html
    assert "failed: x&lt;y" in html
    assert "0.1235" in html and "0.123456" not in html  # four significant digits
    assert "29.17 (2021)" in html and "28 – 30.5" in html
    assert "&lt;NA&gt;" not in html and "nan" not in html
    plain = report.render_index([res], scorecard=None, simulated=False)
    assert "SIMULATED" not in plain


def test_panel_series_filters_and_sorts():
    panel = pd.DataFrame(
        {
            "indicator": ["a", "a", "a", "b"],
            "region": ["r", "r", "s", "r"],
            "year": pd.array([2022, 2020, 2020, 2020], dtype="Int64"),
            "value": [3.0, 1.0, 7.0, 9.0],
        }
    )
    s = report.panel_series(panel, "a", "r")
    assert list(s.index) == [2020, 2022]
    assert list(s) == [1.0, 3.0]


def test_chart_draws_chinese_without_missing_glyphs():
    has_cjk = report.setup_matplotlib()
    if not has_cjk:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk); .ci/run installs it")
    import matplotlib.pyplot as plt

    series = pd.Series([10.0, 11.0, 12.5], index=[2019, 2020, 2021])
    a = SimpleNamespace(
        target_id="x",
        deadline=2025,
        projection=14.0,
        lower80=13.0,
        upper80=15.0,
        lower95=12.0,
        upper95=16.0,
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing.*")
        ax = report.plot_assessment(
            series, a, title="非化石能源占比", target_value=13.0, tolerance=1
        )
        ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["observed", "95% interval", "80% interval", "median projection", "target"]
    plt.close(ax.figure)
