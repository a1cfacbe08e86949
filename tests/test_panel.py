"""to_panel: tidy rows -> catalogue codes in canonical units, derived indicators, reports.

Hand-built tidy frames follow the contract in architecture.md; expected numbers are worked
out by hand in the comments. The real-file tests read the city panel and the CEADs file with
greenstats.read_yearbook and compare with cells read by hand (SOURCES.md, expected-cells.csv).
"""

from __future__ import annotations

import pandas as pd
import pytest

from greenstats.errors import SeriesError, SpecError
from greenstats.indicators import (
    coherence_checks,
    conflicts_report,
    to_panel,
    unmapped_report,
)
from greenstats.schema import PANEL_COLUMNS, TIDY_COLUMNS
from greenstats.targets import load_targets


def tidy(rows: list[dict]) -> pd.DataFrame:
    """A tidy table from short row dicts (missing columns NA, file y.xlsx, sheet s)."""
    full = []
    for i, r in enumerate(rows):
        row = {c: None for c in TIDY_COLUMNS}
        row.update(status="A", source_file="y.xlsx", source_sheet="s", source_cell=f"B{i + 1}")
        row.update(r)
        full.append(row)
    frame = pd.DataFrame(full, columns=list(TIDY_COLUMNS))
    return frame.astype({"year": "Int64", "value": "float64"})


def val(panel: pd.DataFrame, code: str, year: int, region: str = "连云港市") -> float:
    hit = panel[(panel.indicator == code) & (panel.year == year) & (panel.region == region)]
    assert len(hit) == 1, f"{code} {region} {year}: {len(hit)} rows"
    return float(hit["value"].iloc[0])


R = "连云港"


# ---------------------------------------------------------------- mapping and units
def test_columns_dtypes_and_one_row_per_key():
    t = tidy(
        [
            dict(indicator="用水总量", region=R, year=2020, value=25000, unit="万立方米"),
            dict(indicator="用水总量", region=R, year=2021, value=26100, unit="万立方米"),
        ]
    )
    p = to_panel(t)
    assert tuple(p.columns) == PANEL_COLUMNS
    assert str(p["year"].dtype) == "Int64" and p["value"].dtype == "float64"
    assert p["derived"].dtype == bool and p["indicator"].dtype == "str"
    assert not p.duplicated(["indicator", "region", "year"]).any()
    # 25,000 万立方米 = 2.5 亿立方米; 26,100 -> 2.61
    assert val(p, "water_use", 2020) == pytest.approx(2.5)
    assert val(p, "water_use", 2021) == pytest.approx(2.61)
    assert set(p["unit"]) == {"亿立方米"}
    assert p.loc[p.year == 2021, "source_cell"].item() == "B2"


def test_input_is_not_modified():
    t = tidy([dict(indicator="用水总量", region=R, year=2020, value=25000, unit="万立方米")])
    before = t.copy()
    to_panel(t)
    pd.testing.assert_frame_equal(t, before)


def test_synonyms_units_in_labels_and_regions():
    t = tidy(
        [
            # OCR slip, unit in the label, region without 市
            dict(indicator="年未总人口", region="连云港", year=2012, value=511, unit="万人"),
            dict(indicator="用水总量(亿立方米)", region="江苏连云港", year=2012, value=24.9),
            dict(indicator="化肥使用量", region="连云港市", year=2020, value=219000, unit="吨"),
            dict(indicator="一般工业固体废弃物综合利用率", region="全 市", year=2020, value=93.1),
        ]
    )
    p = to_panel(t, city="连云港市")
    assert set(p["region"]) == {"连云港市"}
    assert val(p, "population", 2012) == 511
    assert val(p, "water_use", 2012) == pytest.approx(24.9)
    assert val(p, "fertiliser_use", 2020) == pytest.approx(21.9)  # 219,000 吨 = 21.9 万吨
    # a rate printed without a unit can only be in %
    assert val(p, "industrial_solid_waste_utilisation", 2020) == pytest.approx(93.1)


def test_whole_city_and_missing_region_are_not_guessed_by_default():
    t = tidy(
        [
            dict(indicator="用水总量", region="全市", year=2020, value=25.0, unit="亿立方米"),
            dict(indicator="能源消费总量", region=None, year=2020, value=498000, unit="万吨标准煤"),
        ]
    )
    p = to_panel(t)
    assert p.loc[p.indicator == "water_use", "region"].item() == "全市"
    assert p.loc[p.indicator == "energy_consumption", "region"].isna().all()
    assert set(to_panel(t, city="连云港市")["region"]) == {"连云港市"}


def test_breakdown_area_choice():
    t = tidy(
        [
            dict(
                indicator="地区生产总值",
                breakdown="全市",
                region=R,
                year=2012,
                value=16034200,
                unit="万元",
            ),
            dict(
                indicator="地区生产总值",
                breakdown="市辖区",
                region=R,
                year=2012,
                value=9000000,
                unit="万元",
            ),
        ]
    )
    assert val(to_panel(t), "gdp", 2012) == pytest.approx(1603.42)
    assert val(to_panel(t, area="市辖区"), "gdp", 2012) == pytest.approx(900.0)
    rep = unmapped_report(to_panel(t))
    assert rep["reason"].str.startswith("area 市辖区").sum() == 1


def test_growth_columns_and_markers_are_reported_not_used():
    t = tidy(
        [
            dict(indicator="用水总量", region=R, year=2021, value=24.9, unit="亿立方米"),
            dict(
                indicator="用水总量",
                breakdown="比上年增长",
                region=R,
                year=2021,
                value=1.2,
                unit="%",
            ),
            dict(
                indicator="用水总量", region=R, year=2022, value=None, unit="亿立方米", status="M"
            ),
            dict(indicator="公厕数量", region=R, year=2021, value=50307),
            dict(indicator="公厕数量", region=R, year=2022, value=50310),
        ]
    )
    p = to_panel(t)
    assert p[["indicator", "year"]].values.tolist() == [["water_use", 2021]]
    rep = unmapped_report(p).set_index("reason")
    assert rep.loc["breakdown 比上年增长 not selected", "rows"] == 1
    assert rep.loc["marker M", "rows"] == 1
    assert rep.loc["label not in catalogue", "label"] == "公厕数量"
    assert rep.loc["label not in catalogue", "rows"] == 2
    assert len(unmapped_report(p, reason="label")) == 1


def test_level_without_unit_is_not_guessed():
    t = tidy([dict(indicator="用水总量", region=R, year=2021, value=24.9)])
    p = to_panel(t)
    assert p.empty
    assert unmapped_report(p)["reason"].item().startswith("no unit printed")


def test_unconvertible_unit_is_reported():
    t = tidy([dict(indicator="用水总量", region=R, year=2021, value=24.9, unit="万吨")])
    assert (
        unmapped_report(to_panel(t))["reason"].item() == "unit 万吨 cannot be converted to 亿立方米"
    )


def test_accounting_method_choice():
    t = tidy(
        [
            dict(
                indicator="能源消费总量",
                breakdown="发电煤耗计算法",
                region=R,
                year=2020,
                value=3000,
                unit="万吨标准煤",
            ),
            dict(
                indicator="能源消费总量",
                breakdown="电热当量计算法",
                region=R,
                year=2020,
                value=2800,
                unit="万吨标准煤",
            ),
        ]
    )
    assert val(to_panel(t), "energy_consumption", 2020) == 3000
    assert val(to_panel(t, accounting="电热当量计算法"), "energy_consumption", 2020) == 2800


def test_bad_parameters_raise():
    t = tidy([dict(indicator="用水总量", region=R, year=2021, value=24.9, unit="亿立方米")])
    with pytest.raises(SpecError, match="price_base"):
        to_panel(t, price_base="real")
    with pytest.raises(SpecError, match="lacks columns"):
        to_panel(t.drop(columns=["unit"]))


# ---------------------------------------------------------------- conflicts
def _two_sources(v1: float, v2: float) -> pd.DataFrame:
    return tidy(
        [
            dict(
                indicator="用水总量",
                region=R,
                year=2021,
                value=v1,
                unit="亿立方米",
                source_file="a.xlsx",
                source_cell="C5",
            ),
            dict(
                indicator="用水总量",
                region="连云港市",
                year=2021,
                value=v2,
                unit="万立方米",
                source_file="b.xlsx",
                source_cell="D9",
            ),
        ]
    )


def test_conflicting_sources_are_reported_never_averaged():
    p = to_panel(_two_sources(24.9, 251000))  # 251,000 万立方米 = 25.1 亿立方米
    assert val(p, "water_use", 2021) == pytest.approx(24.9)  # the first, not 25.0
    rep = conflicts_report(p)
    assert len(rep) == 1
    assert rep["values"].item() == "24.9; 25.1"
    assert "[a.xlsx]s!C5 = 24.9" in rep["sources"].item()
    assert "[b.xlsx]s!D9 = 25.1" in rep["sources"].item()
    assert to_panel(_two_sources(24.9, 251000), on_conflict="drop").empty
    with pytest.raises(SeriesError, match="sources disagree"):
        to_panel(_two_sources(24.9, 251000), on_conflict="raise")


def test_agreeing_sources_are_one_row_and_no_conflict():
    p = to_panel(_two_sources(24.9, 249000))
    assert len(p) == 1 and conflicts_report(p).empty


# ---------------------------------------------------------------- derived indicators
def _energy_frame() -> pd.DataFrame:
    return tidy(
        [
            dict(indicator="能源消费总量", region=R, year=2020, value=1500, unit="万吨标准煤"),
            dict(indicator="能源消费总量", region=R, year=2021, value=1540, unit="万吨标准煤"),
            dict(
                indicator="地区生产总值(2020年价格)", region=R, year=2020, value=3000, unit="亿元"
            ),
            dict(
                indicator="地区生产总值(2020年价格)", region=R, year=2021, value=3200, unit="亿元"
            ),
            dict(indicator="地区生产总值", region=R, year=2020, value=3000, unit="亿元"),
            dict(indicator="地区生产总值", region=R, year=2021, value=3400, unit="亿元"),
            dict(indicator="用水总量", region=R, year=2020, value=25.0, unit="亿立方米"),
            dict(indicator="二氧化碳排放量", region=R, year=2021, value=6400, unit="万吨"),
            dict(indicator="非化石能源消费量", region=R, year=2021, value=192.5, unit="万吨标准煤"),
        ]
    )


def test_energy_intensity_at_comparable_prices_and_its_change():
    p = to_panel(_energy_frame())
    # 1500 万吨标准煤 / 3000 亿元 = 0.5 吨标准煤/万元; 1540 / 3200 = 0.48125
    assert val(p, "energy_intensity", 2020) == pytest.approx(0.5)
    assert val(p, "energy_intensity", 2021) == pytest.approx(0.48125)
    # change against 2020: 0.48125 / 0.5 - 1 = -3.75 %
    assert val(p, "energy_intensity_change", 2021) == pytest.approx(-3.75)
    assert val(p, "energy_intensity_change", 2020) == pytest.approx(0.0)
    row = p[(p.indicator == "energy_intensity") & (p.year == 2021)].iloc[0]
    assert bool(row["derived"]) and row["unit"] == "吨标准煤/万元"
    assert row["source_cell"] == "[y.xlsx]s!B2; [y.xlsx]s!B4"  # energy B2, real GDP B4
    ch = p[(p.indicator == "energy_intensity_change") & (p.year == 2021)].iloc[0]
    assert ch["source_cell"] == "[y.xlsx]s!B2; [y.xlsx]s!B4; [y.xlsx]s!B1; [y.xlsx]s!B3"
    assert p.attrs["price_base"] == "comparable" and p.attrs["base_year"] == 2020
    assert any("GDP at 2020 prices" in d for d in p.attrs["derivations"])


def test_water_co2_and_nonfossil_derived():
    p = to_panel(_energy_frame())
    # 25 亿立方米 / 3000 亿元 = 25e8 m3 / 3000e4 万元 = 83.333 立方米/万元
    assert val(p, "water_intensity", 2020) == pytest.approx(83.3333333)
    # 6400 万吨 / 3200 亿元 (2020 prices) = 2.0 吨/万元
    assert val(p, "co2_intensity", 2021) == pytest.approx(2.0)
    # 192.5 / 1540 = 12.5 %
    assert val(p, "nonfossil_share", 2021) == pytest.approx(12.5)


def test_current_price_basis_is_a_parameter_and_recorded():
    p = to_panel(_energy_frame(), price_base="current")
    # 1540 / 3400 (current prices) = 0.452941...
    assert val(p, "energy_intensity", 2021) == pytest.approx(1540 / 3400)
    assert p.attrs["price_base"] == "current"
    assert any("current-price GDP" in d for d in p.attrs["derivations"])


def test_comparable_gdp_at_another_base_year_is_not_used():
    t = tidy(
        [
            dict(
                indicator="地区生产总值(2015年价格)", region=R, year=2020, value=2800, unit="亿元"
            ),
            dict(indicator="能源消费总量", region=R, year=2020, value=1500, unit="万吨标准煤"),
        ]
    )
    p = to_panel(t, base_year=2020)
    assert "energy_intensity" not in set(p["indicator"])
    assert "comparable prices of 2015" in unmapped_report(p)["reason"].item()
    p15 = to_panel(t, base_year=2015)
    assert val(p15, "energy_intensity", 2020) == pytest.approx(1500 / 2800)


def test_printed_intensity_wins_over_derived_and_identity_check():
    t = pd.concat(
        [
            _energy_frame(),
            tidy(
                [
                    dict(
                        indicator="单位GDP能耗",
                        region=R,
                        year=2021,
                        value=0.60,
                        unit="吨标准煤/万元",
                        source_cell="Z9",
                    )
                ]
            ),
        ],
        ignore_index=True,
    )
    p = to_panel(t)
    assert val(p, "energy_intensity", 2021) == pytest.approx(0.60)
    found = coherence_checks(p)
    ident = found[found["check"] == "identity"]
    assert ident[["indicator", "year"]].values.tolist() == [["energy_intensity", 2021]]
    assert "0.48125" in ident["detail"].item()


def test_no_derivation_when_switched_off():
    p = to_panel(_energy_frame(), derive=False)
    assert not p["derived"].any()


def test_linked_targets_coherence_water():
    # water use 2020 = 25 亿立方米 (sample frame); a made-up provincial cut of 20 % in water
    # intensity by 2022 with GDP +6 %/yr allows 25 * 1.06^2 * 0.8 = 22.472 <= 29.55 cap
    targets = load_targets(
        {
            "water.intensity.2022": {
                "indicator": "water_intensity_change",
                "comparator": "<=",
                "value": -20.0,
                "base_year": 2020,
                "source": "test fixture: made-up number",
            }
        }
    )
    found = coherence_checks(to_panel(_energy_frame()), targets, gdp_growth=0.06)
    linked = found[found["check"] == "linked_targets"]
    assert len(linked) == 1 and bool(linked["ok"].item())
    assert "22.47" in linked["detail"].item() and "29.55" in linked["detail"].item()


# ---------------------------------------------------------------- real files
@pytest.fixture(scope="module")
def city_tidy(real_file) -> pd.DataFrame:
    from greenstats.reader import read_yearbook

    return read_yearbook(real_file("panels/city-panel-2004-2012.xlsx"))


def test_city_panel_waste_treatment_lianyungang(city_tidy):
    p = to_panel(city_tidy)
    lyg = p[(p.indicator == "waste_harmless") & (p.region == "连云港市")].sort_values("year")
    # hand-read from sheet `new`, rows 815-823, column P
    assert lyg["year"].tolist() == list(range(2004, 2013))
    assert lyg["value"].tolist() == [100, 100, 100, 85, 100, 100, 99.3, 41.2, 71.2]
    assert lyg["source_cell"].tolist() == [f"P{r}" for r in range(815, 824)]
    assert (lyg["unit"] == "%").all() and not lyg["derived"].any()
    # GDP C815 = 4,163,600 万元 = 416.36 亿元 (current prices); C823 = 16,034,200 -> 1603.42
    assert val(p, "gdp", 2004) == pytest.approx(416.36)
    assert val(p, "gdp", 2012) == pytest.approx(1603.42)
    # columns outside the catalogue are reported by label, not dropped silently
    rep = unmapped_report(p, reason="label not in catalogue")
    assert {"公厕数量", "工业二氧化硫排放量"} <= set(rep["label"])
    # 0 used as "missing" in this panel (status Z) never becomes a 0 % treatment rate
    assert not ((p.indicator == "waste_harmless") & (p.value == 0)).any()


def test_ceads_co2_and_cross_file_intensity(real_file, city_tidy):
    from greenstats.reader import read_yearbook

    co2 = read_yearbook(real_file("panels/ceads-city-co2-1997-2019.xlsx"))
    p = to_panel(pd.concat([co2, city_tidy], ignore_index=True), price_base="current")
    # emission matrix F161 = 5.301014252779371 Mt (2000) -> 530.1014 万吨; Y161 = 30.4046 Mt
    assert val(p, "co2_emissions", 2000) == pytest.approx(530.1014252779371)
    assert val(p, "co2_emissions", 2019) == pytest.approx(3040.4642130384445)
    # the long and the wide sheet agree: no conflict, one row per year
    assert conflicts_report(p).empty
    # CO2 intensity 2004, current prices: 712.3207902889126 万吨 / 416.36 亿元 = 1.71083 t/万元
    assert val(p, "co2_intensity", 2004) == pytest.approx(712.3207902889126 / 416.36)
    row = p[(p.indicator == "co2_intensity") & (p.year == 2004) & (p.region == "连云港市")]
    assert "city-panel-2004-2012.xlsx" in row["source_cell"].item()
    assert "ceads-city-co2-1997-2019.xlsx" in row["source_cell"].item()


def test_linked_targets_intensity_given_as_percent_and_cap_binding():
    # energy use 2020 = 1500 万吨标准煤 in the sample frame; made-up numbers for the test:
    # intensity -3 % vs 2020 by 2022 and GDP +8 %/yr allow 1500 * 1.08^2 * 0.97 = 1697.112;
    # a made-up cap of 1600 is tighter (ok False)
    targets = load_targets(
        {
            "energy.intensity.2022": {
                "value": -3.0,
                "unit": "%",
                "base_year": 2020,
                "source": "test fixture: made-up number",
            },
            "energy.total_use.2022": {"value": 1600, "source": "test fixture: made-up number"},
        }
    )
    found = coherence_checks(to_panel(_energy_frame()), targets, gdp_growth=0.08)
    linked = found[found["check"] == "linked_targets"]
    assert len(linked) == 1 and not bool(linked["ok"].item())
    assert "1697" in linked["detail"].item()


def test_plan_targets_lie_within_their_indicators_ranges():
    found = coherence_checks(to_panel(_energy_frame()), load_targets())
    assert found[found["check"] == "target_bounds"].empty
    # a tolerance pushing a share past 100 % is caught
    bad = load_targets().copy()
    bad.loc[bad["target_id"] == "waste.kitchen_harmless.2022", "tolerance"] = 15.0
    found = coherence_checks(to_panel(_energy_frame()), bad)
    tb = found[found["check"] == "target_bounds"]
    assert tb["indicator"].tolist() == ["kitchen_waste_harmless"]


def test_ccsy_population_area_choice(real_file):
    from greenstats.reader import read_yearbook

    # CCSY table 2-1 (about 2016 data; the table prints no year, so it is passed in).
    # Sheet 1-7 row 93, 连云港市: 年末户籍人口 全市 C93 = 534, 市辖区 D93 = 223 (万人)
    t = read_yearbook(real_file("ccsy-cnki/2-1-population-encrypted.xls"), year=2016)
    whole = to_panel(t)
    assert val(whole, "population", 2016) == 534
    assert (
        whole.loc[
            (whole.indicator == "population") & (whole.region == "连云港市"), "source_cell"
        ].item()
        == "C93"
    )
    assert val(to_panel(t, area="市辖区"), "population", 2016) == 223
    rep = unmapped_report(whole)
    assert rep["reason"].str.startswith("area 市辖区").any()


def test_nbs_city_export_gdp_and_services_share(real_file):
    from greenstats.reader import read_yearbook

    # expected-cells.csv: guangzhou-indicators.xls, 主要城市年度数据!C5 = 21503.15 (2017, 亿元)
    p = to_panel(read_yearbook(real_file("nbs-exports/guangzhou-indicators.xls")))
    assert val(p, "gdp", 2017, region="广州市") == pytest.approx(21503.15)
    row = p[(p.indicator == "gdp") & (p.year == 2017)]
    assert row["source_cell"].item() == "C5"
    # 第三产业增加值 C8 = 15254.37 (read with xlrd): services share derived from its parts
    share = p[(p.indicator == "services_share") & (p.year == 2017)].iloc[0]
    assert share["value"] == pytest.approx(100 * 15254.37 / 21503.15)
    assert bool(share["derived"])
    f = "[guangzhou-indicators.xls]主要城市年度数据!"
    assert share["source_cell"] == f"{f}C8; {f}C5"
