"""Calibrated wording (IPCC scale, English and Chinese), disagreement flags, summary and HTML.

The scale is the one in the progress-methods note: >= 0.90 very likely (极有可能);
0.66-0.90 likely (很可能); 0.33-0.66 about as likely as not (可能性相当); 0.10-0.33 unlikely
(不太可能); < 0.10 very unlikely (极不可能).
"""

from __future__ import annotations

import pandas as pd
import pytest

from greenstats.assessment import assess, disagreement_flag, probability_label, wording_for

AS_OF = 2023


@pytest.mark.parametrize(
    ("p", "en", "zh"),
    [
        (1.0, "very likely", "极有可能"),
        (0.90, "very likely", "极有可能"),
        (0.8999, "likely", "很可能"),
        (0.66, "likely", "很可能"),
        (0.6599, "about as likely as not", "可能性相当"),
        (0.33, "about as likely as not", "可能性相当"),
        (0.3299, "unlikely", "不太可能"),
        (0.10, "unlikely", "不太可能"),
        (0.0999, "very unlikely", "极不可能"),
        (0.0, "very unlikely", "极不可能"),
    ],
)
def test_ipcc_bands(p, en, zh):
    assert probability_label(p) == (en, zh)


def test_phrase_names_deadline_and_probability():
    en, zh = wording_for(0.42, 2025)
    assert en == "about as likely as not to meet the 2025 target (probability 0.42)"
    assert zh == "实现2025年目标：可能性相当（概率0.42）"


def test_flag_on_pace_but_coin_flip():
    en, zh = disagreement_flag("on track", None, 0.5, 2025)
    assert en.startswith("on pace, but only about as likely as not")
    assert "可能性相当" in zh
    # 晴雨表 level 3 counts as on pace too
    assert disagreement_flag("acceleration needed", 3, 0.5, 2025) is not None
    # unlikely: no "only"
    assert disagreement_flag("on track", None, 0.2, 2025)[0].startswith("on pace, but unlikely")


def test_flag_behind_but_likely_and_no_flag_when_they_agree():
    assert disagreement_flag("moving away", None, 0.7, 2025)[0].startswith("behind pace")
    assert disagreement_flag("on track", 3, 0.66, 2025) is None
    assert disagreement_flag("moving away", 1, 0.3, 2025) is None
    assert disagreement_flag("acceleration needed", 2, 0.5, 2025) is None
    assert disagreement_flag("on track", 3, None, 2025) is None


def test_assessment_flags_a_noisy_on_track_series():
    # Anchors: CAGR_a = (91/100)^(1/7) - 1 = -1.338 %/yr vs CAGR_r = (87/100)^(1/10) - 1 =
    # -1.383 %/yr: R = d * CAGR_a / |CAGR_r| = (-1)(-1.338)/1.383 = 0.968 -> on track. The series is noisy, so the models are far from sure.
    y = pd.Series([100.0, 99.0, 95.5, 96.5, 92.0, 93.5, 89.0, 91.0], index=range(2015, 2023))
    a = assess(
        y,
        {"target_id": "n", "deadline": 2025, "comparator": "<=", "value": 87.0, "base_year": 2015},
        as_of=AS_OF,
    )
    assert a.ratio == pytest.approx(-((91 / 100) ** (1 / 7) - 1) / (1 - 0.87**0.1), rel=1e-9)
    assert a.category == "on track"
    # 晴雨表: cut so far 1 - 91/100 = 9.0 % < 1 - 0.87^(7/10) = 9.29 % -> level 2 (behind)
    assert a.pace_level == 2
    assert a.probability < 0.66
    assert a.flag is not None and a.flag.startswith("on pace, but only")
    assert any(w.endswith(a.flag) for w in a.warnings)
    # the phrase agrees with the probability's band
    assert a.wording.startswith(probability_label(a.probability)[0])
    assert probability_label(a.probability)[1] in a.wording_zh


def test_no_probability_wording_says_why():
    a = assess(
        pd.Series([5.0, 4.8], index=[2021, 2022]),
        {"target_id": "s", "deadline": 2025, "comparator": "<=", "value": 4.0},
        as_of=AS_OF,
    )
    assert "no probability" in a.wording and "无法给出概率" in a.wording_zh


def test_summary_and_html():
    y = pd.Series([100.0, 99.0, 95.5, 96.5, 92.0, 93.5, 89.0, 91.0], index=range(2015, 2023))
    a = assess(
        y,
        {
            "target_id": "<b>x&y</b>",
            "deadline": 2025,
            "comparator": "<=",
            "value": 87.0,
            "base_year": 2015,
        },
        region="连云港<市>",
        as_of=AS_OF,
    )
    text = a.summary()
    assert text.splitlines()[0].startswith("<b>x&y</b> [连云港<市>]: target <= 87 by 2025")
    assert a.wording in text and a.wording_zh in text and "FLAG" in text
    page = a._repr_html_()
    assert "&lt;b&gt;x&amp;y&lt;/b&gt;" in page and "<b>x&y</b>" not in page
    assert "连云港&lt;市&gt;" in page
    assert "&lt;= 87" in page
    assert f"{a.probability:.2f}" in page
    assert page.count("<table") == 1 and page.startswith("<div")


def test_doctests_of_assess():
    import doctest

    import greenstats.assessment

    result = doctest.testmod(greenstats.assessment, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
