"""Tests of greenstats.assessment (assess, assess_all): ex post, comparator semantics, fallbacks, the scorecard.

Expected numbers are hand calculations (formulas written next to them) or the random walk
with drift predictive written out independently from the progress-methods note.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from greenstats.assessment import EXTRA_FIELDS, STATUSES, Assessment, assess, assess_all
from greenstats.errors import SeriesError
from greenstats.schema import ASSESSMENT_FIELDS

AS_OF = 2023  # fixed "today" so that no test depends on the clock
#: the plain random walk with drift of the progress-methods note (trends' tuned defaults off)
PLAIN = {"damping": 1.0, "robust_drift": False, "drift_prior": 0.0, "growth_sd": None}


def target(**kw):
    base = {
        "target_id": "t.test",
        "indicator": "x",
        "deadline": 2025,
        "comparator": "<=",
        "value": 1.0,
    }
    base.update(kw)
    return base


def geometric(y0: float, rate: float, first: int, last: int) -> pd.Series:
    return pd.Series(
        [y0 * (1 + rate) ** (yr - first) for yr in range(first, last + 1)],
        index=range(first, last + 1),
    )


NOISY = pd.Series([100.0, 99.0, 95.5, 96.5, 92.0, 93.5, 89.0, 91.0], index=range(2015, 2023))


# --------------------------------------------------------------------------------------------
# contract
# --------------------------------------------------------------------------------------------
def test_assessment_has_exactly_the_contract_fields_first():
    names = [f for f in Assessment.__dataclass_fields__]
    assert tuple(names[: len(ASSESSMENT_FIELDS)]) == ASSESSMENT_FIELDS
    assert tuple(names[len(ASSESSMENT_FIELDS) :]) == EXTRA_FIELDS


def test_assessment_is_frozen():
    a = assess(NOISY, target(value=87.0), as_of=AS_OF)
    with pytest.raises(AttributeError):
        a.probability = 0.5  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# ex post
# --------------------------------------------------------------------------------------------
def test_observed_deadline_value_gives_achieved():
    y = pd.Series([10.0, 9.5, 9.0, 8.4], index=[2019, 2020, 2021, 2022])
    met = assess(y, target(deadline=2022, value=8.5))
    assert met.achieved is True and met.probability == 1.0 and met.status == "achieved"
    assert met.latest_year == 2022 and met.latest_value == 8.4
    assert "achieved" in met.wording and "已实现" in met.wording_zh
    missed = assess(y, target(deadline=2022, value=8.0))
    assert missed.achieved is False and missed.probability == 0.0
    assert missed.status == "not achieved" and "未实现" in missed.wording_zh
    # a floor: 8.4 >= 8.5 is false
    assert assess(y, target(deadline=2022, comparator=">=", value=8.5)).achieved is False


def test_deadline_ahead_leaves_achieved_none():
    a = assess(NOISY, target(value=87.0), as_of=AS_OF)
    assert a.achieved is None


def test_ex_post_ignores_data_after_the_deadline():
    y = pd.Series([10.0, 9.0, 8.0, 12.0], index=[2020, 2021, 2022, 2023])
    a = assess(y, target(deadline=2022, value=8.5))
    assert a.achieved is True and a.latest_year == 2022


def test_as_of_reproduces_an_earlier_judgement():
    y = pd.Series([10.0, 9.5, 9.0, 8.4], index=[2019, 2020, 2021, 2022])
    a = assess(y, target(deadline=2022, value=8.5), as_of=2021)
    assert a.achieved is None and a.latest_year == 2021


# --------------------------------------------------------------------------------------------
# anchors through assess: exact geometric series
# --------------------------------------------------------------------------------------------
def test_exact_geometric_series_rates_ratio_and_point_projection():
    # 100 * 1.05^k, 2015..2022, target 160 in 2025 with a base year 2015: CAGR_a = 5 %;
    # CAGR_r = (160/100)^(1/10) - 1 = 4.8122 %/yr, so R = 0.05 / 0.048122 = 1.039 -> on track.
    y = geometric(100.0, 0.05, 2015, 2022)
    a = assess(
        y, target(comparator=">=", value=160.0, base_year=2015), as_of=AS_OF, forecast_options=PLAIN
    )
    assert a.observed_rate == pytest.approx(0.05, abs=1e-12)
    assert a.required_rate == pytest.approx(1.6**0.1 - 1, abs=1e-12)
    assert a.ratio == pytest.approx(0.05 / (1.6**0.1 - 1), abs=1e-9)
    assert a.category == "on track"
    # without a base year the last five years are used: base 2017 (100 * 1.05^2 = 110.25),
    # CAGR_a still 5 %, CAGR_r = (160 / 110.25)^(1/8) - 1 = 4.7654 %/yr, R = 1.0492
    a = assess(y, target(comparator=">=", value=160.0), as_of=AS_OF, forecast_options=PLAIN)
    assert a.anchors["base_year"] == 2017
    assert a.observed_rate == pytest.approx(0.05, abs=1e-12)
    assert a.required_rate == pytest.approx((160 / 110.25) ** (1 / 8) - 1, abs=1e-12)
    assert a.ratio == pytest.approx(0.05 / ((160 / 110.25) ** (1 / 8) - 1), abs=1e-9)
    # needed from 2022: (160 / (100 * 1.05^7))^(1/3) - 1
    assert a.rate_needed == pytest.approx((160 / (100 * 1.05**7)) ** (1 / 3) - 1, abs=1e-12)
    # no noise: both models put all mass on 100 * 1.05^10 = 162.889
    assert a.projection == pytest.approx(100 * 1.05**10, rel=1e-9)
    assert a.lower95 == pytest.approx(a.upper95, rel=1e-9)
    assert a.probability == pytest.approx(1.0)
    assert assess(
        y, target(comparator=">=", value=165.0), as_of=AS_OF, forecast_options=PLAIN
    ).probability == (pytest.approx(0.0))


# --------------------------------------------------------------------------------------------
# comparator semantics against the random walk with drift written out by hand
# --------------------------------------------------------------------------------------------
def _rw_cdf(y: pd.Series, year: int, v: float) -> float:
    # progress-methods note: on z = log y, d = mean first difference, s2 = variance of the
    # first differences, z_{t+h} ~ t_{n-2}(z_t + h d, s2 (h + h^2/(n-1))).
    z = np.log(y.to_numpy())
    dz = np.diff(z)
    n = len(z)
    h = year - int(y.index[-1])
    loc = z[-1] + h * dz.mean()
    scale = math.sqrt(dz.var(ddof=1) * (h + h * h / (n - 1)))
    return float(stats.t.cdf((math.log(v) - loc) / scale, df=n - 2))


@pytest.mark.parametrize(
    ("comparator", "value", "tol", "expected"),
    [
        ("<=", 87.0, None, lambda y: _rw_cdf(y, 2025, 87.0)),
        (">=", 87.0, None, lambda y: 1 - _rw_cdf(y, 2025, 87.0)),
        ("~", 87.0, 2.0, lambda y: _rw_cdf(y, 2025, 89.0) - _rw_cdf(y, 2025, 85.0)),
        ("==", 87.0, None, lambda y: _rw_cdf(y, 2025, 87.5) - _rw_cdf(y, 2025, 86.5)),
    ],
)
def test_comparator_probabilities_match_the_rw_formula(comparator, value, tol, expected):
    a = assess(
        NOISY,
        target(comparator=comparator, value=value, tolerance=tol),
        models=("rw_drift",),
        as_of=AS_OF,
        forecast_options=PLAIN,
    )
    assert a.probability == pytest.approx(expected(NOISY), abs=1e-6)
    assert set(a.models) == {"rw_drift"}


def test_headline_is_the_mean_of_the_two_models_and_median_between_them():
    a = assess(NOISY, target(value=87.0), as_of=AS_OF, weights="equal", forecast_options=PLAIN)
    assert set(a.models) == {"rw_drift", "ols_trend"}
    assert a.probability == pytest.approx(np.mean(list(a.models.values())), abs=1e-12)
    assert a.lower95 < a.lower80 < a.projection < a.upper80 < a.upper95


def test_zero_growth_uses_the_base_year_value():
    y = pd.Series([50.0, 49.0, 49.5, 48.8, 49.2, 48.5], index=range(2018, 2024))
    a = assess(
        y,
        target(comparator="zero_growth", value=None, base_year=2020, deadline=2025),
        models=("rw_drift",),
        as_of=2024,
        forecast_options=PLAIN,
    )
    assert a.target_value == 49.5  # the 2020 value
    assert a.probability == pytest.approx(_rw_cdf(y, 2025, 49.5), abs=1e-6)
    ex_post = assess(y, target(comparator="zero_growth", value=None, base_year=2020, deadline=2023))
    assert ex_post.achieved is True  # 48.5 <= 49.5


def test_zero_growth_without_base_year_data_explains():
    y = pd.Series([50.0, 49.0, 49.5], index=[2021, 2022, 2023])
    a = assess(y, target(comparator="zero_growth", value=None, base_year=2020), as_of=AS_OF)
    assert a.status == "no base-year value" and a.probability is None
    assert any("2020" in w for w in a.warnings)


def test_increase_probability_and_ex_post():
    y = pd.Series([10.0, 10.8, 11.1, 12.3, 12.6, 13.9, 14.0, 15.2], index=range(2015, 2023))
    a = assess(y, target(comparator="increase", value=None), as_of=AS_OF)
    assert 0.3 < a.probability < 1.0 and a.models == {"rw_drift": a.probability}
    # three more rises are harder than one: P(2025) < P(2023)
    b = assess(y, target(comparator="increase", value=None, deadline=2023), as_of=AS_OF)
    assert b.probability > a.probability
    # ex post: every year from plan_start rose
    c = assess(y, target(comparator="increase", value=None, deadline=2022), plan_start=2019)
    assert c.achieved is True
    # a fall in 2021 (13.9 -> 13.5) inside the plan period: not achieved
    fell = pd.Series([12.3, 12.6, 13.9, 13.5, 15.2], index=range(2018, 2023))
    d = assess(fell, target(comparator="increase", value=None, deadline=2022), plan_start=2019)
    assert d.achieved is False
    # the same fall before plan_start does not count
    e = assess(fell, target(comparator="increase", value=None, deadline=2022), plan_start=2022)
    assert e.achieved is True


def test_increase_already_missed_before_the_deadline():
    y = pd.Series([10.0, 11.0, 12.0, 11.5, 12.5], index=range(2018, 2023))
    a = assess(
        y, target(comparator="increase", value=None, deadline=2025), plan_start=2020, as_of=AS_OF
    )
    assert a.status == "already missed" and a.probability == 0.0
    assert any("2021" in w for w in a.warnings)


def test_about_target_without_tolerance_falls_back_with_warning():
    a = assess(NOISY, target(comparator="~", value=87.0, tolerance=None), as_of=AS_OF)
    assert a.probability is not None
    assert any("±5 %" in w for w in a.warnings)


# --------------------------------------------------------------------------------------------
# a latest value already meeting the target
# --------------------------------------------------------------------------------------------
def test_cap_met_now_but_rising_keeps_the_model_probability():
    # 80, 82, ..., 90: below the cap of 92 today, rising 2 a year -> about 96 in 2025.
    y = pd.Series([80.0, 82.1, 83.9, 86.2, 87.9, 90.0], index=range(2017, 2023))
    a = assess(y, target(value=92.0), as_of=AS_OF)
    assert a.status == "already meets the target"
    assert a.category == "target achieved"
    assert a.achieved is None
    assert a.probability < 0.1  # the trend breaches the cap by 2025
    assert a.flag is not None and a.flag.startswith("meets the target now")
    forced = assess(y, target(value=92.0), met_now="override", as_of=AS_OF)
    assert forced.probability == 1.0


# --------------------------------------------------------------------------------------------
# provincial targets
# --------------------------------------------------------------------------------------------
def test_provincial_without_override_needs_the_number():
    a = assess(NOISY, target(comparator="provincial", value=None), as_of=AS_OF)
    assert a.status == "needs the provincial target"
    assert a.probability is None and a.models == {}
    assert "provincial" in a.wording and "省级" in a.wording_zh
    # no base year: the last five years, 2017 (95.5) to 2022 (91)
    assert a.observed_rate == pytest.approx((91 / 95.5) ** (1 / 5) - 1)


def test_provincial_with_override_is_judged():
    cat = pd.DataFrame(
        {
            "code": ["x"],
            "unit": ["t"],
            "direction": ["lower"],
            "kind": ["level"],
            "lower_bound": [0.0],
            "upper_bound": [np.nan],
        }
    )
    a = assess(
        NOISY,
        target(comparator="provincial", value=None),
        as_of=AS_OF,
        overrides={"t.test": 87.0},
        indicators=cat,
    )
    assert a.probability == pytest.approx(
        assess(NOISY, target(value=87.0), as_of=AS_OF, indicators=cat).probability
    )
    b = assess(
        NOISY,
        target(comparator="provincial", value=None),
        as_of=AS_OF,
        overrides={"t.test": {"comparator": ">=", "value": 87.0}},
    )
    assert b.comparator == ">=" and b.probability is not None


# --------------------------------------------------------------------------------------------
# bounds, units
# --------------------------------------------------------------------------------------------
def test_rate_interval_stays_inside_0_100():
    y = pd.Series([93.0, 95.5, 96.0, 98.2, 97.9, 99.3], index=range(2017, 2023))
    a = assess(y, target(comparator=">=", value=99.5, unit="%"), as_of=AS_OF)
    assert 0 < a.lower95 and a.upper95 < 100


def test_bounds_come_from_the_catalogue():
    cat = pd.DataFrame(
        {
            "code": ["x"],
            "unit": ["%"],
            "direction": ["higher"],
            "kind": ["share"],
            "lower_bound": [0.0],
            "upper_bound": [100.0],
        }
    )
    y = pd.Series([93.0, 95.5, 96.0, 98.2, 97.9, 99.3], index=range(2017, 2023))
    a = assess(y, target(comparator=">=", value=99.5), as_of=AS_OF, indicators=cat)
    assert a.upper95 < 100


def test_percent_change_target_becomes_a_level():
    # -13.5 % against 2020 for an intensity in tce/10k yuan: level = 0.865 * y_2020
    cat = pd.DataFrame(
        {
            "code": ["x"],
            "unit": ["tce/10k yuan"],
            "direction": ["lower"],
            "kind": ["intensity"],
            "lower_bound": [0.0],
            "upper_bound": [np.nan],
        }
    )
    y = pd.Series([0.60, 0.58, 0.56, 0.55], index=range(2020, 2024))
    a = assess(y, target(value=-13.5, unit="%", base_year=2020), indicators=cat, as_of=2024)
    assert a.target_value == pytest.approx(0.865 * 0.60)
    # China pace: cut so far 1 - 0.55/0.60 = 8.33 % after 3 years vs 1 - 0.865^(3/5) = 8.33 %
    assert a.pace_level in (2, 3)


# --------------------------------------------------------------------------------------------
# awkward inputs: never a crash or an unexplained NaN
# --------------------------------------------------------------------------------------------
def test_one_point():
    a = assess(pd.Series([5.0], index=[2022]), target(value=4.0), as_of=AS_OF)
    assert a.probability is None and a.status == "anchors only"
    assert math.isnan(a.observed_rate) and any("two" in w for w in a.warnings)


def test_two_points_anchors_only():
    a = assess(pd.Series([5.0, 4.8], index=[2021, 2022]), target(value=4.0), as_of=AS_OF)
    assert a.probability is None and a.status == "anchors only"
    assert not math.isnan(a.ratio)
    assert any("fewer than the 5" in w for w in a.warnings)


def test_gaps_between_years_are_reported():
    y = NOISY.drop([2017, 2019])
    a = assess(y, target(value=87.0), as_of=AS_OF)
    assert a.probability is not None
    assert any("missing" in w for w in a.warnings)


def test_zeros_prevent_the_log_and_say_so():
    y = pd.Series([0.0, 1.0, 2.0, 2.5, 3.5, 4.0], index=range(2017, 2023))
    a = assess(y, target(comparator=">=", value=5.0), as_of=AS_OF)
    assert a.probability is not None
    assert math.isnan(a.ratio) and any("zero" in w for w in a.warnings)


def test_negative_values():
    y = pd.Series([-3.0, -2.0, -1.5, -1.0, 0.5, 1.0], index=range(2017, 2023))
    a = assess(y, target(comparator=">=", value=2.0), as_of=AS_OF)
    assert a.probability is not None and any("identity" in w for w in a.warnings)


def test_rate_outside_its_bounds_is_reported():
    y = pd.Series([95.0, 97.0, 99.0, 101.0, 103.0, 104.0], index=range(2017, 2023))
    a = assess(y, target(comparator=">=", value=99.0, unit="%"), as_of=AS_OF)
    assert a.probability is not None and any("outside the bounds" in w for w in a.warnings)


def test_deadline_passed_without_data():
    a = assess(NOISY, target(value=87.0, deadline=2023), as_of=2024)
    assert a.achieved is None and a.probability is not None
    assert any("has passed" in w for w in a.warnings)


def test_deadline_gap_with_later_data_is_a_nowcast():
    y = pd.Series(
        [10.0, 9.8, 9.5, 9.4, 9.1, 8.9, 8.5], index=[2015, 2016, 2017, 2018, 2019, 2020, 2022]
    )
    a = assess(y, target(value=8.7, deadline=2021))
    assert a.achieved is None and a.latest_year == 2020
    assert any("nowcast" in w for w in a.warnings)


def test_missing_values_dropped_with_warning():
    y = NOISY.copy()
    y[2018] = np.nan
    a = assess(y, target(value=87.0), as_of=AS_OF)
    assert any("2018" in w and "dropped" in w for w in a.warnings)


def test_string_years_and_datetime_index_accepted():
    y = pd.Series(NOISY.to_numpy(), index=[str(i) for i in NOISY.index])
    a = assess(y, target(value=87.0), as_of=AS_OF)
    b = assess(NOISY, target(value=87.0), as_of=AS_OF)
    assert a.probability == pytest.approx(b.probability)
    dt = pd.Series(NOISY.to_numpy(), index=pd.to_datetime([f"{i}-12-31" for i in NOISY.index]))
    assert assess(dt, target(value=87.0), as_of=AS_OF).latest_year == 2022


@pytest.mark.parametrize(
    ("series", "match"),
    [
        (pd.Series([], dtype=float), "no observations"),
        (pd.Series([1.0, 2.0], index=[2020, 2020]), "more than once"),
        (pd.Series([1.0, "abc"], index=[2020, 2021]), "non-numeric"),
        (pd.Series([1.0, 2.0], index=["a", "b"]), "not years"),
    ],
)
def test_unassessable_series_raise_series_error_naming_target(series, match):
    with pytest.raises(SeriesError, match=match) as info:
        assess(series, target(), region="海州区")
    assert "t.test" in str(info.value) and "海州区" in str(info.value)
    assert "Fix:" in str(info.value)


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        ({"comparator": "<<"}, "comparator"),
        ({"value": None}, "needs a value"),
        ({"deadline": None}, "no deadline"),
        ({"comparator": "zero_growth", "base_year": None}, "base_year"),
    ],
)
def test_bad_targets_raise(bad, match):
    with pytest.raises(SeriesError, match=match):
        assess(NOISY, target(**bad))


def test_target_by_id(monkeypatch):
    import greenstats.assessment as mod

    table = pd.DataFrame([target(target_id="water.total_use.2025", value=87.0)])
    monkeypatch.setattr(mod, "_default_targets", lambda: table)
    a = assess(NOISY, "water.total_use.2025", as_of=AS_OF)
    assert a.target_id == "water.total_use.2025" and a.target_value == 87.0
    with pytest.raises(SeriesError, match="unknown target_id"):
        assess(NOISY, "water.nothing", as_of=AS_OF)


def test_row_of_load_targets_is_accepted():
    row = pd.Series(target(value=87.0, base_year=pd.NA, tolerance=np.nan))
    assert assess(NOISY, row, as_of=AS_OF).probability is not None


def test_statuses_are_documented():
    a = assess(NOISY, target(value=87.0), as_of=AS_OF)
    assert a.status in STATUSES


# --------------------------------------------------------------------------------------------
# the scorecard
# --------------------------------------------------------------------------------------------
def _panel() -> pd.DataFrame:
    rows = []
    for region, shift in (("A", 0.0), ("B", 5.0)):
        for yr, v in NOISY.items():
            rows.append(
                {"indicator": "x", "region": region, "year": yr, "value": v + shift, "unit": "t"}
            )
    rows.append({"indicator": "y", "region": "A", "year": 2022, "value": np.nan, "unit": "t"})
    return pd.DataFrame(rows)


def test_assess_all_rows_columns_and_statuses():
    targets = [
        target(target_id="cap", value=87.0),
        target(target_id="prov", comparator="provincial", value=None),
        target(target_id="nodata", indicator="y"),
    ]
    sc = assess_all(_panel(), targets, as_of=AS_OF)
    assert list(sc.columns) == list(ASSESSMENT_FIELDS) + list(EXTRA_FIELDS)
    # 2 targets x 2 regions with data, plus one row for the target without data
    assert len(sc) == 5
    cap = sc[sc["target_id"] == "cap"].set_index("region")
    assert cap.loc["A", "probability"] > cap.loc["B", "probability"]  # B is 5 higher
    prov = sc[sc["target_id"] == "prov"]
    assert (prov["status"] == "needs the provincial target").all()
    assert prov["probability"].isna().all()
    nodata = sc[sc["target_id"] == "nodata"]
    assert nodata["status"].tolist() == ["no data"]
    assert str(sc["latest_year"].dtype) == "Int64" and str(sc["achieved"].dtype) == "boolean"
    # same numbers as assess on the single series
    one = assess(NOISY, target(target_id="cap", value=87.0), region="A", as_of=AS_OF)
    assert cap.loc["A", "probability"] == pytest.approx(one.probability)


def test_assess_all_keeps_going_after_a_bad_series():
    panel = _panel()
    panel = pd.concat(
        [panel, panel.iloc[[0]].assign(region="C"), panel.iloc[[0]].assign(region="C", value=3.0)]
    )  # duplicate year in C
    sc = assess_all(panel, [target(target_id="cap", value=87.0)], as_of=AS_OF)
    c = sc[sc["region"] == "C"].iloc[0]
    assert c["status"] == "not assessed" and "more than once" in c["warnings"][0]
    assert (sc[sc["region"] != "C"]["status"] == "in progress").all()


def test_assess_all_missing_columns():
    with pytest.raises(SeriesError, match="value"):
        assess_all(pd.DataFrame({"indicator": [], "region": [], "year": []}), [target()])


def test_assess_all_parallel_matches_serial():
    panel = pd.concat(
        [_panel().assign(region=lambda d, i=i: d["region"] + str(i)) for i in range(30)]
    )
    targets = [target(target_id="cap", value=87.0)]
    serial = assess_all(panel, targets, as_of=AS_OF)
    parallel = assess_all(panel, targets, as_of=AS_OF, jobs=2)
    pd.testing.assert_series_equal(serial["probability"], parallel["probability"])
    assert serial["region"].tolist() == parallel["region"].tolist()


# --------------------------------------------------------------------------------------------
# property: awkward input never crashes and never leaves an unexplained gap
# --------------------------------------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(
        st.one_of(
            st.floats(-50, 150, allow_nan=False),
            st.just(0.0),
            st.just(float("nan")),
        ),
        min_size=1,
        max_size=10,
    ),
    gaps=st.lists(st.integers(1, 3), min_size=10, max_size=10),
    comparator=st.sampled_from(["<=", ">=", "~", "==", "increase", "zero_growth", "provincial"]),
    value=st.floats(1, 120),
    unit=st.sampled_from(["%", "t"]),
    deadline=st.integers(2018, 2030),
)
def test_awkward_inputs_never_crash_or_leave_unexplained_nan(
    values, gaps, comparator, value, unit, deadline
):
    years = [2000 + sum(gaps[:i]) for i in range(len(values))]
    y = pd.Series(values, index=years)
    t = target(
        comparator=comparator,
        value=None if comparator in ("increase", "zero_growth", "provincial") else value,
        unit=unit,
        tolerance=1.0 if comparator == "~" else None,
        base_year=years[0] if comparator == "zero_growth" else None,
        deadline=deadline,
    )
    try:
        a = assess(y, t, as_of=2031)
    except SeriesError as err:  # allowed only with a message naming the target and a fix
        assert "t.test" in str(err) and "Fix:" in str(err)
        return
    assert a.status in STATUSES
    if a.probability is None:
        assert a.warnings or a.status == "needs the provincial target"
        assert a.wording and a.wording_zh
    else:
        assert 0.0 <= a.probability <= 1.0
    numbers = [a.observed_rate, a.projection, a.ratio]
    if any(isinstance(x, float) and math.isnan(x) for x in numbers):
        assert a.warnings or a.status in ("achieved", "not achieved", "needs the provincial target")


# --------------------------------------------------------------------------------------------
# options: sensitivity models, backtests, counts and 100 % shares
# --------------------------------------------------------------------------------------------
LONG = pd.Series(
    [120.0, 118.0, 115.5, 116.0, 112.0, 110.5, 109.0, 106.0, 107.0, 103.5, 101.0],
    index=range(2012, 2023),
)


def test_sensitivity_models_reported_but_not_in_the_headline():
    plain = assess(LONG, target(value=98.0), as_of=AS_OF)
    sens = assess(LONG, target(value=98.0), as_of=AS_OF, sensitivity=True)
    assert sens.probability == pytest.approx(plain.probability)
    assert {k for k in sens.models if k.startswith("sens:")} <= {
        "sens:uc_llt",
        "sens:arima110",
        "sens:ets_damped",
    }
    assert any(k.startswith("sens:") for k in sens.models)


def test_backtest_beside_the_assessment():
    a = assess(LONG, target(value=98.0), as_of=AS_OF, backtest=True)
    assert a.backtest is not None and "backtest" in a.summary()
    panel = pd.DataFrame(
        {"indicator": "x", "region": "A", "year": LONG.index, "value": LONG.to_numpy()}
    )
    sc = assess_all(panel, [target(value=98.0)], as_of=AS_OF, backtest=True)
    row = sc.iloc[0]
    # origins 2016..2021 (5+ training points) with horizons 1-3 inside the data:
    # h=1: 6 origins, h=2: 5, h=3: 4 -> 15 headline forecasts
    assert row["backtest_n"] == 15
    assert 0 <= row["backtest_coverage80"] <= row["backtest_coverage95"] <= 1
    assert row["backtest_mape"] > 0


def test_share_target_of_exactly_100_percent():
    # "every park retrofitted" (== 100 %): probability of landing within half a point of 100
    y = pd.Series([80.0, 85.0, 88.0, 92.0, 94.0, 96.0], index=range(2017, 2023))
    a = assess(y, target(comparator="==", value=100.0, unit="%"), as_of=AS_OF)
    assert 0 <= a.probability <= 1 and a.upper95 <= 100
    done = pd.concat([y, pd.Series([100.0], index=[2025])])
    assert assess(done, target(comparator="==", value=100.0, unit="%")).achieved is True


def test_about_target_overshoot_is_flagged():
    # rising 10 -> 15.5 against "about 13 ± 1": the anchors see fast progress (R > 1), the
    # probability of landing inside 12-14 is small, and a warning explains the difference.
    y = pd.Series([10.0, 11.0, 12.2, 13.1, 14.3, 15.5], index=range(2017, 2023))
    a = assess(y, target(comparator="~", value=13.0, tolerance=1.0), as_of=AS_OF)
    assert a.ratio > 1
    assert a.probability < 0.33
    assert any("overshot" in w for w in a.warnings)


def test_gs_assess_is_the_function_after_the_module_is_imported():
    import greenstats as gs
    import greenstats.assessment  # noqa: F401  the module is named apart from the function

    assert callable(gs.assess) and gs.assess is assess
    a = gs.assess(NOISY, target(value=87.0), as_of=AS_OF)
    assert isinstance(a, Assessment) and a.probability is not None
    assert gs.assess_all is assess_all


# --------------------------------------------------------------------------------------------
# real data: CEADs city CO2, 290 cities
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ceads_panel(real_file) -> pd.DataFrame:
    path = real_file("panels/ceads-city-co2-1997-2019.xlsx")
    v = pd.read_excel(path, sheet_name="emission vector", engine="calamine")
    return pd.DataFrame(
        {"indicator": "co2", "region": v["city"], "year": v["year"], "value": v["emission"]}
    )


def test_ceads_zero_growth_ex_post_matches_the_sheet(ceads_panel):
    # "no growth of CO2 in 2019 against 2015": achieved exactly where the sheet's 2019 value
    # is not above its 2015 value (read straight from the workbook, not from greenstats).
    t = target(
        target_id="co2.zero",
        indicator="co2",
        comparator="zero_growth",
        value=None,
        base_year=2015,
        deadline=2019,
    )
    sc = assess_all(ceads_panel, [t])
    assert len(sc) == ceads_panel["region"].nunique() == 290
    wide = ceads_panel.pivot(index="region", columns="year", values="value")
    both = wide[[2015, 2019]].dropna()
    expected = (both[2019] <= both[2015]).to_dict()
    got = sc.set_index("region")
    for city, ok in expected.items():
        assert got.loc[city, "achieved"] == ok, city
    others = got.drop(index=list(expected))
    assert others["achieved"].isna().all()
    assert set(others["status"]) <= set(STATUSES)
    assert (others["warnings"].map(len) > 0).all()


def test_ceads_ex_ante_cap_runs_on_every_city(ceads_panel):
    # a cap 10 % below each city's 2016 level in 2019, judged as of 2016
    wide = ceads_panel.pivot(index="region", columns="year", values="value")
    caps = (0.9 * wide[2016]).dropna()
    sc = assess_all(
        ceads_panel[ceads_panel["region"].isin(caps.index[:60])],
        [target(target_id="co2.cap", indicator="co2", value=float(caps.median()), deadline=2019)],
        as_of=2016,
    )
    assert len(sc) == 60 and (sc["latest_year"] <= 2016).all()
    assert set(sc["status"]) <= set(STATUSES) - {"not assessed"}
    has_p = sc["probability"].notna()
    assert sc.loc[has_p, "probability"].between(0, 1).all()
    assert (sc.loc[~has_p, "warnings"].map(len) > 0).all()
    assert (sc.loc[has_p, "lower80"] <= sc.loc[has_p, "upper80"]).all()


def test_constant_series_at_the_target_is_met_inclusively():
    """A series flat at the target value: P(Y >= v) and P(Y <= v) are 1 (both inclusive)."""
    y = pd.Series([3.0] * 6, index=range(2016, 2022))
    for comp in (">=", "<="):
        a = assess(y, target(comparator=comp, value=3.0, unit="个"), as_of=AS_OF)
        assert a.probability == pytest.approx(1.0), comp
    a = assess(y, target(comparator=">=", value=4.0, unit="个"), as_of=AS_OF)
    assert a.probability == pytest.approx(0.0)
