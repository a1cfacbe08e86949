"""Read every committed fixture with zero configuration and check it against the manifest.

The manifest (tests/data/fixtures/manifest.json) is written by tests/fixtures/make_fixtures.py
from the data it renders, so every expected value here is independent of the reader.
"""

from __future__ import annotations

import functools
import math
import re
import shutil
import unicodedata
import warnings
from pathlib import Path

import pandas as pd
import pytest

try:
    from conftest import FIXTURES_DIR, check_expected_cells, load_manifest, rows_at, source_cells
except ModuleNotFoundError:  # tests/ collected as a package
    from tests.conftest import (
        FIXTURES_DIR,
        check_expected_cells,
        load_manifest,
        rows_at,
        source_cells,
    )

import greenstats
from greenstats.errors import GreenstatsError, LayoutError, ReadError
from greenstats.schema import LEDGER_ROLES, STATUS_LEGEND, TIDY_COLUMNS, TIDY_DTYPES

MANIFEST = load_manifest()
OK = sorted(n for n, e in MANIFEST.items() if e["expect"] == "ok")
FAILING = sorted(n for n, e in MANIFEST.items() if e["expect"] != "ok")
LEDGER_COLUMNS = [
    "source_file",
    "source_sheet",
    "source_cell",
    "row",
    "col",
    "raw",
    "role",
    "reason",
    "table_id",
]


@functools.cache
def read(name: str) -> pd.DataFrame:
    """Zero configuration, except for the fixture whose manifest names a recipe (point 14)."""
    recipe = MANIFEST.get(name, {}).get("recipe")
    return greenstats.read_yearbook(FIXTURES_DIR / name, recipe=recipe and FIXTURES_DIR / recipe)


@functools.cache
def ledger(name: str) -> pd.DataFrame:
    return greenstats.cell_ledger(FIXTURES_DIR / name)


def test_every_issue_point_has_a_fixture():
    covered = {p for e in MANIFEST.values() for p in e["covers"]}
    # 12 (ledger) is checked on every fixture in test_ledger_invariant.py
    assert set(range(1, 15)) - {12} <= covered


def test_recipe_fixture_reads_without_the_recipe_too():
    """Zero configuration still reads the table (or raises a LayoutError), it just cannot know
    that the stub names regions; the recipe is what makes the manifest come true."""
    try:
        tidy = greenstats.read_yearbook(FIXTURES_DIR / "f21_needs_recipe.xlsx")
    except LayoutError:
        return
    assert len(tidy) == MANIFEST["f21_needs_recipe.xlsx"]["n_rows"]


def _raw_number(raw):
    """R3's own reading of a fixture cell: a number, None for a marker/empty, or "formula"."""
    if raw is None:
        return None
    if isinstance(raw, int | float):
        return float(raw)
    if raw.startswith("="):
        return "formula"
    text = re.sub("[\u2460-\u24ff]", "", raw)  # circled footnote numbers (NFKC makes ① a 1)
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-").replace(",", "")
    text = re.sub(r"\s", "", text)
    m = re.match(r"^-?\d+(\.\d+)?", text)
    return float(m.group(0)) if m else None


@pytest.mark.parametrize("name", OK)
def test_manifest_agrees_with_the_written_cells(name):
    """Guard the generator: each expected value is what the file holds at that address."""
    cells = source_cells(FIXTURES_DIR / name, formulas=True)
    bad = []
    for exp in MANIFEST[name]["cells"]:
        got = _raw_number(cells.get((exp["sheet"], exp["cell"])))
        if got == "formula":
            continue
        want = exp.get("value")
        if (want is None) != (got is None) or (want is not None and not math.isclose(got, want)):
            bad.append((exp["sheet"], exp["cell"], got, want))
    assert not bad, bad


@pytest.mark.parametrize("name", OK)
def test_tidy_contract(name):
    tidy = read(name)
    assert list(tidy.columns[: len(TIDY_COLUMNS)]) == list(TIDY_COLUMNS)
    for col, dtype in TIDY_DTYPES.items():
        assert str(tidy[col].dtype) == dtype, f"{col}: {tidy[col].dtype}, expected {dtype}"
    assert (tidy["source_file"] == name).all()
    assert set(tidy["status"]) <= set(STATUS_LEGEND), set(tidy["status"]) - set(STATUS_LEGEND)
    assert tidy["indicator"].notna().all(), "every row needs an indicator"
    # normal values are numbers; missing/unknown statuses carry NaN, never 0
    assert tidy.loc[tidy["status"] == "A", "value"].notna().all()
    assert tidy.loc[tidy["status"].isin(["M", "L", "F", "Z", "X"]), "value"].isna().all()


@pytest.mark.parametrize("name", OK)
def test_expected_cells(name):
    bad = check_expected_cells(read(name), MANIFEST[name]["cells"])
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", OK)
def test_row_count_and_unique_provenance(name):
    tidy = read(name)
    dup = tidy[tidy.duplicated(["source_sheet", "source_cell"], keep=False)]
    assert dup.empty, f"duplicated provenance:\n{dup[['source_sheet', 'source_cell']]}"
    want = MANIFEST[name]["n_rows"]
    if want is not None:
        assert len(tidy) == want, sorted(tidy["source_cell"])


@pytest.mark.parametrize("name", [n for n in OK if MANIFEST[n]["absent"]])
def test_header_and_empty_rows_give_no_values(name):
    tidy = read(name)
    hits = [a for a in MANIFEST[name]["absent"] if len(rows_at(tidy, a["sheet"], a["cell"]))]
    assert not hits, f"tidy rows from header/province cells: {hits}"


@pytest.mark.parametrize("name", [n for n in OK if MANIFEST[n]["same_table"]])
def test_table_grouping(name):
    tidy = read(name)
    ids = []
    for group in MANIFEST[name]["same_table"]:
        got = set()
        for sheet, cell in group:
            got |= set(rows_at(tidy, sheet, cell)["table_id"].dropna())
        assert len(got) == 1, f"one table expected, table_id values {got}"
        ids.append(got.pop())
    assert len(set(ids)) == len(ids), f"stacked tables must have distinct table_id: {ids}"


@pytest.mark.parametrize("name", [n for n in OK if MANIFEST[n]["ledger"]])
def test_ledger_roles_of_chosen_cells(name):
    led = ledger(name)
    assert list(led.columns[: len(LEDGER_COLUMNS)]) == LEDGER_COLUMNS
    assert set(led["role"]) <= set(LEDGER_ROLES)
    bad = []
    for exp in MANIFEST[name]["ledger"]:
        hit = led[(led["source_sheet"] == exp["sheet"]) & (led["source_cell"] == exp["cell"])]
        if len(hit) != 1:
            bad.append(f"{exp['sheet']}!{exp['cell']}: {len(hit)} ledger rows")
        elif hit.iloc[0]["role"] != exp["role"]:
            bad.append(
                f"{exp['sheet']}!{exp['cell']}: role {hit.iloc[0]['role']}, expected {exp['role']}"
            )
    assert not bad, "\n".join(bad)


def test_stub_hierarchy_is_cleaned_and_levelled():
    name = "f02_years_across_hierarchy.xlsx"
    tidy = read(name)
    for prefix in ("#", "其中", "\u3000", "\xa0", " "):
        assert not tidy["indicator"].str.startswith(prefix).any(), prefix
    if "level" in tidy.columns:  # optional column: when present it must follow the stub
        by_cell = tidy.set_index("source_cell")["level"]
        pairs = [
            (c["level"], int(by_cell[c["cell"]]))
            for c in MANIFEST[name]["cells"]
            if "level" in c and c["cell"].startswith("B")
        ]
        for m1, t1 in pairs:
            for m2, t2 in pairs:
                if m1 < m2:
                    assert t1 < t2, f"stub level {t1} vs {t2} for printed levels {m1} < {m2}"


def test_growth_columns_are_never_years():
    tidy = read("f02_years_across_hierarchy.xlsx")
    growth = tidy[tidy["source_cell"].str.startswith("F")]
    assert len(growth) == 8
    assert growth["breakdown"].str.contains("增长").all()
    years = tidy[~tidy["source_cell"].str.startswith("F")]
    assert not years["breakdown"].fillna("").str.contains("增长").any()
    assert set(years["year"].dropna().astype(int)) == {2018, 2019, 2020, 2021}


def test_note_bound_to_marked_cell_only():
    tidy = read("f05_markers_numbers.xlsx")
    marked = rows_at(tidy, "表1", "B5").iloc[0]
    assert "快报" in str(marked["note"])
    plain = rows_at(tidy, "表1", "B4").iloc[0]
    assert "快报" not in str(plain["note"]) if pd.notna(plain["note"]) else True


def test_formula_without_cache_is_never_zero():
    row = rows_at(read("f05_markers_numbers.xlsx"), "表1", "D8").iloc[0]
    assert pd.isna(row["value"]) and row["status"] == "F"


def test_encrypted_default_password_reads_like_plain():
    plain = read("f01_bilingual_merged.xlsx")
    enc = read("c1_encrypted_default.xls")
    cols = ["indicator", "breakdown", "region", "year", "value", "unit", "source_cell"]
    pd.testing.assert_frame_equal(
        plain[cols].reset_index(drop=True), enc[cols].reset_index(drop=True)
    )


def test_other_password_names_the_file():
    with pytest.raises(ReadError) as info:
        greenstats.read_yearbook(FIXTURES_DIR / "c2_encrypted_other.xlsx")
    assert "c2_encrypted_other.xlsx" in str(info.value)
    assert "password" in str(info.value).lower()


def test_broken_file_is_a_read_error():
    with pytest.raises(ReadError) as info:
        greenstats.read_yearbook(FIXTURES_DIR / "e1_broken.xlsx")
    assert "e1_broken.xlsx" in str(info.value)


def test_missing_file_is_a_read_error(tmp_path):
    with pytest.raises(ReadError) as info:
        greenstats.read_yearbook(tmp_path / "nowhere.xlsx")
    assert "nowhere.xlsx" in str(info.value)


def test_unreadable_layout_names_file_sheet_cell():
    with pytest.raises(LayoutError) as info:
        greenstats.read_yearbook(FIXTURES_DIR / "e2_numbers_only.xlsx")
    err = info.value
    assert err.file and "e2_numbers_only.xlsx" in str(err.file)
    assert err.sheet == "numbers"
    assert err.cell, "the error must point at a cell"
    assert "e2_numbers_only.xlsx" in str(err) and "numbers" in str(err) and err.cell in str(err)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_only_greenstats_errors_reach_the_user(name):
    try:
        read.__wrapped__(name)
    except GreenstatsError:
        pass


def test_sheet_argument_reads_one_sheet():
    tidy = greenstats.read_yearbook(FIXTURES_DIR / "f09_leading_empty.xlsx", sheet="rows only")
    assert set(tidy["source_sheet"]) == {"rows only"}
    assert list(tidy["source_cell"]) == ["B4"]


def test_region_and_year_fill_missing_dimensions():
    tidy = greenstats.read_yearbook(FIXTURES_DIR / "f03_years_down_desc.xlsx", region="连云港市")
    assert (tidy["region"] == "连云港市").all()
    assert set(tidy["year"].astype(int)) == {2016, 2017, 2018, 2019, 2020}  # kept from table
    tidy = greenstats.read_yearbook(FIXTURES_DIR / "c4_gbk_csv.xls", year=2014)
    assert (tidy["year"] == 2014).all()
    assert set(tidy["region"]) == {"江苏省", "连云港市", "遵义市"}  # kept from table


def _folder(tmp_path: Path, names: list[str]) -> Path:
    for n in names:
        shutil.copy(FIXTURES_DIR / n, tmp_path / n)
    return tmp_path


@pytest.mark.parametrize("jobs", [1, 2])
def test_read_yearbooks_collects_errors_and_reads_the_rest(tmp_path, jobs):
    good = ["f04_unit_column.xlsx", "f08_stacked_tables.xlsx"]
    bad = ["e1_broken.xlsx", "c2_encrypted_other.xlsx"]
    folder = _folder(tmp_path, good + bad)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tidy = greenstats.read_yearbooks(folder, jobs=jobs, progress=False)
    assert set(tidy["source_file"]) == set(good)
    assert len(tidy) == sum(MANIFEST[n]["n_rows"] for n in good)
    errors = tidy.attrs["errors"]
    assert isinstance(errors, pd.DataFrame)
    assert list(errors.columns[:5]) == ["file", "sheet", "cell", "error", "message"]
    assert sorted(Path(str(f)).name for f in errors["file"]) == sorted(bad)
    assert set(errors["error"]) == {"ReadError"}
    mentions = [w for w in caught if "2" in str(w.message)]
    assert len(mentions) == 1, [str(w.message) for w in caught]


def test_read_yearbooks_takes_a_list_of_paths():
    paths = [FIXTURES_DIR / "f06_tiled_pages.xlsx", FIXTURES_DIR / "f07_page_repeat.xlsx"]
    tidy = greenstats.read_yearbooks(paths, progress=False)
    assert (
        len(tidy)
        == MANIFEST["f06_tiled_pages.xlsx"]["n_rows"] + MANIFEST["f07_page_repeat.xlsx"]["n_rows"]
    )
    assert tidy.attrs["errors"].empty


def test_english_header_rows_stay_out_of_chinese_labels():
    tidy = read("f11_header_depth5.xlsx")
    text = tidy["indicator"] + " / " + tidy["breakdown"].fillna("")
    assert not text.str.contains(r"[A-Za-z]").any(), text[text.str.contains(r"[A-Za-z]")].tolist()[
        :5
    ]
    assert not tidy["unit"].fillna("").str.contains("104").any()  # "(104 tn)" is not the unit


def test_html_table_title_from_the_page():
    tidy = read("c3_html_table.xls")
    assert tidy["table_title"].fillna("").str.contains("存贷款余额").all()


@pytest.mark.parametrize("name", sorted(n for n in OK if MANIFEST[n].get("unmarked_note_free")))
def test_footnote_does_not_leak_to_other_rows_or_columns(name):
    spec = MANIFEST[name]["unmarked_note_free"]
    tidy = read(name)
    for cell in spec["cells"]:
        row = rows_at(tidy, spec["sheet"], cell)
        assert len(row) == 1
        assert spec["text"] not in str(row.iloc[0]["note"]), (cell, row.iloc[0]["note"])


def test_unknown_sheet_is_an_error_naming_it():
    with pytest.raises(GreenstatsError) as info:
        greenstats.read_yearbook(FIXTURES_DIR / "f04_unit_column.xlsx", sheet="no such sheet")
    assert "no such sheet" in str(info.value)


def test_html_sheet_argument():
    tidy = greenstats.read_yearbook(FIXTURES_DIR / "c3_html_table.xls", sheet="table1")
    assert len(tidy) == MANIFEST["c3_html_table.xls"]["n_rows"]
    assert set(tidy["source_sheet"]) == {"table1"}


def test_read_yearbooks_shows_a_progress_bar(capsys):
    paths = [FIXTURES_DIR / "f04_unit_column.xlsx", FIXTURES_DIR / "f08_stacked_tables.xlsx"]
    greenstats.read_yearbooks(paths, progress=True)
    err = capsys.readouterr().err
    assert "2/2" in err, err


def test_committed_fixtures_are_reproducible_from_the_script(tmp_path):
    """The committed fixtures are exactly what tests/fixtures/make_fixtures.py writes."""
    import importlib.util

    script = FIXTURES_DIR.parents[1] / "fixtures" / "make_fixtures.py"
    spec = importlib.util.spec_from_file_location("_make_fixtures", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.OUT = tmp_path
    module.main()
    made = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in FIXTURES_DIR.iterdir() if p.is_file())
    assert made == committed
    changed = [n for n in made if (tmp_path / n).read_bytes() != (FIXTURES_DIR / n).read_bytes()]
    assert not changed, f"re-run `python tests/fixtures/make_fixtures.py`: {changed}"


@pytest.mark.parametrize("name", FAILING)
def test_error_fixtures_raise_the_declared_error_naming_the_file(name):
    import greenstats.errors as errors

    with pytest.raises(getattr(errors, MANIFEST[name]["expect"])) as info:
        greenstats.read_yearbook(FIXTURES_DIR / name)
    assert name in str(info.value)
    assert info.value.fix, "the message must say how to fix it"


def test_read_yearbooks_over_the_whole_fixture_folder():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tidy = greenstats.read_yearbooks(FIXTURES_DIR, jobs=2, progress=False)
    failed = {Path(str(f)).name for f in tidy.attrs["errors"]["file"]}
    assert set(FAILING) <= failed
    assert not (set(OK) & failed), set(OK) & failed
    assert set(tidy["source_file"]) == set(OK)  # manifest.json and the recipe YAML give no rows
    for name in ("f04_unit_column.xlsx", "c3_html_table.xls", "c4_gbk_csv.xls"):
        assert (tidy["source_file"] == name).sum() == MANIFEST[name]["n_rows"]


SAMPLE = FIXTURES_DIR.parents[2] / "data" / "raw" / "lianyungang-yearbook-SIMULATED.xlsx"


def test_simulated_sample_sheet_10_3_cell_for_cell():
    """The project's simulated sample (data/raw): every body cell of sheet 10-3 comes out at its
    address, with the year of its column header, read here independently with openpyxl."""
    import openpyxl

    if not SAMPLE.is_file():
        pytest.skip(f"sample workbook missing: {SAMPLE}")
    ws = openpyxl.load_workbook(SAMPLE)["10-3"]
    tidy = greenstats.read_yearbook(SAMPLE, sheet="10-3")
    by_cell = tidy.set_index("source_cell")
    checked = 0
    for row in ws.iter_rows(min_row=4, min_col=3):
        for cell in row:
            year = ws.cell(3, cell.column).value
            if cell.value is None or not isinstance(year, int):
                continue
            got = by_cell.loc[cell.coordinate]
            assert int(got["year"]) == year, cell.coordinate
            assert got["indicator"] == ws.cell(cell.row, 1).value, cell.coordinate
            assert got["unit"] == ws.cell(cell.row, 2).value, cell.coordinate
            if isinstance(cell.value, int | float):
                assert got["status"] == "A" and math.isclose(got["value"], cell.value)
            else:  # the "—" markers
                assert got["status"] == "M" and pd.isna(got["value"]), cell.coordinate
            checked += 1
    assert checked >= 50
    assert "连云港" in str(tidy["region"].iloc[0])  # the title names the city
