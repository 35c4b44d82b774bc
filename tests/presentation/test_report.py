"""Tests of evaluation.presentation.report: the tables of record read as a notebook asks."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.analysis.tables import PARAMETERS_TABLE, compute_tables
from evaluation.params import ReportParams
from evaluation.presentation import interactive
from evaluation.presentation.report import muat_laporan, read_tables
from registers import AS_OF, make_register


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    from evaluation.publish.run import write_tables

    tables = compute_tables(make_register(), ReportParams(as_of=AS_OF))
    folder = tmp_path_factory.mktemp("tables")
    write_tables(tables, folder)
    return tables, folder


def test_tables_are_read_when_first_asked_for(written):
    tables, folder = written
    L = muat_laporan(folder)
    T = L.tabel
    assert set(T.loaded()) == {PARAMETERS_TABLE}  # the parameters, nothing else yet
    assert T.names() == sorted(tables) and "rates_by_scope" in T and "nope" not in T
    got = T.rates_by_scope
    pd.testing.assert_frame_equal(got, read_tables(folder)["rates_by_scope"])
    pd.testing.assert_frame_equal(got, tables["rates_by_scope"], obj="parquet")
    assert T.rates_by_scope is got  # read once
    assert T.get("rates_by_scope") is got and T["rates_by_scope"] is got
    assert T.get("nope") is None and set(T.loaded()) == {PARAMETERS_TABLE, "rates_by_scope"}
    with pytest.raises(AttributeError, match="No table 'nope'.*rates_by_scope"):
        _ = T.nope
    # a table shown is recognised as a table of record (its CSV offered for download)
    name, data = interactive.record_of(got)
    assert name == "rates_by_scope" and data == (folder / "rates_by_scope.csv").read_bytes()
    assert interactive.record_of(got.copy()) == (None, None)


def test_a_table_not_asked_for_is_not_read(written, tmp_path):
    import shutil

    _, folder = written
    copy = shutil.copytree(folder, tmp_path / "tables")
    (copy / "ending_soon.parquet").write_bytes(b"not parquet")
    T = muat_laporan(copy).tabel
    assert T.rates_by_scope is not None  # the others read
    with pytest.raises(Exception, match="(?i)parquet|magic"):
        _ = T.ending_soon
