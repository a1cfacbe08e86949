"""The main job end to end on the SIMULATED sample in data/raw (what `make report` runs)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import greenstats as gs
from greenstats.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "lianyungang-yearbook-SIMULATED.xlsx"


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    base = tmp_path_factory.mktemp("job")
    raw = base / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE, raw / SAMPLE.name)
    (raw / "broken.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really an OLE2 file")
    with pytest.warns(UserWarning, match="1 of 2 files could not be read"):
        index = gs.run(
            raw,
            base / "processed",
            base / "reports",
            notebooks=[
                ROOT / "notebooks" / "scorecard.ipynb",
                ROOT / "notebooks" / "data-quality.ipynb",
            ],
            progress=False,
        )
    return base, index


def test_outputs_written(job):
    base, index = job
    assert index == base / "reports" / "index.html"
    for name in ("tidy.parquet", "panel.parquet", "scorecard.parquet", "read_errors.csv"):
        assert (base / "processed" / name).is_file(), name
    assert not list((base / "processed").glob(".*.tmp*")), "no temporary files left behind"


def test_bad_file_reported_rest_read(job):
    base, _ = job
    errors = pd.read_csv(base / "processed" / "read_errors.csv")
    assert "broken.xls" in set(errors["file"])
    tidy = pd.read_parquet(base / "processed" / "tidy.parquet")
    assert set(tidy["source_file"]) == {SAMPLE.name}


def test_sample_values_reach_the_panel(job):
    """Water use 2013 in sheet 9-5 cell B5, read from the workbook with openpyxl."""
    from openpyxl import load_workbook

    ws = load_workbook(SAMPLE, read_only=True)["9-5"]
    expected = next(ws.iter_rows(min_row=5, max_row=5, min_col=2, max_col=2, values_only=True))[0]
    base, _ = job
    panel = pd.read_parquet(base / "processed" / "panel.parquet")
    row = panel[(panel["year"] == 2013) & (panel["source_cell"] == "B5")]
    assert len(row) == 1
    assert row["value"].iloc[0] == pytest.approx(expected)
    assert row["region"].iloc[0] == "连云港市"


def test_scorecard_covers_every_target(job):
    base, _ = job
    card = pd.read_parquet(base / "processed" / "scorecard.parquet")
    targets = gs.load_targets()
    assert set(targets["target_id"]) <= set(card["target_id"])


def test_reports_html_say_simulated(job):
    base, index = job
    text = index.read_text(encoding="utf-8")
    assert "SIMULATED DATA" in text
    for name in ("scorecard", "data-quality"):
        html = (base / "reports" / f"{name}.html").read_text(encoding="utf-8")
        assert "SIMULATED DATA" in html
        assert "Traceback" not in html
        # offline readers: no script or stylesheet is fetched from the network on load
        assert not re.search(r"<script[^>]+src=[\"']https?://", html)
        assert not re.search(r"<link[^>]+href=[\"']https?://", html)
        nb = json.loads((base / "reports" / f"{name}.ipynb").read_text(encoding="utf-8"))
        assert nb["metadata"]["papermill"]["exception"] in (None, False)


def test_cli_run_no_html(tmp_path, capsys):
    code = main(
        [
            "run",
            "--raw",
            str(SAMPLE.parent),
            "--processed",
            str(tmp_path / "p"),
            "--reports",
            str(tmp_path / "r"),
            "--no-html",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "SIMULATED" in out and "report index:" in out
    assert (tmp_path / "r" / "index.html").is_file()


def test_every_sample_label_maps_to_the_catalogue(job):
    """Only marker cells (years not collected) may stay out of the panel of the sample."""
    base, _ = job
    unmapped = pd.read_csv(base / "processed" / "unmapped.csv")
    assert set(unmapped["reason"]) <= {"marker M"}, unmapped.to_string()


def test_scorecard_ex_post_matches_the_workbook(job):
    """Water use 2022 (sheet 9-5, row of 2022) against the cap of 29.55亿立方米, by hand."""
    from openpyxl import load_workbook

    ws = load_workbook(SAMPLE, read_only=True)["9-5"]
    rows = {r[0]: r[1] for r in ws.iter_rows(min_row=5, max_col=2, values_only=True) if r[0]}
    water_2022 = rows["2022年"]
    base, _ = job
    card = pd.read_parquet(base / "processed" / "scorecard.parquet").set_index("target_id")
    row = card.loc["water.total_use.2022"]
    assert int(row["latest_year"]) == 2022  # ex post: the deadline year's value is judged
    assert row["latest_value"] == pytest.approx(water_2022)
    assert bool(row["achieved"]) == (water_2022 <= 29.55)
