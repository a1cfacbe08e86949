"""Known-answer tests of the deterministic anchor layer (greenstats.anchors).

Every expected number below is a hand calculation from the published formula (written out in
the comment next to it) or a golden case from Open SDG's ProgressMeasure, never the code's own
output.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from greenstats import anchors as A
from greenstats.errors import SpecError
from greenstats.specs.thresholds import load_thresholds, parse_thresholds


def geometric(y0: float, rate: float, years: range) -> pd.Series:
    first = years[0]
    return pd.Series([y0 * (1 + rate) ** (yr - first) for yr in years], index=list(years))


# --------------------------------------------------------------------------------------------
# CAGR and R on exact geometric series
# --------------------------------------------------------------------------------------------
def test_exact_geometric_series_gives_exact_cagr_and_r_of_one():
    # 100 * 1.05^k for 2015..2020: CAGR_a = 5 % exactly; the target 100 * 1.05^10 in 2025
    # needs CAGR_r = 5 % exactly, so R = (+1) * 0.05 / 0.05 = 1 -> "on track".
    y = geometric(100.0, 0.05, range(2015, 2021))
    a = A.compute_anchors(y, target=100 * 1.05**10, deadline=2025, direction=1)
    assert a.observed_rate == pytest.approx(0.05, abs=1e-12)
    assert a.required_rate == pytest.approx(0.05, abs=1e-12)
    assert a.ratio == pytest.approx(1.0, abs=1e-10)
    assert a.category == "on track"
    # yearly rate needed from 2020 to 2025: also exactly 5 %
    assert a.rate_needed_now == pytest.approx(0.05, abs=1e-12)


def test_geometric_cut_half_the_required_pace():
    # 200 * 0.97^k (a 3 %/yr cut) against a target of 200 * 0.94^10 in 2025 (needs 6 %/yr):
    # R = (-1) * (-0.03) / |-0.06| = 0.5 -> "limited progress" (0 <= R < 0.6).
    y = geometric(200.0, -0.03, range(2015, 2021))
    a = A.compute_anchors(y, target=200 * 0.94**10, deadline=2025, direction=-1)
    assert a.observed_rate == pytest.approx(-0.03, abs=1e-12)
    assert a.required_rate == pytest.approx(-0.06, abs=1e-12)
    assert a.ratio == pytest.approx(0.5, abs=1e-10)
    assert a.category == "limited progress"
    # UNSD 2022 CR = -0.03 / -0.06 = 0.5 -> "fair progress" (0.5 <= CR < 0.95)
    assert a.unsd2022_cr == pytest.approx(0.5, abs=1e-10)
    assert a.unsd2022_category == "fair progress"


def test_cagr_by_hand():
    assert A.cagr(100, 121, 2) == pytest.approx(0.10, abs=1e-12)  # sqrt(1.21) - 1
    assert A.cagr(80, 40, 1) == pytest.approx(-0.5)
    assert math.isnan(A.cagr(0, 5, 3))  # zero base
    assert math.isnan(A.cagr(-1, 5, 3))  # sign change
    assert math.isnan(A.cagr(1, 5, 0))  # no elapsed time


def test_required_and_needed_rates_by_hand():
    # 13.5 % cut over 2020-2025: 0.865^(1/5) - 1 = -0.028589
    assert A.required_rate(100, 2020, 86.5, 2025) == pytest.approx(-0.028589, abs=1e-6)
    # from 94 in 2022 to 86.5 in 2025: (86.5/94)^(1/3) - 1 = -0.027336
    assert A.rate_needed_from_now(94, 2022, 86.5, 2025) == pytest.approx(-0.027336, abs=1e-6)


@pytest.mark.parametrize(
    ("ratio", "category"),
    [
        (0.95, "on track"),
        (0.9499, "acceleration needed"),
        (0.6, "acceleration needed"),
        (0.5999, "limited progress"),
        (0.0, "limited progress"),
        (-1e-9, "moving away"),
    ],
)
def test_eurostat_category_boundaries(ratio, category):
    assert A.eurostat_category(ratio) == category


# --------------------------------------------------------------------------------------------
# Open SDG ProgressMeasure golden cases
# Source: open-sdg/sdg-build, sdg/ProgressMeasure.py (methodology_1, methodology_2,
# get_progress_thresholds, growth_calculation) and its test assets
# tests/assets/progress-calculation/data/indicator_1-1-1.csv, indicator_3-3-3.csv and
# tests/assets/progress-calculation/indicator-config/3-3-3.yml.
# --------------------------------------------------------------------------------------------
def test_open_sdg_1_1_1_no_target_base_year_moves_to_next_available():
    # indicator_1-1-1.csv headline: 2020 -> 100, 2021 -> 120. Open SDG's default base year
    # 2015 is absent, so the next available year (2020) is used. No target: methodology 1,
    # growth = sign * direction * CAGR = (120/100 - 1) = 0.20.
    y = pd.Series([100.0, 120.0], index=[2020, 2021])
    neg = A.compute_anchors(y, target=None, deadline=2030, direction=-1, base_year=2015)
    assert neg.base_year == 2020
    assert any("2015" in w for w in neg.warnings)
    assert neg.observed_rate == pytest.approx(0.20)
    # Open SDG's default direction is negative: -0.20 < 0 -> "deterioration"
    assert neg.category == "deterioration"
    pos = A.compute_anchors(y, target=None, deadline=2030, direction=1, base_year=2015)
    assert pos.category == "substantial progress"  # 0.20 >= 0.015


def test_open_sdg_3_3_3_with_target():
    # indicator_3-3-3.csv headline 2010..2019; config: direction negative, target 0, which
    # Open SDG replaces by 0.001; base year 2015 (1.55), current 2019 (1.82), target year 2030.
    # CAGR_a = (1.82/1.55)^(1/4) - 1 = 0.040962; CAGR_r = (0.001/1.55)^(1/15) - 1 = -0.387211;
    # R = 1 * (-1) * 0.040962 / 0.387211 = -0.105788 -> Open SDG "deterioration", which is
    # Eurostat's "moving away".
    values = [1.51, 1.51, 1.38, 1.4, 1.27, 1.55, 1.69, 1.65, 1.62, 1.82]
    y = pd.Series(values, index=range(2010, 2020))
    a = A.compute_anchors(y, target=0.001, deadline=2030, direction=-1, base_year=2015)
    assert a.observed_rate == pytest.approx(0.040962, abs=1e-6)
    assert a.required_rate == pytest.approx(-0.387211, abs=1e-6)
    assert a.ratio == pytest.approx(-0.105788, abs=1e-6)
    assert a.category == "moving away"


def test_open_sdg_target_achieved_overrides_ratio():
    # ProgressMeasure.is_target_achieved: direction negative and current <= target ->
    # "target_achieved" whatever the growth ratio.
    y = pd.Series([10.0, 12.0, 7.0], index=[2015, 2016, 2017])
    a = A.compute_anchors(y, target=8.0, deadline=2030, direction=-1, base_year=2015)
    assert a.achieved_now is True
    assert a.category == "target achieved"


def test_limit_coefficient_statistics_canada():
    # C = 1 - (y_b / y_lim)^4.44; 1 - 0.5^4.44 = 0.953929; at the limit C = 0.
    assert A.limit_coefficient(50, 100) == pytest.approx(0.953929, abs=1e-6)
    assert A.limit_coefficient(100, 100) == 0.0
    # Open SDG mirrors values above the limit: base 150, limit 100 -> 1 - (50/100)^4.44
    assert A.limit_coefficient(150, 100) == pytest.approx(0.953929, abs=1e-6)
    assert A.limit_coefficient(200, 100) == 1.0


def test_no_target_thresholds_shrink_near_limit():
    # base 90 % of a 100 % limit: C = 1 - 0.9^4.44 = 0.373622; the 1.5 % threshold becomes
    # 0.015 * 0.373622 = 0.005604, so 1 %/yr growth is "substantial" near the limit but only
    # "moderate" without one (0.005 <= 0.01 < 0.015).
    y = pd.Series([90.0, 90.9], index=[2020, 2021])  # +1 %/yr
    with_limit = A.compute_anchors(y, target=None, deadline=2025, direction=1, limit=100.0)
    assert with_limit.limit_coefficient == pytest.approx(0.373622, abs=1e-6)
    assert with_limit.category == "substantial progress"
    without = A.compute_anchors(y, target=None, deadline=2025, direction=1)
    assert without.category == "moderate progress"


# --------------------------------------------------------------------------------------------
# UNSD 2022 / 2023, ESCAP
# --------------------------------------------------------------------------------------------
def test_unsd_2023_rho_by_hand():
    # y_b = 100 (2020), y_t = 90 (2022): CAGR_a = 0.9^(1/2) - 1; projected to 2026:
    # 90 * 0.9^(4/2) = 72.9; rho = (72.9 - 100) / (70 - 100) = 0.903333 -> "acceleration
    # needed" (0.10 <= rho < 0.95).
    y = pd.Series([100.0, 94.868329805, 90.0], index=[2020, 2021, 2022])
    a = A.compute_anchors(y, target=70.0, deadline=2026, direction=-1)
    assert a.unsd2023_rho == pytest.approx(0.903333, abs=1e-5)
    assert a.unsd2023_category == "acceleration needed"


@pytest.mark.parametrize(
    ("cr", "category"),
    [
        (0.95, "on track"),
        (0.5, "fair progress"),
        (-0.1, "limited progress"),
        (-0.1001, "deterioration"),
    ],
)
def test_unsd_2022_boundaries(cr, category):
    assert A.unsd2022_category(cr) == category


def test_escap_current_status_by_hand():
    # CS = 10 * (-1) * (92 - 100) / |85 - 100| = 5.333; two of five years elapsed: line = 4
    cs, line, on_pace = A.escap_current_status(100, 2020, 92, 2022, 85, 2025, -1)
    assert cs == pytest.approx(16 / 3)
    assert line == pytest.approx(4.0)
    assert on_pace is True
    cs, line, on_pace = A.escap_current_status(100, 2020, 97, 2022, 85, 2025, -1)
    assert cs == pytest.approx(2.0) and on_pace is False


# --------------------------------------------------------------------------------------------
# German rule (Destatis)
# --------------------------------------------------------------------------------------------
def test_german_rule_linear_extrapolation_and_miss_share():
    # 2015..2020 falling 2 a year: mean change -2, projection 2025 = 90 - 10 = 80.
    y = pd.Series([100.0, 98, 96, 94, 92, 90], index=range(2015, 2021))
    proj, miss, cat = A.german_rule(y, 81.0, 2025, -1)
    assert proj == pytest.approx(80.0) and miss == 0.0 and cat == "close to target"
    # target 78: shortfall 2 of |78 - 90| = 12 -> 16.7 % -> "slight miss" (5-20 %)
    proj, miss, cat = A.german_rule(y, 78.0, 2025, -1)
    assert miss == pytest.approx(2 / 12) and cat == "slight miss"
    # target 60: shortfall 20 of 30 -> 66.7 % -> far off but the right direction
    assert A.german_rule(y, 60.0, 2025, -1)[2] == "far off, right direction"
    # rising values against a cap: wrong direction
    assert A.german_rule(y[::-1].set_axis(y.index), 60.0, 2025, -1)[2] == "wrong direction"


def test_german_rule_uses_only_last_five_years_and_needs_four_points():
    # old values before 2015 must not matter: window is [2015, 2020]
    y = pd.Series([500.0, 100, 98, 96, 94, 92, 90], index=range(2014, 2021))
    assert A.german_rule(y, 81.0, 2025, -1)[0] == pytest.approx(80.0)
    # only three points in the window (2017, 2019, 2020) -> not available
    short = pd.Series([96.0, 92, 90], index=[2017, 2019, 2020])
    proj, miss, cat = A.german_rule(short, 81.0, 2025, -1)
    assert cat == "not available" and math.isnan(proj)
    # four points with a gap: mean change (90 - 96) / 3 = -2 -> still 80 in 2025
    four = pd.Series([96.0, 94, 92, 90], index=[2017, 2018, 2019, 2020])
    assert A.german_rule(four, 81.0, 2025, -1)[0] == pytest.approx(80.0)


# --------------------------------------------------------------------------------------------
# China: required pace, 晴雨表 levels
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("k", "pct"), [(1, 2.86), (2, 5.64), (3, 8.33), (4, 10.95)])
def test_china_pace_table_for_13_5_percent(k, pct):
    # 1 - 0.865^(k/5): 2.86 / 5.64 / 8.33 / 10.95 % (progress-methods note)
    assert round(100 * A.china_required_progress(0.135, k), 2) == pct


@pytest.mark.parametrize(("cut", "pct"), [(0.18, 3.89), (0.16, 3.43), (0.135, 2.86)])
def test_china_even_yearly_rate(cut, pct):
    assert round(100 * A.china_annual_rate(cut), 2) == pct


def test_china_linear_pace_and_coherence_check():
    # linear: 13.5 % * 2/5 = 5.4 %
    assert A.china_required_progress(0.135, 2, pace="linear") == pytest.approx(0.054)
    # GDP +6 %/yr with a 13.5 % intensity cut: 1.06 * 0.865^(1/5) - 1 = +2.97 %/yr
    assert round(100 * A.max_total_growth(0.06, 0.135), 2) == 2.97
    with pytest.raises(ValueError, match="pace"):
        A.china_required_progress(0.135, 2, pace="straight")


@pytest.mark.parametrize(
    ("value_2022", "pace", "level"),
    [
        (94.5, "geometric", 2),  # cut 5.5 % < required 5.64 % -> behind pace
        (94.3, "geometric", 3),  # cut 5.7 % >= 5.64 % -> on pace
        (94.5, "linear", 3),  # cut 5.5 % >= linear 5.4 %
        (100.5, "geometric", 1),  # rose: moved the wrong way
    ],
)
def test_china_pace_level_from_series(value_2022, pace, level):
    y = pd.Series([100.0, 97.0, value_2022], index=[2020, 2021, 2022])
    a = A.compute_anchors(y, target=86.5, deadline=2025, direction=-1, base_year=2020, pace=pace)
    assert a.pace_level == level


def test_china_pace_not_applicable_without_base_year_or_past_deadline():
    y = pd.Series([100.0, 97.0, 94.0], index=[2020, 2021, 2022])
    assert A.compute_anchors(y, target=86.5, deadline=2025, direction=-1).pace_level is None
    assert A.china_pace_level(100, 2020, 90, 2026, 86.5, 2025, -1)[2] is None


# --------------------------------------------------------------------------------------------
# awkward inputs: NaN with a reason, never an exception
# --------------------------------------------------------------------------------------------
def test_single_point_gives_warning_not_crash():
    a = A.compute_anchors(pd.Series([5.0], index=[2022]), target=4.0, deadline=2025, direction=-1)
    assert math.isnan(a.observed_rate) and a.category == "not available"
    assert any("two" in w for w in a.warnings)


def test_zero_base_explained():
    y = pd.Series([0.0, 2.0, 3.0], index=[2020, 2021, 2022])
    a = A.compute_anchors(y, target=5.0, deadline=2025, direction=1)
    assert math.isnan(a.ratio) and a.category == "not available"
    assert any("zero base" in w for w in a.warnings)


def test_target_equal_to_base_is_moving_away_when_breached():
    # zero growth: cap at the 2020 value; 2022 above it -> moving away, R undefined
    y = pd.Series([50.0, 51.0, 52.0], index=[2020, 2021, 2022])
    a = A.compute_anchors(y, target=50.0, deadline=2025, direction=-1, base_year=2020)
    assert a.category == "moving away" and math.isnan(a.ratio)
    assert any("equals the base" in w for w in a.warnings)


# --------------------------------------------------------------------------------------------
# thresholds are data
# --------------------------------------------------------------------------------------------
def _doc() -> dict:
    from greenstats.specs import read_package_yaml

    return read_package_yaml("thresholds.yaml")


def test_thresholds_from_yaml_change_categories():
    doc = _doc()
    doc["eurostat"]["with_target"]["on_track"] = 1.5
    th = parse_thresholds(doc)
    assert A.eurostat_category(1.2) == "on track"
    assert A.eurostat_category(1.2, thresholds=th) == "acceleration needed"


def test_invalid_thresholds_name_the_key():
    doc = _doc()
    doc["unsd_2022"]["fair"] = 2.0  # above on_track: not decreasing
    with pytest.raises(SpecError, match="unsd_2022"):
        parse_thresholds(doc)
    doc = _doc()
    doc["germany"]["close"] = "five"
    with pytest.raises(SpecError, match="germany.close"):
        parse_thresholds(doc)
    doc = _doc()
    doc["china"]["pace"] = "fast"
    with pytest.raises(SpecError, match="china.pace"):
        parse_thresholds(doc)


def test_packaged_thresholds_match_the_methods_note():
    th = load_thresholds()
    assert (th.eurostat.on_track, th.eurostat.acceleration_needed) == (0.95, 0.6)
    assert (th.eurostat.substantial_progress, th.eurostat.moderate_progress) == (0.015, 0.005)
    assert th.eurostat.limit_exponent == 4.44
    assert (th.unsd_2022.on_track, th.unsd_2022.fair, th.unsd_2022.limited) == (0.95, 0.5, -0.1)
    assert (th.unsd_2023.met_or_almost, th.unsd_2023.acceleration_needed) == (0.95, 0.10)
    assert [b.min for b in th.wording] == [0.90, 0.66, 0.33, 0.10, 0.0]
    assert th.eurostat.short_term_years == 5
    assert (th.germany.window_years, th.germany.min_points) == (5, 4)


def test_wording_needs_the_five_ipcc_bands():
    doc = _doc()
    doc["wording"] = doc["wording"][:4]
    with pytest.raises(SpecError, match="wording"):
        parse_thresholds(doc)


def test_doctests_of_the_anchor_layer():
    import doctest

    import greenstats.anchors
    import greenstats.specs.thresholds

    for mod in (greenstats.anchors, greenstats.specs.thresholds):
        result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, mod.__name__
