"""保持 ("keep above x every year") targets: judged in every year of the plan period.

Expected values are hand-made facts about made-up series (which years are below 90), the
plan's issue year read from the plan's README ("issued in 2021"), the random walk with drift
predictive written out from the progress-methods note (one year: a Student t; two years with
known variance: scipy's bivariate normal CDF), and an independent simulation written here.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from greenstats.assessment import STATUSES, assess, assess_all
from greenstats.errors import SeriesError, SpecError
from greenstats.specs.targets import parse_plan, parse_targets, plan_issued
from greenstats.targets import load_targets
from greenstats.trends import forecast, prob_every_year, prob_increasing

AS_OF = 2023  # fixed "today"
MC = 0.015  # Monte-Carlo tolerance: 20,000 draws give a standard error <= 0.0035
REAL_ID = "waste.industrial_solid_utilisation.2022"


def keep(**kw):
    """A made-up 保持 target: keep the rate at or above 90 % (text as in the plan)."""
    base = {
        "target_id": "t.keep",
        "indicator": "x",
        "deadline": 2022,
        "comparator": ">=",
        "value": 90.0,
        "unit": "%",
        "text_zh": "综合利用率保持在90%以上",
    }
    base.update(kw)
    return base


#: 2021 below 90, 2022 back above: only the deadline year meets the target
DIP_2021 = pd.Series([91.0, 92.0, 89.0, 91.5], index=[2019, 2020, 2021, 2022])
#: every year at or above 90 (2021 exactly on the line: inclusive)
ALL_ABOVE = pd.Series([91.0, 92.0, 90.0, 91.5], index=[2019, 2020, 2021, 2022])
#: a rate hovering above 90: the deadline is ahead, several years remain
HOVER = pd.Series(
    [90.5, 91.2, 90.8, 91.5, 92.0, 91.1, 91.8, 92.3], index=range(2015, 2023), dtype=float
)


# --------------------------------------------------------------------------------------------
# ex post
# --------------------------------------------------------------------------------------------
def test_ex_post_fails_when_a_plan_year_fails_and_names_it():
    a = assess(DIP_2021, keep(), plan_start=2020)
    assert a.achieved is False and a.status == "not achieved" and a.probability == 0.0
    assert "below 90 in 2021" in a.wording and "2021年低于90" in a.wording_zh
    assert any("2021" in w and "below" in w for w in a.warnings)
    # all years at or above 90 (90.0 itself counts): achieved
    b = assess(ALL_ABOVE, keep(), plan_start=2020)
    assert b.achieved is True and b.status == "achieved" and b.probability == 1.0


def test_every_year_false_restores_the_deadline_only_rule():
    a = assess(DIP_2021, keep(), plan_start=2020, every_year=False)
    assert a.achieved is True  # 2022: 91.5 >= 90
    assert not any("every-year" in w for w in a.warnings)


def test_without_the_word_the_default_is_deadline_only_and_true_forces_it():
    reach = keep(text_zh="综合利用率达到90%")
    assert assess(DIP_2021, reach, plan_start=2020).achieved is True
    forced = assess(DIP_2021, reach, plan_start=2020, every_year=True)
    assert forced.achieved is False and "2021" in forced.wording


def test_caps_fail_above_the_cap():
    cap = keep(comparator="<=", value=30.0, text_zh="用水总量保持在30亿立方米以内")
    y = pd.Series([29.0, 30.5, 29.8], index=[2020, 2021, 2022])
    a = assess(y, cap, plan_start=2021)
    assert a.achieved is False and "above 30 in 2021" in a.wording


def test_years_before_plan_start_do_not_count():
    a = assess(DIP_2021, keep(), plan_start=2022)
    assert a.achieved is True


def test_missing_years_in_the_span_are_listed():
    gap = pd.Series([91.0, 92.0, 93.0], index=[2018, 2019, 2022])
    a = assess(gap, keep(), plan_start=2019)
    assert a.achieved is True
    msg = [w for w in a.warnings if "with data" in w]
    assert (
        msg and "2020" in msg[0] and "2021" in msg[0] and "2019" not in msg[0].split("between")[0]
    )


# --------------------------------------------------------------------------------------------
# ex ante
# --------------------------------------------------------------------------------------------
def test_ex_ante_already_missed():
    y = pd.Series([91.0, 92.0, 89.0, 91.5], index=[2019, 2020, 2021, 2022])
    a = assess(y, keep(deadline=2025), plan_start=2020, as_of=AS_OF)
    assert a.status == "already missed" and a.probability == 0.0
    assert a.achieved is None
    assert "2021" in a.wording and "2021" in a.wording_zh
    assert STATUSES["already missed"]


def test_ex_ante_headline_is_the_every_year_probability():
    t = keep(deadline=2025)
    hold = assess(HOVER, t, plan_start=2021, as_of=AS_OF)
    deadline_rw = assess(
        HOVER, t, plan_start=2021, as_of=AS_OF, every_year=False, models=("rw_drift",)
    )
    assert set(hold.models) == {"rw_drift"} and hold.models["rw_drift"] == hold.probability
    assert any("headline" in w and "every year" in w for w in hold.warnings)
    assert "every year" in hold.wording
    # three years 2023-2025 must all meet it: no more likely than 2025 alone
    assert hold.probability <= deadline_rw.probability + MC
    assert hold.probability < deadline_rw.probability  # HOVER sits close to the line


def test_one_remaining_year_equals_the_deadline_probability_in_assess():
    t = keep(deadline=2023)
    hold = assess(HOVER, t, plan_start=2021, as_of=AS_OF)
    # the rw_drift predictive for 2023, P(Y >= 90) = 1 - cdf(90)
    rw = forecast(HOVER, 2023, bounds=(0.0, 100.0), models=("rw_drift",))
    assert hold.probability == pytest.approx(1 - rw.cdf(90.0), abs=MC)


# --------------------------------------------------------------------------------------------
# trends.prob_every_year
# --------------------------------------------------------------------------------------------
LEVELS = pd.Series([100.0, 97.0, 96.5, 93.0, 94.0, 90.5, 89.0, 88.2], index=range(2015, 2023))


@pytest.mark.parametrize(
    ("series", "comparator", "level", "bounds", "breaks"),
    [
        (HOVER, ">=", 90.0, (0.0, 100.0), ()),
        (HOVER, "<=", 92.5, (0.0, 100.0), ()),
        (LEVELS, "<=", 88.0, (None, None), ()),
        (LEVELS, ">=", 86.0, (None, None), (2022,)),  # a pulse in the latest year
    ],
)
def test_one_year_equals_the_rw_drift_predictive(series, comparator, level, bounds, breaks):
    rw = forecast(series, 2023, bounds=bounds, models=("rw_drift",), break_years=breaks)
    p_cdf = rw.cdf(level)
    expected = p_cdf if comparator == "<=" else 1 - p_cdf
    p = prob_every_year(series, 2023, comparator, level, bounds=bounds, break_years=breaks)
    assert p == pytest.approx(expected, abs=MC)


def test_two_years_with_known_variance_match_the_bivariate_normal():
    # a long random walk with drift on the log scale: df ~ 600, so sigma2 is known; the
    # drift's own uncertainty sigma2/span (span = n - 1 for the mean drift) is kept exactly:
    # Z1 = z + D + e1, Z2 = z + 2D + e1 + e2, D ~ N(d, s2/span), e ~ N(0, s2)
    rng = np.random.default_rng(7)
    n = 600
    z = np.log(100.0) + np.cumsum(np.r_[0.0, 0.01 + 0.02 * rng.standard_normal(n - 1)])
    y = pd.Series(np.exp(z), index=range(1500, 1500 + n))
    dz = np.diff(z)
    d, s2, span = dz.mean(), dz.var(ddof=1), n - 1
    mean = np.array([z[-1] + d, z[-1] + 2 * d])
    cov = s2 * np.array([[1 + 1 / span, 1 + 2 / span], [1 + 2 / span, 2 + 4 / span]])
    opts = {"damping": 1.0, "robust_drift": False, "scale": "log", "growth_sd": None}
    through = 1500 + n + 1
    c = z[-1] - 0.01
    # P(Z1 >= c, Z2 >= c) = P(-Z1 <= -c, -Z2 <= -c)
    expected_ge = stats.multivariate_normal(mean=-mean, cov=cov).cdf([-c, -c])
    assert 0.5 < expected_ge < 0.9  # a case where the joint differs from either margin
    p = prob_every_year(y, through, ">=", math.exp(c), **opts)
    assert p == pytest.approx(expected_ge, abs=MC)
    c2 = z[-1] + 0.03
    expected_le = stats.multivariate_normal(mean=mean, cov=cov).cdf([c2, c2])
    p2 = prob_every_year(y, through, "<=", math.exp(c2), **opts)
    assert p2 == pytest.approx(expected_le, abs=MC)
    # not the product of the one-year probabilities (the years share one drift)
    m1 = stats.norm.sf(c, mean[0], math.sqrt(cov[0, 0]))
    m2 = stats.norm.sf(c, mean[1], math.sqrt(cov[1, 1]))
    assert abs(expected_ge - m1 * m2) > 3 * MC


@pytest.mark.parametrize(("phi", "through", "level"), [(0.8, 2025, 90.0), (1.0, 2027, 91.0)])
def test_short_series_against_an_independent_simulation(phi, through, level):
    # the note's posterior predictive, simulated here with another seed: sigma2 ~ s2 df/chi2,
    # drift ~ N(d, sigma2/(n-1)), yearly increments N(phi^k drift, sigma2). The undamped
    # 5-year case is where the drift's own uncertainty matters (dropping it moves P by ~0.05)
    y = HOVER
    z = np.log(y.to_numpy() / (100 - y.to_numpy()))  # logit of a 0-100 rate
    dz = np.diff(z)
    n, d, s2 = len(z), dz.mean(), dz.var(ddof=1)
    df, span, H = n - 2, n - 1, through - 2022
    rng = np.random.default_rng(12345)
    m = 200_000
    sigma2 = s2 * df / rng.chisquare(df, m)
    drift = d + np.sqrt(sigma2 / span) * rng.standard_normal(m)
    inc = drift[:, None] * phi ** np.arange(1, H + 1) + np.sqrt(sigma2)[:, None] * (
        rng.standard_normal((m, H))
    )
    path = z[-1] + np.cumsum(inc, axis=1)
    c = math.log(level / (100 - level))
    expected = np.mean(np.all(path >= c, axis=1))
    p = prob_every_year(
        y,
        through,
        ">=",
        level,
        bounds=(0.0, 100.0),
        damping=phi,
        robust_drift=False,
        growth_sd=None,
    )
    assert p == pytest.approx(expected, abs=MC)


def test_every_year_is_no_more_likely_than_the_last_year():
    for series, comp, level, bounds in [
        (HOVER, ">=", 90.0, (0.0, 100.0)),
        (LEVELS, "<=", 87.0, (None, None)),
    ]:
        rw = forecast(series, 2026, bounds=bounds, models=("rw_drift",))
        last = rw.cdf(level) if comp == "<=" else 1 - rw.cdf(level)
        p = prob_every_year(series, 2026, comp, level, bounds=bounds)
        assert p <= last + MC
        assert p < prob_every_year(series, 2023, comp, level, bounds=bounds) + MC


def test_from_year_skips_years_before_the_plan_period():
    # data end 2022; only 2025 must comply when the plan period starts in 2025
    rw = forecast(HOVER, 2025, bounds=(0.0, 100.0), models=("rw_drift",))
    p = prob_every_year(HOVER, 2025, ">=", 90.0, bounds=(0.0, 100.0), from_year=2025)
    assert p == pytest.approx(1 - rw.cdf(90.0), abs=MC)
    with pytest.raises(SeriesError, match="from_year"):
        prob_every_year(HOVER, 2025, ">=", 90.0, bounds=(0.0, 100.0), from_year=2026)


def test_levels_at_the_limits_of_the_scale():
    b = (0.0, 100.0)
    # a logit-scale rate lies strictly inside (0, 100)
    assert prob_every_year(HOVER, 2025, ">=", 0.0, bounds=b) == 1.0
    assert prob_every_year(HOVER, 2025, ">=", -5.0, bounds=b) == 1.0
    assert prob_every_year(HOVER, 2025, ">=", 100.0, bounds=b) == 0.0
    assert prob_every_year(HOVER, 2025, "<=", 100.0, bounds=b) == 1.0
    assert prob_every_year(HOVER, 2025, "<=", 0.0, bounds=b) == 0.0
    # a log-scale level is positive
    assert prob_every_year(LEVELS, 2025, ">=", 0.0) == 1.0
    assert prob_every_year(LEVELS, 2025, "<=", -1.0) == 0.0


def test_a_constant_series_on_the_level_meets_it():
    flat = pd.Series([90.0] * 6, index=range(2017, 2023))
    assert prob_every_year(flat, 2025, ">=", 90.0, bounds=(0.0, 100.0)) == 1.0
    assert prob_every_year(flat, 2025, ">=", 90.5, bounds=(0.0, 100.0)) == 0.0


def test_bad_arguments():
    with pytest.raises(SeriesError, match="comparator"):
        prob_every_year(HOVER, 2025, "~", 90.0)
    with pytest.raises(SeriesError, match="level"):
        prob_every_year(HOVER, 2025, ">=", float("nan"))
    with pytest.raises(SeriesError, match="through_year"):
        prob_every_year(HOVER, 2022, ">=", 90.0)
    assert math.isnan(prob_every_year(HOVER.iloc[:3], 2025, ">=", 90.0))


def test_prob_increasing_still_matches_its_t_formula_after_sharing_the_simulation():
    # one remaining year: P(z_{t+1} > z_t) with mean drift, undamped, t_{n-2} predictive
    y = pd.Series([10.0, 10.8, 11.1, 12.3, 12.6, 13.9, 14.0, 15.2], index=range(2015, 2023))
    dz = np.diff(np.log(y.to_numpy()))
    n = len(dz) + 1
    scale = dz.std(ddof=1) * math.sqrt(1 + 1 / (n - 1))
    expected = stats.t.sf(-dz.mean() / scale, n - 2)
    p = prob_increasing(y, 2023, damping=1.0, robust_drift=False)
    assert p == pytest.approx(expected, abs=MC)


# --------------------------------------------------------------------------------------------
# the plan: issue year, the real target, increase defaults
# --------------------------------------------------------------------------------------------
def test_plan_issue_year_is_plan_data():
    # the plan's README: "issued in 2021 under Jiangsu's 苏政发〔2020〕28号"
    assert plan_issued() == 2021


@pytest.mark.parametrize(
    ("plan", "key"),
    [
        ({"issued": "2021"}, "plan.issued"),
        ({"issued": 2021.0}, "plan.issued"),
        ({"issued": True}, "plan.issued"),
        ({"issued": 1800}, "plan.issued"),
        ([2021], "'plan'"),
        ({"issued": 2021, "colour": "red"}, "'plan'"),
    ],
)
def test_bad_plan_mapping_raises_naming_the_key(plan, key):
    with pytest.raises(SpecError) as err:
        parse_plan({"plan": plan, "targets": []})
    assert key in str(err.value) and "Fix:" in str(err.value)
    with pytest.raises(SpecError):
        parse_targets({"plan": plan, "targets": []})


def test_the_real_target_is_judged_every_year():
    table = load_targets()
    assert list(table.columns[:11]) == [
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
    ]
    row = table.set_index("target_id").loc[REAL_ID].to_dict() | {"target_id": REAL_ID}
    # below 90 in 2021, above in 2022
    dip = pd.Series([91.0, 91.0, 89.0, 92.0], index=[2019, 2020, 2021, 2022])
    a = assess(dip, row)
    assert a.achieved is False and "2021" in a.wording
    assert any("every year from 2021 to 2022" in w for w in a.warnings)
    # the plan period starts in 2021 (issued 2021, no base year): 2020 below 90 is not counted
    early = pd.Series([88.0, 89.0, 91.0, 92.0], index=[2019, 2020, 2021, 2022])
    assert assess(early, row).achieved is True
    # by id as well
    assert assess(dip, REAL_ID).achieved is False


def test_other_real_targets_stay_deadline_only():
    # water use: "控制在29.55亿立方米以内" has no 保持; a year above the cap before 2022 does not fail it
    y = pd.Series([29.0, 30.0, 29.5], index=[2020, 2021, 2022])
    assert assess(y, "water.total_use.2022").achieved is True


def test_increase_default_plan_start_is_unchanged():
    # no base year: 'increase' starts at deadline - 4 (2026 for 2030), not the plan's issue year;
    # the fall in 2024 lies before 2026, so the target is not already missed
    y = pd.Series([10.0, 11.0, 12.0, 13.0, 12.5, 13.5], index=range(2020, 2026))
    t = {"target_id": "t.rise", "deadline": 2030, "comparator": "increase", "value": None}
    a = assess(y, t, as_of=2026)
    assert a.status != "already missed" and a.probability is not None and a.probability > 0
    # with plan_start 2021 the same fall counts
    b = assess(y, t, as_of=2026, plan_start=2021)
    assert b.status == "already missed"


def test_assess_all_passes_every_year_through():
    panel = pd.DataFrame(
        {
            "indicator": "industrial_solid_waste_utilisation",
            "region": "A",
            "year": [2019, 2020, 2021, 2022],
            "value": [91.0, 91.0, 89.0, 92.0],
        }
    )
    targets = load_targets()
    targets = targets[targets["target_id"] == REAL_ID]
    sc = assess_all(panel, targets)
    assert sc["achieved"].tolist() == [False] and "2021" in sc["wording"].iloc[0]
    sc2 = assess_all(panel, targets, every_year=False)
    assert sc2["achieved"].tolist() == [True]
    assert list(sc.columns) == list(sc2.columns)
