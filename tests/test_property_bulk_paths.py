"""The property tests of ``test_property_layouts`` again, with the bulk paths of the layout
engine switched on for small tables: the grid reads a run of one shape in bulk from its
second row (``_GRID_RUN``), and every panel body is read into arrays
(``_BLOCK_MIN_CELLS``). Random tables are small, so by default they take the row-by-row
paths; here the same random layouts must read back unchanged through the fast ones."""

from __future__ import annotations

import pytest
import test_property_layouts as props

from greenstats import layout


@pytest.fixture
def bulk_everywhere():
    saved = layout._GRID_RUN, layout._BLOCK_MIN_CELLS
    layout._GRID_RUN, layout._BLOCK_MIN_CELLS = 2, 0
    try:
        yield
    finally:
        layout._GRID_RUN, layout._BLOCK_MIN_CELLS = saved


def test_random_layouts_read_back_unchanged_in_bulk(bulk_everywhere):
    props.test_random_layouts_read_back_unchanged()


def test_random_grids_never_crash_in_bulk(bulk_everywhere):
    props.test_random_grids_never_crash_and_ledger_is_complete()


def test_two_tables_in_one_sheet_in_bulk(bulk_everywhere):
    props.test_two_tables_in_one_sheet()
