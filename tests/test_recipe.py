"""The optional YAML recipe: loaded into a frozen dataclass, validated with errors naming the key."""

from __future__ import annotations

import dataclasses

import pytest

from greenstats.errors import SpecError
from greenstats.specs.recipe import Recipe, load_recipe


def test_mapping_loads_into_a_frozen_recipe():
    r = load_recipe(
        {
            "header_rows": 3,
            "stub_cols": 2,
            "orientation": "years_down",
            "stub": "indicator",
            "region": "连云港市",
            "year": 2023,
            "unit": "万吨",
            "skip_rows": [7, 8],
            "body_start": 6,
        }
    )
    assert (r.header_rows, r.stub_cols, r.orientation, r.stub) == (3, 2, "years_down", "indicator")
    assert (r.region, r.year, r.unit, r.skip_rows, r.body_start) == (
        "连云港市",
        2023,
        "万吨",
        (7, 8),
        6,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.year = 2024  # type: ignore[misc]


def test_yaml_file(tmp_path):
    p = tmp_path / "recipe.yaml"
    p.write_text("header_rows: 2\nsheets:\n  '9-5':\n    year: 2022\n", encoding="utf-8")
    r = load_recipe(p)
    assert r.header_rows == 2 and r.year is None
    per_sheet = r.for_sheet("9-5")
    assert per_sheet.header_rows == 2 and per_sheet.year == 2022
    assert r.for_sheet("other") is r


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"header_row": 2}, "header_row"),
        ({"header_rows": 9}, "header_rows"),
        ({"header_rows": "two"}, "header_rows"),
        ({"stub_cols": -1}, "stub_cols"),
        ({"orientation": "sideways"}, "orientation"),
        ({"stub": "city"}, "stub"),
        ({"year": "2020年"}, "year"),
        ({"year": True}, "year"),
        ({"region": ""}, "region"),
        ({"skip_rows": 5}, "skip_rows"),
        ({"skip_rows": [0]}, "skip_rows"),
        ({"sheets": {"A": {"yaer": 2020}}}, "sheets.A.yaer"),
        ({"sheets": {"A": {"sheets": {}}}}, "sheets.A.sheets"),
    ],
)
def test_invalid_recipe_names_the_key(data, key):
    with pytest.raises(SpecError) as err:
        load_recipe(data)
    assert err.value.key == key
    assert key in str(err.value) and "Fix:" in str(err.value)


def test_errors_from_a_file_name_the_file(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("orientation: diagonal\n", encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_recipe(p)
    assert err.value.file == str(p) and err.value.key == "orientation"


def test_not_a_mapping_and_none():
    assert load_recipe(None) is None
    r = Recipe(year=2020)
    assert load_recipe(r) is r
    with pytest.raises(SpecError):
        load_recipe({"sheets": ["A"]})
