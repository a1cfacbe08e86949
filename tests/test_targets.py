"""The plan as data: every target checked against the plan text itself (issue 4).

Expected values come from reading the plan (``../shared/plan/lianyungang-green-industry-
opinions.txt``) and its README by hand, not from the loader's output.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest

from greenstats.errors import SpecError
from greenstats.schema import COMPARATORS, TARGET_COLUMNS
from greenstats.specs.targets import load_overrides, load_target_specs, parse_targets
from greenstats.targets import load_targets

PLAN = Path(__file__).resolve().parents[1].parent / "shared" / "plan"
PLAN_FILE = PLAN / "lianyungang-green-industry-opinions.txt"

# Counted by hand from the plan README's map (and checked against the plan text):
# (三) 9 targets for 2022 + 2 for 2025; (八) smart workshops, green supply chain; ...
PER_CLAUSE = {
    "(三)": 11,
    "(八)": 2,
    "(九)": 1,
    "(十)": 1,
    "(十一)": 4,
    "(十二)": 3,
    "(十四)": 2,
    "(十六)": 1,
    "(十九)": 5,
}

# Printed numbers, read by hand from the plan: target_id -> (comparator, value, unit)
PRINTED = {
    "industry.green_factories.2022": (">=", 10, "家"),
    "industry.eep_revenue.2022": ("~", 200, "亿元"),
    "energy.nonfossil_share.2022": ("~", 13, "%"),
    "industry.hightech_share.2025": (">=", 45, "%"),
    "innovation.rd_intensity.2025": (">=", 2.5, "%"),
    "industry.smart_workshops.2022": (">=", 6, "家"),
    "industry.green_supply_chain.2022": (">=", 1, "家"),
    "industry.sei_share.2022": (">=", 35, "%"),
    "services.va_share.2022": ("~", 45, "%"),
    "agri.green_pest_control.2022": (">=", 50, "%"),
    "agri.manure_utilisation.2022": (">=", 90, "%"),
    "agri.healthy_aquaculture.2022": (">=", 65, "%"),
    "buildings.green_share.2022": (">=", 98, "%"),
    "parks.circular_retrofit.2022": ("==", 100, "%"),
    "parks.green_parks.2022": (">=", 1, "个"),
    "agri.green_products_share.2022": (">=", 60, "%"),
    "waste.incineration_share.2022": (">=", 90, "%"),
    "waste.kitchen_harmless.2022": ("~", 90, "%"),
    "waste.straw_utilisation.2022": (">=", 95, "%"),
    "waste.industrial_solid_utilisation.2022": (">=", 90, "%"),
    "water.total_use.2022": ("<=", 29.55, "亿立方米"),
}
# The six 省定目标 named in the plan (clauses 三 and 十二)
PROVINCIAL = {
    "carbon.co2_intensity.2022",
    "energy.intensity.2022",
    "energy.industrial_intensity.2022",
    "water.intensity.2022",
    "energy.total_use.2022",
    "energy.clean_capacity.2022",
}
# Tolerances of the four 左右 targets by the documented rule (±1 pp for %, ±5% of levels)
TOLERANCE = {
    "industry.eep_revenue.2022": 10.0,  # 5% of 200亿元
    "energy.nonfossil_share.2022": 1.0,
    "services.va_share.2022": 1.0,
    "waste.kitchen_harmless.2022": 1.0,
}


@pytest.fixture(scope="module")
def plan_text() -> str:
    if not PLAN_FILE.is_file():
        pytest.skip(f"plan text missing: {PLAN_FILE}")
    return PLAN_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return load_targets()


def _line_of(plan: str, text: str) -> str:
    lines = [ln for ln in plan.splitlines() if text in ln]
    assert len(lines) == 1, f"{text!r} found on {len(lines)} lines of the plan"
    return lines[0]


def _clause_of(plan: str, text: str) -> str:
    clause = None
    for ln in plan.splitlines():
        m = re.match(r"^(\([一二三四五六七八九十]+\))", ln)
        if m:
            clause = m.group(1)
        if text in ln:
            return clause
    raise AssertionError(f"{text!r} not in the plan")


def test_thirty_targets_by_clause(targets):
    assert len(targets) == 30
    assert targets["target_id"].is_unique
    assert targets["clause"].value_counts().to_dict() == PER_CLAUSE


def test_columns_and_dtypes(targets):
    assert tuple(targets.columns[: len(TARGET_COLUMNS)]) == TARGET_COLUMNS
    assert str(targets["deadline"].dtype) == "Int64"
    assert str(targets["base_year"].dtype) == "Int64"
    assert targets["value"].dtype == "float64"
    assert targets["text_zh"].dtype == "str"
    assert set(targets["comparator"]) <= set(COMPARATORS)
    assert set(targets["deadline"]) == {2022, 2025}


def test_every_text_zh_is_verbatim_in_the_plan(targets, plan_text):
    missing = [t for t in targets["text_zh"] if t not in plan_text]
    assert not missing, f"not verbatim in the plan: {missing}"


def test_clause_is_the_plan_clause_holding_the_text(targets, plan_text):
    for row in targets.itertuples():
        assert _clause_of(plan_text, row.text_zh) == row.clause, row.target_id


def test_departments_are_those_printed_after_the_target(targets, plan_text):
    for row in targets.itertuples():
        line = _line_of(plan_text, row.text_zh)
        printed = re.findall(r"\(责任(?:部门|单位):([^)]*)\)", line)
        if pd.isna(row.departments):
            # the 2025 goals: no 责任部门 is printed on their line
            assert row.deadline == 2025 and not printed, row.target_id
        else:
            assert printed == [row.departments], row.target_id


def test_deadline_year_is_named_where_the_target_is(targets, plan_text):
    for row in targets.itertuples():
        line = _line_of(plan_text, row.text_zh)
        if row.clause == "(三)" and row.deadline == 2022:
            # the (三) bullets sit under "(三)主要目标。到2022年, ..."
            assert "(三)主要目标。到2022年" in plan_text
        else:
            head = line[: line.index(row.text_zh)]
            assert f"到{row.deadline}年" in head, row.target_id


def test_printed_numbers(targets):
    got = targets.set_index("target_id")
    for tid, (comp, value, unit) in PRINTED.items():
        assert got.loc[tid, "comparator"] == comp, tid
        assert got.loc[tid, "value"] == pytest.approx(value), tid
        assert got.loc[tid, "unit"] == unit, tid
        # the number is printed in the target's own words (except "all parks" = 100%)
        if tid != "parks.circular_retrofit.2022":
            assert f"{value:g}" in got.loc[tid, "text_zh"], tid


def test_wording_matches_comparator(targets):
    for row in targets.itertuples():
        text = row.text_zh
        if "左右" in text:
            assert row.comparator == "~", row.target_id
        if text.endswith("以上"):  # not 规模以上 ("above designated size")
            assert row.comparator == ">=", row.target_id
        if text.endswith("以内") and "省定" not in text:
            assert row.comparator == "<=", row.target_id
        if "省定目标" in text:
            assert row.comparator == "provincial", row.target_id
        if "零增长" in text:
            assert row.comparator == "zero_growth", row.target_id
        if "逐年增长" in text or "不断提升" in text:
            assert row.comparator == "increase", row.target_id


def test_provincial_targets_have_no_invented_number(targets):
    prov = targets[targets["comparator"] == "provincial"]
    assert set(prov["target_id"]) == PROVINCIAL
    assert prov["value"].isna().all()
    assert prov["provincial"].all()
    assert (targets.loc[~targets["target_id"].isin(PROVINCIAL), "provincial"] == False).all()  # noqa: E712


def test_no_value_comparators(targets):
    for comp in ("increase", "zero_growth", "provincial"):
        assert targets.loc[targets["comparator"] == comp, "value"].isna().all()
    fert = targets.set_index("target_id").loc["agri.fertiliser_use.2022"]
    assert fert["comparator"] == "zero_growth" and fert["base_year"] == 2020
    incr = set(targets.loc[targets["comparator"] == "increase", "target_id"])
    assert incr == {"innovation.rd_expenditure.2022", "industry.hightech_output.2022"}


def test_tolerance_rule(targets):
    about = targets[targets["comparator"] == "~"].set_index("target_id")["tolerance"]
    assert about.to_dict() == pytest.approx(TOLERANCE)
    assert targets.loc[targets["comparator"] != "~", "tolerance"].isna().all()


def test_ambiguous_rd_target_is_documented(targets):
    row = targets.set_index("target_id").loc["innovation.rd_intensity.2025"]
    assert "全国平均水平" in row["text_zh"] and "力争" in row["text_zh"]
    assert "AMBIGUOUS" in row["note"]


def test_specs_are_frozen():
    spec = load_target_specs()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.value = 1.0


# ---------------------------------------------------------------- validation errors
def _entry(**kw):
    base = {
        "target_id": "water.total_use.2022",
        "clause": "(十九)",
        "indicator": "water_use",
        "deadline": 2022,
        "comparator": "<=",
        "value": 29.55,
        "unit": "亿立方米",
        "text_zh": "全市用水总量控制在29.55亿立方米以内",
    }
    base.update(kw)
    return base


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"comparator": "<<"}, "comparator"),
        ({"value": None}, "needs a value"),
        ({"comparator": "provincial"}, "takes no value"),
        ({"comparator": "~"}, "tolerance"),
        ({"deadline": 2025}, "deadline"),
        ({"text_zh": None}, "text_zh"),
        ({"clause": "19"}, "clause"),
        ({"colour": "red"}, "unknown field"),
        ({"comparator": "zero_growth", "value": None}, "base_year"),
    ],
)
def test_bad_target_raises_naming_the_key(change, words):
    with pytest.raises(SpecError) as err:
        parse_targets({"targets": [_entry(**change)]})
    assert "water.total_use.2022" in str(err.value)
    assert words in str(err.value)


def test_duplicate_target_id_raises():
    with pytest.raises(SpecError, match="duplicate"):
        parse_targets({"targets": [_entry(), _entry()]})


# ---------------------------------------------------------------- overrides
def test_override_fills_a_provincial_target_with_its_source():
    src = "test fixture: a made-up number, not Jiangsu's"
    t = load_targets({"energy.total_use.2022": {"value": 2500, "source": src}})
    row = t.set_index("target_id").loc["energy.total_use.2022"]
    assert row["value"] == 2500.0
    assert row["comparator"] == "<="  # energy use: lower is better
    assert row["source"] == src and bool(row["provincial"])
    assert row["text_zh"] == "全市能源消费总量控制在省定目标范围以内"
    # the other provincial targets stay empty
    others = t[t["provincial"] & (t["target_id"] != "energy.total_use.2022")]
    assert others["value"].isna().all() and (others["comparator"] == "provincial").all()
    assert (t.loc[~t["provincial"], "source"] == "plan").all()


def test_override_from_yaml_file_with_percent_change(tmp_path):
    path = tmp_path / "jiangsu.yaml"
    path.write_text(
        "source: test fixture, made-up numbers\n"
        "targets:\n"
        "  energy.intensity.2022:\n"
        "    comparator: '<='\n"
        "    value: -5.0\n"
        "    unit: '%'\n"
        "    base_year: 2020\n",
        encoding="utf-8",
    )
    row = load_targets(path).set_index("target_id").loc["energy.intensity.2022"]
    assert (row["value"], row["unit"], row["base_year"]) == (-5.0, "%", 2020)
    assert row["source"] == "test fixture, made-up numbers"


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"energy.total_use.2022": {"value": 1.0}}, "missing source"),
        ({"energy.total_use.2022": {"value": 1.0, "source": "  "}}, "missing source"),
        ({"water.total_use.2022": {"value": 1.0, "source": "x"}}, "only provincial"),
        ({"energy.nope.2022": {"value": 1.0, "source": "x"}}, "no such target"),
        (
            {"energy.total_use.2022": {"value": 1.0, "source": "x", "comparator": "provincial"}},
            "not allowed",
        ),
        ({"energy.total_use.2022": {"value": 1.0, "source": "x", "unit": "吨"}}, "canonical"),
        ({"energy.intensity.2022": {"value": -5.0, "source": "x", "unit": "%"}}, "base year"),
        ({"energy.total_use.2022": {"source": "x"}}, "missing value"),
    ],
)
def test_bad_override_raises_naming_the_key(overrides, words):
    key = next(iter(overrides))
    with pytest.raises(SpecError) as err:
        load_targets(overrides)
    assert key in str(err.value) and words in str(err.value)


def test_load_overrides_missing_file_names_it(tmp_path):
    with pytest.raises(SpecError, match="nothing.yaml"):
        load_overrides(tmp_path / "nothing.yaml")
