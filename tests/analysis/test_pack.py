"""The pack's fast path gives the same tables of record as computing each report alone.

``TablePack`` (evaluation.analysis.pack) prepares the data once for every category and
restricts it (``core.restrict``); the numpy helpers of ``frames`` and ``clustered`` replace
pandas groupby paths. Each is compared here with the plain computation, frame by frame
(``assert_frame_equal`` with exact values: same dtypes, column order, row order):

* every category of the bundled sample, without and with an earlier report (the same sample
  as it stood at 2023-09-30, as ``evaluation report`` keeps it in ``<report>/data``);
* a synthetic register (``evaluation sample`` with another seed) with
  parameters other than the defaults (``grace_months``, ``stale_months``, ``since``);
* a small register whose agreement id occurs in two categories (the restriction must not be
  used: the window keeps the first row of an id within the category);
* a category's assistance list, cut from the whole one, against the list computed alone;
* the numpy grouping, sorting and cluster helpers against their pandas versions.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis import clustered, frames
from evaluation.analysis import metrics as m
from evaluation.analysis.core import restrict
from evaluation.analysis.pack import TablePack
from evaluation.analysis.tables import compute_tables
from evaluation.params import ReportParams
from registers import make_register

AS_OF = date(2024, 3, 14)


@lru_cache(maxsize=2)
def _ingested(seed: int, scale: int) -> dict:
    """``evaluation sample`` (``seed``, ``scale``) written as a workbook and ingested."""
    from evaluation.authoring.sample import write_sample
    from evaluation.ingest import ingest

    tmp = Path(tempfile.mkdtemp(prefix="pack-"))
    try:
        write_sample(tmp / "raw", scale=scale, seed=seed)
        res = ingest(tmp / "raw")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "agreements": res.agreements,
        "scope_items": res.scope_items,
        "activities": res.activities,
        "data_quality": res.quality,
        "ingest_summary": res.summary,
    }


def _categories(data: dict) -> list[str | None]:
    present = set(data["agreements"]["partner_category"].dropna())
    return [None, *sorted(present)]


def _assert_same(fast: dict, plain: dict, where: str) -> None:
    assert list(fast) == list(plain), where
    for name in plain:
        pd.testing.assert_frame_equal(
            fast[name], plain[name], check_exact=True, obj=f"{where}: {name}"
        )


def _assert_pack_equals_plain(data: dict, rp: ReportParams, previous_dir=None) -> None:
    pack = TablePack(data, rp, previous_dir=previous_dir, is_sample=True)
    cats = _categories(data)
    assert len(cats) > 2
    # not in the order they were prepared: the pack answers any category at any time
    for cat in [*cats[1:][::-1], cats[0]]:
        plain = compute_tables(
            data, replace(rp, category=cat), previous_dir=previous_dir, is_sample=True
        )
        _assert_same(pack.tables(cat), plain, f"category {cat}")


def _previous_report(tmp_path: Path, data: dict, as_of: str) -> Path:
    """An earlier report folder as ``evaluation report`` leaves it: run.json + data/."""
    folder = tmp_path / as_of
    (folder / "data").mkdir(parents=True)
    (folder / "run.json").write_text(json.dumps({"parameters": {"as_of": as_of}}))
    for name in ("agreements", "scope_items", "activities"):
        data[name].to_parquet(folder / "data" / f"{name}.parquet")
    return folder / "data"


def test_every_category_of_the_sample():
    _assert_pack_equals_plain(_ingested(2024, 1), ReportParams(as_of=AS_OF))


def test_every_category_of_the_sample_with_an_earlier_report(tmp_path):
    data = _ingested(2024, 1)
    prev = _previous_report(tmp_path, data, "2023-09-30")
    _assert_pack_equals_plain(data, ReportParams(as_of=AS_OF), previous_dir=prev)
    tables = TablePack(data, ReportParams(as_of=AS_OF), previous_dir=prev).tables()
    assert tables["report_parameters"]["baseline"].iloc[0] == "previous_report"


def test_synthetic_register_with_other_parameters():
    rp = ReportParams(as_of=AS_OF, grace_months=3, stale_months=2, since=date(2021, 1, 1))
    _assert_pack_equals_plain(_ingested(7, 1), rp)


def test_duplicate_agreement_id_in_two_categories():
    data = make_register()
    ag = data["agreements"]
    twin = ag.iloc[[0]].copy()
    other = next(c for c in ag["partner_category"] if c != twin["partner_category"].iloc[0])
    twin["partner_category"] = other
    data["agreements"] = pd.concat([ag, twin], ignore_index=True)
    _assert_pack_equals_plain(data, ReportParams(as_of=AS_OF))


def test_restrict_is_the_core_of_the_category():
    data = _ingested(2024, 1)
    raw = m.Tables(data["agreements"], data["scope_items"], data["activities"])
    params = m.Params(as_of=AS_OF)
    full = m.prepare(raw, params)
    for cat in _categories(data)[1:]:
        got = restrict(full, cat, raw)
        want = m.prepare(raw, replace(params, category=cat))
        assert got.params == want.params
        for a, b in zip(
            [*got.core.tables, got.core.activities, got.core.items, got.core.summary],
            [*want.core.tables, want.core.activities, want.core.items, want.core.summary],
            strict=True,
        ):
            pd.testing.assert_frame_equal(a, b, check_exact=True)
    with pytest.raises(ValueError, match="already restricted"):
        restrict(got, cat, raw)


@pytest.mark.parametrize("as_of", [AS_OF, date(2023, 3, 14)])
def test_a_category_assistance_list_is_cut_from_the_whole_one(as_of):
    """``needs_assistance`` of a restricted core is the whole core's list cut to the
    category and numbered again (``core._memo_rows``): the same as computing it."""
    data = _ingested(2024, 1)
    raw = m.Tables(data["agreements"], data["scope_items"], data["activities"])
    params = m.Params(as_of=as_of, grace_months=3)
    full = m.prepare(raw, params)
    whole = m.needs_assistance(full, params)
    lengths = set()
    for cat in _categories(data)[1:]:
        got = restrict(full, cat, raw)
        assert got.core.whole is full.core
        cut = m.needs_assistance(got, got.params)
        want = m.needs_assistance(m.prepare(raw, got.params), got.params)
        pd.testing.assert_frame_equal(cut, want, check_exact=True)
        assert cut["priority"].tolist() == list(range(1, len(cut) + 1))
        lengths.add(len(cut))
    assert len(whole) > max(lengths) and len(lengths) > 1


def test_pack_main_report_covers_every_category():
    with pytest.raises(ValueError, match="every category"):
        TablePack(make_register(), ReportParams(as_of=AS_OF, category="Pemerintah Daerah"))


def _messy_items() -> tuple[pd.DataFrame, m.Params, object]:
    """The sample's scope items, shuffled, with a missing and an unknown category."""
    data = _ingested(2024, 1)
    params = m.Params(as_of=AS_OF)
    prep = m.prepare(m.Tables(data["agreements"], data["scope_items"], data["activities"]), params)
    items = prep.core.items.sample(frac=1.0, random_state=3).reset_index(drop=True)
    cat = items["partner_category"].astype("object").to_numpy(copy=True)
    cat[:7] = None
    cat[7:12] = "Kategori Tak Dikenal"
    items["partner_category"] = pd.array(cat, dtype="string")
    return items, params, prep.core.vocab


@pytest.mark.parametrize(
    "by", [["partner_category"], ["scope"], ["year"], ["partner_category", "scope"], ["unit"]]
)
def test_numpy_grouping_equals_pandas_grouping(by):
    items, params, vocab = _messy_items()
    aggs = {
        "agreements": ("agreement_id", "nunique"),
        "done": ("_is_done", "sum"),
        "items": ("agreement_id", "size"),
        "years": ("year", "sum"),
    }
    for keep_empty in (True, False):
        fast = frames._grouped_fast(items, by, aggs, params, vocab, keep_empty)
        assert fast is not None
        slow = frames._grouped_frame(items, by, aggs, params, vocab, keep_empty)
        pd.testing.assert_frame_equal(fast, slow, check_exact=True)
        python_order = frames._sort_groups(items, by, vocab)
        pandas_order = frames._sort_groups_frame(items, by, vocab)
        pd.testing.assert_frame_equal(python_order, pandas_order, check_exact=True)


@pytest.mark.parametrize("by", [[], ["partner_category"], ["scope"], ["year", "scope"]])
def test_cluster_arrays_equal_cluster_columns(by):
    items, _, _ = _messy_items()
    cl = clustered.cluster_columns(items, by)
    fast = clustered._cluster_by_key(items, by)
    assert len(fast) == len(cl)
    for _, row in cl.iterrows():
        got = fast[clustered._text_key([row[c] for c in by])]
        want = tuple(row[c] for c in clustered.CLUSTER_COLUMNS[:4])
        np.testing.assert_array_equal(np.array(got), np.array(want, dtype="float64"))
