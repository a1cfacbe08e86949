"""Second-panel check of the trend forecasts: the CCSY city panel (287 cities, 2004-2012).

Why this script exists. Every choice of the default headline before round 4 was made on the
CEADs city-CO2 panel (``bench_trends_ceads.py``). This panel - 18 indicator columns of 287 cities
from the China City Statistical Yearbooks (GDP, retail sales, industrial output, population,
pupils, hospital beds, SO2 and NOx emissions, green cover, waste treatment rate, shares of
GDP) - had never been looked at by any model choice. Run on it unchanged, the round-3 default
(damping 0.8, no prior) was badly calibrated 3 years ahead: 80% coverage 0.66, KS of the PIT
0.16, mean PIT 0.60, and for smoothly growing series such as GDP a mean PIT of 0.80 (damping
cut a 3-year extrapolation to 1.95 years of trend, though the growth went on). CEADs wanted
damping, this panel does not: damping is the wrong tool. Round 4 replaced it by a normal
prior on the yearly trend, ``N(0, 0.05**2)`` on the log or logit scale
(:data:`greenstats.trends.GROWTH_SD`), which shrinks a trend in proportion to how noisily it
is estimated: a noisy city-CO2 drift a lot, a smooth GDP trend hardly at all.

Protocol. Rolling origin, expanding window, >= 5 training points (the library default), 3
years ahead (1 and 2 printed too), the headline of :func:`greenstats.trends.forecast` with
the options of each configuration. Series: every (indicator, unit, breakdown, city) of sheet
``new`` read by :func:`greenstats.read_yearbook`, status ``A`` values only, with at least 6
observed years; rates in percent get bounds (0, 100) and are skipped when a value exceeds 100
(transcription errors in the source), series with a value <= 0 are skipped (the panel uses 0
for missing); both counts are printed. MdAPE against the naive 5-year CAGR is on the
forecasts where the naive one exists (origin 2009 only).

Caveat, plainly: the panel has only two 3-year-ahead origins (2008, 2009; outcomes 2011,
2012), so its PITs come in about 2 x 18 clusters of indicator and year, and definitional
breaks (NOx from 2011) and common shocks move whole clusters. Read the figures as a check of
direction across very different series, not as a precise calibration measure.

Run: ``.venv/bin/python benchmarks/bench_trends_citypanel.py [--jobs 2]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_trends_ceads import goals, ks_uniform  # noqa: E402

from greenstats.backtest import backtest  # noqa: E402

DATA = ROOT.parent / "shared" / "real-data" / "panels" / "city-panel-2004-2012.xlsx"
MIN_TRAIN = 5
HORIZONS = (1, 2, 3)
CONFIGS: dict[str, dict] = {
    "previous default (damping 0.8, no prior)": {"damping": 0.8, "growth_sd": None},
    "default (growth prior 0.05, undamped)": {},
    "  sensitivity: growth prior 0.03": {"growth_sd": 0.03},
    "  sensitivity: growth prior 0.10": {"growth_sd": 0.10},
    "  sensitivity: no prior, undamped": {"growth_sd": None},
}


def load_series(path: Path) -> tuple[list[tuple[str, str, pd.Series, tuple]], dict[str, int]]:
    """The panel's series as ``(indicator, city, series, bounds)`` and counts of skips."""
    import greenstats as gs

    t = gs.read_yearbook(path)
    t = t[t["status"] == "A"]
    out, skipped = [], {"short": 0, "rate above 100": 0, "value <= 0": 0}
    keys = ["indicator", "unit", "breakdown", "region"]
    for (ind, unit, _br, reg), g in t.groupby(keys, dropna=False, sort=True):
        y = g.set_index("year")["value"].astype(float).sort_index()
        y = y[~y.index.duplicated()]
        if len(y) < MIN_TRAIN + 1:
            skipped["short"] += 1
            continue
        pct = isinstance(unit, str) and "百分比" in unit
        if pct and (y > 100).any():
            skipped["rate above 100"] += 1
            continue
        if (y <= 0).any():
            skipped["value <= 0"] += 1
            continue
        out.append((str(ind), str(reg), y, (0.0, 100.0) if pct else (0.0, None)))
    return out, skipped


def _run_part(args) -> pd.DataFrame:
    items, opts = args
    recs = []
    for ind, reg, y, bounds in items:
        bt = backtest(y, horizons=HORIZONS, min_train=MIN_TRAIN, bounds=bounds, **opts)
        if not bt.records.empty:
            recs.append(bt.records.assign(indicator=ind, city=reg))
    return pd.concat(recs, ignore_index=True)


def run(series, opts: dict, jobs: int) -> pd.DataFrame:
    parts = [(series[i::jobs], opts) for i in range(jobs)]
    if jobs == 1:
        return _run_part(parts[0])
    with ProcessPoolExecutor(jobs) as ex:
        return pd.concat(list(ex.map(_run_part, parts)), ignore_index=True)


def figures(r: pd.DataFrame, h: int) -> dict:
    """:func:`bench_trends_ceads.goals` for horizon ``h``, a series named by indicator and
    city, with the origin years."""
    rh = r[r["horizon"] == h]
    g = goals(rh, key=("indicator", "city"))
    g["origins"] = sorted(rh.loc[rh["method"] == "headline", "origin"].unique().tolist())
    return g


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    if not DATA.exists():
        print(f"missing {DATA}: the panel lives in ../shared/real-data/panels/")
        return 1
    t0 = time.perf_counter()
    series, skipped = load_series(DATA)
    print(
        f"CCSY city panel ({DATA.name}): {len(series)} series read in "
        f"{time.perf_counter() - t0:.1f} s; skipped {skipped}"
    )
    print(f"rolling origin, expanding window, >= {MIN_TRAIN} training points; headline forecasts")
    for label, opts in CONFIGS.items():
        t0 = time.perf_counter()
        r = run(series, opts, max(1, args.jobs))
        print(f"\n== {label.strip()}  ({time.perf_counter() - t0:.1f} s)")
        for h in HORIZONS:
            g = figures(r, h)
            print(
                f"  h={h}: n={g['n']:>5} origins {g['origins']}  cov80={g['cov80']:.3f}  "
                f"KS(PIT)={g['ks']:.3f} (mean PIT {g['mean_pit']:.2f})  MdAPE "
                f"{100 * g['mdape']:.1f}% vs naive {100 * g['mdape_naive']:.1f}% "
                f"(n={g['n_common']})"
            )
        if label.startswith(("previous", "default")):
            head = r[(r["method"] == "headline") & (r["horizon"] == 3)]
            inside = (head["actual"] >= head["lower80"]) & (head["actual"] <= head["upper80"])
            tab = (
                head.assign(in80=inside)
                .groupby("indicator")
                .agg(
                    n=("pit", "size"),
                    cov80=("in80", "mean"),
                    mean_pit=("pit", "mean"),
                    ks=("pit", lambda u: ks_uniform(u.to_numpy())),
                )
            )
            print("  by indicator, h=3:")
            for ind, row in tab.iterrows():
                print(
                    f"    {ind:<14} n={int(row['n']):>4} cov80={row['cov80']:.2f} "
                    f"mean PIT {row['mean_pit']:.2f} KS {row['ks']:.3f}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
