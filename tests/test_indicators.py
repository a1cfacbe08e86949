"""The indicator catalogue: completeness, units, labels, validation, coherence formulas.

Conversion factors and coherence numbers are computed by hand in the comments.
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from greenstats.errors import SpecError
from greenstats.indicators import (
    allowed_total_growth,
    canonical_unit,
    check_bounds,
    convert,
    implied_total,
    load_indicators,
    match_label,
    normalise_region,
    unit_factor,
)
from greenstats.specs.indicators import load_catalogue, parse_catalogue
from greenstats.targets import load_targets


@pytest.fixture(scope="module")
def cat() -> pd.DataFrame:
    return load_indicators().set_index("code")


def test_every_target_indicator_is_in_the_catalogue(cat):
    codes = set(load_targets()["indicator"])
    assert codes <= set(cat.index), sorted(codes - set(cat.index))


def test_inputs_of_derived_indicators_are_in_the_catalogue(cat):
    derived = cat[cat["derived"]]
    # the five derived indicators the issue names, and the change rates
    for code in (
        "energy_intensity",
        "water_intensity",
        "co2_intensity",
        "nonfossil_share",
        "energy_intensity_change",
        "industrial_energy_intensity",
    ):
        assert code in derived.index, code
    for code, inputs in derived["inputs"].items():
        assert inputs and set(inputs) <= set(cat.index), code
    assert set(cat.loc["energy_intensity", "inputs"]) == {"energy_consumption", "gdp_real"}


def test_catalogue_columns_and_domains(cat):
    for col in ("name_zh", "name_en", "unit", "direction", "kind", "synonyms", "conversions"):
        assert col in cat.columns
    assert set(cat["direction"]) <= {"higher", "lower", "neutral"}
    assert set(cat["kind"]) <= {"level", "rate", "share", "intensity", "count"}
    # every indicator a target measures says which way is better
    target_codes = set(load_targets()["indicator"])
    assert set(cat.loc[list(target_codes), "direction"]) <= {"higher", "lower"}
    shares = cat[cat["kind"].isin(["rate", "share"]) & (cat["unit"] == "%")]
    levels = shares[shares["lower_bound"] != -100]  # change rates may fall to -100%
    assert (levels["lower_bound"] == 0).all() and (levels["upper_bound"] == 100).all()
    assert len(levels) >= 15


def test_directions_of_core_indicators(cat):
    assert cat.loc["water_use", "direction"] == "lower"
    assert cat.loc["energy_intensity", "direction"] == "lower"
    assert cat.loc["industrial_solid_waste_utilisation", "direction"] == "higher"
    assert cat.loc["nonfossil_share", "direction"] == "higher"


# ---------------------------------------------------------------- units (hand-computed)
@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (1.0, "万吨", "吨", 10_000.0),  # 万 = 10^4
        (52_000.0, "吨", "万吨", 5.2),
        (3.2, "亿立方米", "万立方米", 32_000.0),  # 亿/万 = 10^8/10^4
        (29_550.0, "万立方米", "亿立方米", 2.955),
        (5_000.0, "吨标准煤", "万吨标准煤", 0.5),
        (1.0, "亿千瓦时", "万千瓦时", 10_000.0),
        (16_034_200.0, "万元", "亿元", 1_603.42),  # city panel C823, Lianyungang GDP 2012
        (30.404642130384445, "百万吨", "万吨", 3_040.4642130384445),  # CEADs Y161 (Mt)
        (250.0, "兆瓦", "万千瓦", 25.0),  # 1 MW = 1,000 kW = 0.1 万千瓦
        (1.0, "亿吨标准煤", "万吨标准煤", 10_000.0),
        (800.0, "千克标准煤/万元", "吨标准煤/万元", 0.8),
    ],
)
def test_unit_conversions(value, src, dst, expected):
    assert convert(value, src, dst) == pytest.approx(expected, rel=1e-12)


def test_catalogue_conversions_match_hand_factors(cat):
    assert cat.loc["water_use", "conversions"]["万立方米"] == pytest.approx(1e-4)
    assert cat.loc["water_use", "conversions"]["立方米"] == pytest.approx(1e-8)
    assert cat.loc["energy_consumption", "conversions"]["吨标准煤"] == pytest.approx(1e-4)
    assert cat.loc["co2_emissions", "conversions"]["百万吨"] == pytest.approx(100.0)
    assert cat.loc["gdp", "conversions"]["万元"] == pytest.approx(1e-4)
    assert cat.loc["clean_energy_capacity", "conversions"]["千瓦"] == pytest.approx(1e-4)


@pytest.mark.parametrize(
    ("printed", "unit"),
    [
        ("单位：万吨标准煤", "万吨标准煤"),
        ("（亿千瓦小时）", "亿千瓦时"),
        ("亿千瓦小时", "亿千瓦时"),
        ("百分比", "%"),
        ("百分比%", "%"),
        ("％", "%"),
        ("(10⁴ tce)", "万吨标准煤"),
        ("(104 tn)", "万吨"),  # the lost superscript of 10⁴ in the energy yearbook
        ("million tones", "百万吨"),  # CEADs NOTE sheet spelling
        ("万 元", "万元"),
    ],
)
def test_printed_unit_variants(printed, unit):
    assert canonical_unit(printed) == unit


def test_incompatible_or_unknown_units_raise():
    with pytest.raises(SpecError, match="cannot convert"):
        unit_factor("万吨", "亿立方米")
    with pytest.raises(SpecError, match="unknown unit"):
        unit_factor("斤", "吨")


# ---------------------------------------------------------------- labels
SAMPLE_LABELS = {
    # labels of the simulated sample yearbook in data/raw (data/make_sample.py) -> catalogue code
    "能源消费总量": "energy_consumption",
    "规模以上工业能源消费量": "industrial_energy_consumption",
    "规模以上工业增加值": "industrial_value_added",
    "地区生产总值": "gdp",
    "非化石能源占一次能源消费比重": "nonfossil_share",
    "二氧化碳排放量": "co2_emissions",
    "用水总量": "water_use",
    "一般工业固体废物综合利用率": "industrial_solid_waste_utilisation",
    "农作物秸秆综合利用率": "straw_utilisation",
    "生活垃圾焚烧处理率": "waste_incineration_share",
    "餐厨废弃物无害化处理率": "kitchen_waste_harmless",
    "生活垃圾无害化处理率": "waste_harmless",
    "高新技术产业产值占规模以上工业总产值比重": "hightech_share",
    "战略性新兴产业产值占规模以上工业总产值比重": "sei_share",
    "研究与试验发展经费支出占地区生产总值比重": "rd_intensity",
    "服务业增加值占地区生产总值比重": "services_share",
    "化肥施用量": "fertiliser_use",
    "畜禽粪污综合利用率": "manure_utilisation",
    "绿色建筑占新建建筑比重": "green_building_share",
    "节能环保产业营业收入": "eep_revenue",
    "清洁能源装机容量": "clean_energy_capacity",
    # variants across editions, OCR slips, the plan's own wording, the real files
    "年未总人口": "population",  # OCR slip for 年末总人口
    "年末总人口": "population",
    "农作物秸杆综合利用率": "straw_utilisation",  # 杆 for 秆
    "一般工业固体废弃物综合利用率": "industrial_solid_waste_utilisation",
    "化肥使用量": "fertiliser_use",
    "生活垃圾焚烧处理比例": "waste_incineration_share",
    "第三产业占GDP的比重": "services_share",  # city panel column G
    "规上工业增加值": "industrial_value_added",
    "全 社 会 用 水 总 量": "water_use",
    "能源消费总量①": "energy_consumption",
    "ＧＤＰ": "gdp",
}


@pytest.mark.parametrize(("label", "code"), sorted(SAMPLE_LABELS.items()))
def test_label_maps_to_code(label, code):
    m = match_label(label)
    assert m is not None, label
    assert m.code == code


def test_label_with_price_base_and_units():
    m = match_label("地区生产总值(2020年价格)")
    assert (m.code, m.qualifiers) == ("gdp", ("2020年价格",))
    m = match_label("地区生产总值_当年价格_全市_万元")  # city panel header C1
    assert (m.code, m.qualifiers, m.label_unit) == ("gdp", ("当年价格", "全市"), "万元")
    m = match_label("用水总量（亿立方米）")
    assert (m.code, m.label_unit) == ("water_use", "亿立方米")
    m = match_label("能源消费总量(万吨标准煤)(电热当量计算法)")
    assert (m.code, m.qualifiers, m.label_unit) == (
        "energy_consumption",
        ("电热当量计算法",),
        "万吨标准煤",
    )
    # a bracket that is neither unit nor qualifier stays part of the label: not GDP
    assert match_label("地区生产总值指数(上年=100)") is None
    assert match_label("公厕数量") is None
    assert match_label(None) is None


def test_context_synonym_needs_context():
    # CEADs' sheets carry no unit and a generic label: only accepted for a CO2 file
    assert match_label("emission vector", context="ceads-city-co2.xlsx").code == "co2_emissions"
    assert match_label("emission vector", context="so2 inventory.xlsx") is None


def test_region_names():
    assert normalise_region("江苏连云港") == "连云港市"  # CEADs style
    assert normalise_region("连云港") == "连云港市"
    assert normalise_region("连云港市") == "连云港市"
    assert normalise_region("全　市", city="连云港市") == "连云港市"
    assert normalise_region(None, city="连云港市") == "连云港市"
    assert normalise_region("吉林吉林") == "吉林市"  # province and city share a name
    assert normalise_region("毫州") == "亳州市"  # OCR variant in the crosswalk
    assert normalise_region("东 海 县") == "东海县"  # not a prefecture: kept, cleaned


# ---------------------------------------------------------------- validation
def _doc(**indicator):
    entry = {
        "name_zh": "用水总量",
        "name_en": "Water use",
        "unit": "亿立方米",
        "direction": "lower",
        "kind": "level",
    }
    entry.update(indicator)
    return {
        "units": {"亿立方米": ["volume", 1e8], "%": ["percent", 1]},
        "indicators": {"water_use": entry},
    }


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"unit": "桶"}, "units table"),
        ({"direction": "up"}, "direction"),
        ({"kind": "stock"}, "kind"),
        ({"kind": "share", "unit": "%"}, "lower_bound 0"),
        ({"formula": "a / b"}, "formula and inputs"),
        ({"formula": "a / b", "inputs": ["nope"]}, "unknown indicator 'nope'"),
        ({"synonyms": [{"label": "x", "unit_if_missing": "斤"}]}, "unknown unit"),
        ({"colour": "blue"}, "unknown field"),
        ({"name_en": None}, "missing field 'name_en'"),
    ],
)
def test_bad_catalogue_raises_naming_the_key(change, words):
    with pytest.raises(SpecError) as err:
        parse_catalogue(_doc(**change))
    assert "indicators.water_use" in str(err.value) and words in str(err.value)


def test_label_claimed_twice_raises():
    doc = _doc(synonyms=["总用水量"])
    doc["indicators"]["water_use2"] = dict(doc["indicators"]["water_use"], name_zh="总用水量")
    doc["indicators"]["water_use2"]["synonyms"] = []
    with pytest.raises(SpecError, match="claimed"):
        parse_catalogue(doc)


def test_catalogue_is_frozen():
    spec = load_catalogue().indicators["water_use"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.unit = "吨"
    with pytest.raises(TypeError):  # the cached tables are read-only too
        load_catalogue().indicators["water_use"] = spec


# ---------------------------------------------------------------- coherence formulas
def test_allowed_total_growth_published_example():
    # (1 + 6%) * (1 - 13.5%)^(1/5) - 1: ln 0.865 = -0.145026, /5 = -0.0290052,
    # exp = 0.971412, * 1.06 = 1.029697 -> +2.97 % a year (progress-methods note)
    assert allowed_total_growth(0.06, 0.135) == pytest.approx(0.029697, abs=5e-6)


def test_allowed_total_growth_second_hand_case():
    # g = 5 %, R = 16 %: 0.84^(1/5) = exp(0.2 * -0.174353) = 0.965730; * 1.05 = 1.014016
    assert allowed_total_growth(0.05, 0.16) == pytest.approx(0.014016, abs=5e-6)
    # no GDP growth: the total must fall as fast as intensity (13.5 % over 5 yrs: -2.86 %/yr)
    assert allowed_total_growth(0.0, 0.135) == pytest.approx(-0.028588, abs=5e-6)
    with pytest.raises(SpecError):
        allowed_total_growth(0.06, 13.5)  # a percentage passed as a fraction


def test_implied_total_hand_case():
    # 25 亿立方米 in 2020, GDP +6 %/yr for 2 years, intensity -8 %: 25 * 1.1236 * 0.92 = 25.8428
    assert implied_total(25.0, 0.06, -8.0, 2) == pytest.approx(25.8428, rel=1e-9)
    # consistent with allowed_total_growth over 5 years
    g = allowed_total_growth(0.06, 0.135)
    assert implied_total(100.0, 0.06, -13.5, 5) == pytest.approx(100 * (1 + g) ** 5)


def test_check_bounds_flags_a_share_above_100():
    panel = pd.DataFrame(
        {
            "indicator": ["waste_harmless", "waste_harmless", "water_use"],
            "region": ["连云港市"] * 3,
            "year": [2011, 2012, 2012],
            "value": [104.0, 71.2, -1.0],
        }
    )
    bad = check_bounds(panel)
    assert bad[["indicator", "value"]].values.tolist() == [
        ["waste_harmless", 104.0],
        ["water_use", -1.0],
    ]
    assert bad["upper_bound"].iloc[0] == 100 and math.isnan(bad["upper_bound"].iloc[1])
