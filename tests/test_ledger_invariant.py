"""The ledger invariant (issue point 12) on every fixture and every real file.

Each non-empty source cell, read here independently of greenstats (python-calamine or openpyxl
after decrypting with msoffcrypto-tool, lxml.html with our own rowspan/colspan expansion, the
csv module), appears in ``greenstats.cell_ledger`` exactly once, with a role from
``LEDGER_ROLES``; ignored cells carry a reason; every numeric cell is a tidy value, a marker, a
year used as a header, or ignored with a reason; and tidy rows and ledger agree.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

try:
    from conftest import (
        FIXTURES_DIR,
        REAL_DATA_DIR,
        load_manifest,
        real_files_present,
        source_cells,
    )
except ModuleNotFoundError:  # tests/ collected as a package
    from tests.conftest import (
        FIXTURES_DIR,
        REAL_DATA_DIR,
        load_manifest,
        real_files_present,
        source_cells,
    )

import greenstats
from greenstats.schema import LEDGER_ROLES

NUMBER_TEXT = re.compile(r"^\s*[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*$")


def is_number(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int | float):
        return True
    return isinstance(v, str) and bool(NUMBER_TEXT.match(v))


def is_year(v: Any) -> bool:
    try:
        f = float(str(v).replace(",", ""))
    except ValueError:
        return False
    return f.is_integer() and 1900 <= f <= 2100


def check_invariant(path: Path, *, formulas: bool) -> list[str]:
    src = source_cells(path, formulas=formulas)
    led = greenstats.cell_ledger(path)
    tidy = greenstats.read_yearbook(path)
    bad: list[str] = []
    if str(led["raw"].dtype) != "str":
        bad.append(f"raw column dtype {led['raw'].dtype}, expected str")
    # row/col agree with the A1 address under one convention (1-based, as Excel prints it)
    a1s = [f"{get_column_letter(c)}{r}" for r, c in zip(led["row"], led["col"], strict=True)]
    off = [(c, a) for c, a in zip(led["source_cell"], a1s, strict=True) if c != a]
    if off:
        bad.append(
            f"{len(off)} ledger rows whose row/col disagree with source_cell, e.g. {off[:4]}"
        )
    if set(led["role"]) - set(LEDGER_ROLES):
        bad.append(f"unknown roles {set(led['role']) - set(LEDGER_ROLES)}")
    keys = list(zip(led["source_sheet"], led["source_cell"], strict=True))
    dup = pd.Series(keys)[pd.Series(keys).duplicated()].tolist()
    if dup:
        bad.append(f"{len(dup)} cells twice in the ledger, e.g. {dup[:5]}")
    led_keys = set(keys)
    missing = sorted(set(src) - led_keys)
    if missing:
        bad.append(f"{len(missing)} non-empty cells missing from the ledger, e.g. {missing[:8]}")
    phantom = sorted(led_keys - set(src))
    if phantom:
        bad.append(f"{len(phantom)} ledger cells that are empty in the source, e.g. {phantom[:8]}")
    ignored = led[led["role"] == "ignored"]
    no_reason = ignored[
        ignored["reason"].isna() | (ignored["reason"].astype(str).str.strip() == "")
    ]
    if len(no_reason):
        bad.append(
            f"{len(no_reason)} ignored cells without a reason, e.g. {no_reason['source_cell'].tolist()[:8]}"
        )
    role = dict(zip(keys, led["role"], strict=True))
    tidy_keys = set(zip(tidy["source_sheet"], tidy["source_cell"], strict=True))
    # every numeric cell is a value, a marker, a year used as a header, or ignored with a reason
    dropped = [
        (k, v, role.get(k))
        for k, v in src.items()
        if is_number(v)
        and role.get(k) not in ("value", "marker", "ignored")
        and not (role.get(k) == "header" and is_year(v))
    ]
    if dropped:
        bad.append(f"{len(dropped)} numeric cells neither value nor explained, e.g. {dropped[:6]}")
    lost = [k for k, r in role.items() if r in ("value", "marker") and k not in tidy_keys]
    if lost:
        bad.append(f"{len(lost)} value/marker cells with no tidy row, e.g. {lost[:8]}")
    # a tidy row comes from a value/marker cell, or from an empty body cell read as missing
    for sheet, cell, status in zip(
        tidy["source_sheet"], tidy["source_cell"], tidy["status"], strict=True
    ):
        k = (sheet, cell)
        if k in role:
            if role[k] not in ("value", "marker"):
                bad.append(f"tidy row from {k} whose ledger role is {role[k]}")
        elif status not in ("M", "F"):
            bad.append(f"tidy row from empty cell {k} with status {status}")
    return bad[:12]


MANIFEST = load_manifest()


@functools.cache
def _fixture_names() -> list[str]:
    return sorted(n for n, e in MANIFEST.items() if e["expect"] == "ok")


@pytest.mark.parametrize("name", _fixture_names())
def test_ledger_invariant_fixture(name):
    bad = check_invariant(FIXTURES_DIR / name, formulas=True)
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("rel", real_files_present())
def test_ledger_invariant_real_file(rel):
    path = REAL_DATA_DIR / rel
    if not path.is_file():
        pytest.skip(f"real file missing: {path}")
    bad = check_invariant(path, formulas=False)
    assert not bad, "\n".join(bad)


def test_independent_reader_sees_the_cells():
    """Guard the guard: our own cell reader finds what the generator wrote."""
    cells = source_cells(FIXTURES_DIR / "c3_html_table.xls", formulas=True)
    assert cells[("table0", "A1")] == "单位:万元"
    assert cells[("table1", "D2")] == "居民人民币储蓄存款余额"
    assert cells[("table1", "C7")] == "\xa0"
    assert ("table1", "B2") in cells and ("table1", "A2") not in cells  # rowspan expanded
    cells = source_cells(FIXTURES_DIR / "c1_encrypted_default.xls", formulas=True)
    assert cells[("2-1", "C8")] == "534"
    cells = source_cells(FIXTURES_DIR / "f05_markers_numbers.xlsx", formulas=True)
    assert cells[("表1", "D8")] == "=B8*2"
    cells = source_cells(FIXTURES_DIR / "c4_gbk_csv.xls", formulas=True)
    assert cells[("csv", "C4")] == "NA"


# roles of chosen real cells, read by hand; a set lists the roles a user could accept
REAL_ROLES = {
    "ccsy-cnki/2-1-population-encrypted.xls": [
        ("1-7", "A3", {"title"}),  # 2-1 人口状况
        ("1-7", "A4", {"title"}),  # Population
        ("1-7", "C5", {"header"}),
        ("1-7", "A54", {"title", "ignored"}),  # 2-1 续表 1 continued 1
        ("1-7", "C55", {"header", "ignored"}),  # repeated header
        ("1-7", "A86", {"header"}),  # 江苏省, a province row without values
        ("1-7", "C93", {"value"}),
        ("CNKI", "A1", {"note", "ignored"}),  # http://www.cnki.net/
    ],
    "ccsy-cnki/employment-by-industry-2014.xls": [
        ("中国2014年地级以上城市按产业划分的年末单位从业人员统计(二", "A2", {"unit"}),
        ("中国2014年地级以上城市按产业划分的年末单位从业人员统计(二", "A51", {"note"}),
    ],
    "ccsy-cnki/deposits-loans-2014-html.xls": [
        ("table0", "A1", {"unit"}),
        ("table1", "D2", {"header"}),
    ],
    "cesy-2008/4-1-energy-balance-standard.xls": [
        ("Sheet1", "A1", {"title"}),
        ("Sheet1", "A4", {"unit"}),
        ("Sheet1", "Z4", {"unit"}),
        ("Sheet1", "C11", {"value"}),
    ],
    "nbs-exports/national-energy-balance.xls": [
        ("年度数据", "A1", {"title", "note", "ignored"}),  # 数据库：年度数据
        ("年度数据", "B3", {"header"}),
        ("年度数据", "A25", {"note"}),
        ("年度数据", "A26", {"note"}),
        ("年度数据", "A27", {"note"}),
    ],
}


@pytest.mark.parametrize("rel", sorted(REAL_ROLES))
def test_real_ledger_roles(rel):
    path = REAL_DATA_DIR / rel
    if not path.is_file():
        pytest.skip(f"real file missing: {path}")
    led = greenstats.cell_ledger(path)
    role = dict(
        zip(zip(led["source_sheet"], led["source_cell"], strict=True), led["role"], strict=True)
    )
    bad = [
        (s, c, role.get((s, c)), ok) for s, c, ok in REAL_ROLES[rel] if role.get((s, c)) not in ok
    ]
    assert not bad, bad


SAMPLES = sorted((FIXTURES_DIR.parents[2] / "data" / "raw").glob("*.xlsx"))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_ledger_invariant_project_sample(path):
    bad = check_invariant(path, formulas=True)
    assert not bad, "\n".join(bad)
