"""Tests of compute_tables' changes baseline (evaluation.analysis.tables).

The register is ``make_register()`` of tests/registers.py (fixture ``register``). Without a previous
report the changes compare with the same data at 2024-03-14 minus 12 months = 2023-03-14:

    baseline 2023-03-14: agreements A1, A2, A4 (signed exactly on the baseline date), A6 = 4;
        followed up A1 (S1 realised 2022-05-01) = 1 -> 25%; scope items A1 S1, A1 S2, A2 S2,
        A4 S1 = 4, realised A1 S1 = 1 -> 25%; active A1, A2 (ends 2023-12-31), A4 (open), A6 = 4.
    current  2024-03-14: agreements A1, A2, A3, A4, A6 = 5 (A5 signed before since);
        followed up A1, A3 = 2 -> 40% (A4's activity is in progress, A1's 2024-05-01 one is
        later); scope items 5, realised A1 S1, A1 S2 (2023-06-01), A3 S8 = 3 -> 60%;
        active A1, A3, A4, A6 = 4 (A2 ended).
    changes: new A3; newly realised A1 S2 (was Belum Dilaksanakan) and A3 S8 (did not exist);
        newly ended A2; follow-up +15 pp, scope rate +35 pp, agreements +1, active 0.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from evaluation.analysis import changes
from evaluation.analysis.tables import compute_tables
from evaluation.params import ReportParams
from registers import make_register


@pytest.fixture
def register() -> dict:
    return make_register()


AS_OF = date(2024, 3, 14)
S2 = "Pendidikan dan Pelatihan Calon PMI"
S8 = "Penelitian, Sosialisasi dan Pengabdian Masyarakat"


def _summary(out) -> pd.DataFrame:
    return out["changes_summary"].set_index("metric")


def test_baseline_date_is_twelve_calendar_months_earlier():
    assert changes.baseline_as_of(date(2024, 3, 14)) == date(2023, 3, 14)
    assert changes.baseline_as_of(date(2024, 2, 29)) == date(2023, 2, 28)
    assert changes.baseline_as_of(date(2024, 3, 31), months=1) == date(2024, 2, 29)


def test_without_previous_report_compares_with_same_data_12_months_earlier(register):
    out = compute_tables(register, ReportParams(as_of=AS_OF))
    par = out["report_parameters"].iloc[0]
    assert par["baseline"] == "same_data_12m_earlier"
    assert par["baseline_as_of"] == "2023-03-14"
    assert pd.isna(par["previous_as_of"])  # no earlier report
    assert par["baseline_months"] == 12
    s = _summary(out)
    assert tuple(s.loc["agreements", ["previous", "current", "change"]]) == (4, 5, 1)
    assert s.loc["agreements_followed_up", "previous"] == 1
    assert s.loc["agreements_followed_up", "current"] == 2
    assert s.loc["followup_rate", "previous"] == pytest.approx(0.25)
    assert s.loc["followup_rate", "current"] == pytest.approx(0.4)
    assert s.loc["followup_rate", "change"] == pytest.approx(15.0)
    assert tuple(s.loc["scope_items", ["previous", "current"]]) == (4, 5)
    assert s.loc["scope_rate", "change"] == pytest.approx(35.0)
    assert tuple(s.loc["active", ["previous", "current", "change"]]) == (4, 4, 0)
    assert list(out["changes_new_agreements"]["agreement_id"]) == ["A3"]
    assert list(out["changes_newly_ended"]["agreement_id"]) == ["A2"]
    done = out["changes_newly_done"].set_index(["agreement_id", "scope"])
    assert set(done.index) == {("A1", S2), ("A3", S8)}
    assert done.loc[("A1", S2), "previous_status"] == "Belum Dilaksanakan"
    assert pd.isna(done.loc[("A3", S8), "previous_status"])


def test_no_baseline_when_12_months_earlier_is_before_since(register):
    out = compute_tables(register, ReportParams(as_of=AS_OF, since=date(2023, 6, 1)))
    assert not [k for k in out if k.startswith("changes_")]
    par = out["report_parameters"].iloc[0]
    assert par["baseline"] == "none" and pd.isna(par["baseline_as_of"])


def test_previous_report_path_is_kept(register, tmp_path):
    """An earlier report's data snapshot wins over the 12-month baseline."""
    prev = tmp_path / "2023-09-30"
    (prev / "data").mkdir(parents=True)
    (prev / "run.json").write_text(json.dumps({"parameters": {"as_of": "2023-09-30"}}))
    for name in ("agreements", "scope_items", "activities"):
        register[name].to_parquet(prev / "data" / f"{name}.parquet")
    out = compute_tables(register, ReportParams(as_of=AS_OF), previous_dir=prev / "data")
    par = out["report_parameters"].iloc[0]
    assert par["baseline"] == "previous_report"
    assert par["previous_as_of"] == par["baseline_as_of"] == "2023-09-30"
    # at 2023-09-30: A1..A4 and A6 signed; A1 and A3? A3's activity is 2023-11-01: not yet
    s = _summary(out)
    assert tuple(s.loc["agreements", ["previous", "current"]]) == (5, 5)
    assert s.loc["agreements_followed_up", "previous"] == 1
    assert list(out["changes_new_agreements"]["agreement_id"]) == []
    assert set(out["changes_newly_done"]["agreement_id"]) == {"A3"}
