"""The trend and time-to-follow-up sections on the bundled sample: the cohort chart draws only
observable cohorts, the note names the too-young ones, small groups are not drawn as curves,
and the "after 12 months" fact is worded from its table in both languages."""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import pytest

from evaluation.analysis.tables import compute_tables
from evaluation.params import ReportParams
from evaluation.presentation import charts, grafik, timing
from evaluation.presentation import notebook as nbh
from evaluation.presentation.report import from_tables

AS_OF = date(2024, 3, 14)


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, pd.DataFrame]:
    from evaluation.authoring.sample import write_sample
    from evaluation.ingest import ingest

    raw = tmp_path_factory.mktemp("sample") / "raw"
    write_sample(raw)
    return compute_tables(ingest(raw).tables, ReportParams(as_of=AS_OF), is_sample=True)


def _traces(g: grafik.Grafik) -> list[dict]:
    return json.loads(g.figure.to_json())["data"]


def test_cohort_chart_draws_only_observable_cohorts(tables):
    from_tables(tables, lang="id")
    cf = tables["cohort_followup"]
    g = grafik.garis_kohort(cf)
    lines = [tr for tr in _traces(g) if tr.get("mode") == "lines+markers"]
    assert [tr["name"] for tr in lines] == ["Dalam 6 bulan", "Dalam 12 bulan"]
    for tr, h in zip(lines, (6, 12), strict=True):
        observable = cf.loc[cf[f"observable_{h}m"] > 0, "cohort"].tolist()
        assert tr["x"] == observable and 2024 not in tr["x"]
        # open marker exactly where the cohort is only partly observable (2023)
        partly = cf.set_index("cohort").loc[observable]
        partly = (partly[f"observable_{h}m"] < partly["agreements"]).tolist()
        assert tr["marker"]["symbol"] == ["circle-open" if p else "circle" for p in partly]
        # error bars reach the Wilson bounds
        row = cf.set_index("cohort").loc[2022]
        i = tr["x"].index(2022)
        share = row[f"share_within_{h}m"]
        assert tr["error_y"]["array"][i] == pytest.approx(row[f"share_within_{h}m_high"] - share)
        assert tr["error_y"]["arrayminus"][i] == pytest.approx(
            share - row[f"share_within_{h}m_low"]
        )


def test_cohort_note_names_too_young_and_partly_observed_cohorts(tables):
    L = from_tables(tables, lang="id")
    text = str(timing.catatan_kohort(L))
    assert "kohort 2024 pada 6 bulan (23 perjanjian, usia median 1,3 bulan)" in text
    assert "kohort 2024 pada 12 bulan" in text
    assert "kohort 2023 pada 12 bulan (14 dari 66 perjanjian)" in text
    assert "2022" not in text  # fully observable
    en = str(timing.catatan_kohort(from_tables(tables, lang="en")))
    assert "Not drawn because too young to be observed: the 2024 cohort at 6 months" in en


def test_year_chart_shows_each_cohort_age(tables):
    from_tables(tables, lang="id")
    fig = grafik.garis_tahun(tables["rates_by_year"]).figure
    ticks = fig.layout.xaxis.ticktext
    assert ticks[-1] == "2024<br>1,3 bln" and ticks[0].startswith("2018<br>68,1")


def test_small_groups_are_not_drawn_and_are_named(tables):
    L = from_tables(tables, lang="id")
    g = grafik.kurva_km(tables["time_to_first_followup_curve"])
    curves = [tr for tr in _traces(g) if tr.get("fill") != "toself"]
    names = [tr["name"] for tr in curves]
    # Pemda, Pendidikan, Kesehatan and Semua; not Keuangan (2) and Pemerintah (3 agreements)
    drawn = ["Pemerintah Daerah", "Lembaga Pendidikan", "Lembaga Kesehatan"]
    assert names == [*charts.display_labels(drawn, "group", "id", short=True), "Semua"]
    assert not any("Keuangan" in n for n in names), names
    bands = [tr for tr in _traces(g) if tr.get("fill") == "toself"]
    assert len(bands) == 1  # around the overall curve
    note = str(timing.kelompok_kecil(L))
    assert "Lembaga Keuangan (2)" in note and "Lembaga Pemerintah (3)" in note


def test_after_twelve_months_fact_is_worded_from_its_table(tables):
    after = tables["time_to_first_followup_after"].set_index("after_months")
    n, k = after.loc[12, ["without_followup", "followed_up_later"]]
    L = from_tables(tables, lang="id")
    text = re.sub(r"<[^>]+>", "", str(timing.fakta_setelah(L, bulan=12)))
    assert f"Dari {n} perjanjian" in text and f", {k} (" in text
    assert "hampir tidak pernah ada sesudahnya" in text  # upper bound below 15%
    en = re.sub(r"<[^>]+>", "", str(timing.fakta_setelah(from_tables(tables, lang="en"))))
    assert f"Of {n} agreements" in en and "it almost never does" in en
    # after 6 months some still are followed up later: the other conclusion
    six = re.sub(r"<[^>]+>", "", str(timing.fakta_setelah(L, bulan=6)))
    assert "menunggu belum tentu sia-sia" in six
    # the wording follows the numbers: a changed table changes the sentence
    changed = dict(tables)
    a = after.reset_index()
    a.loc[a["after_months"] == 12, ["followed_up_later", "share_followed_up_later_high"]] = [
        60,
        0.55,
    ]
    changed["time_to_first_followup_after"] = a
    text2 = str(timing.fakta_setelah(from_tables(changed, lang="id")))
    assert ", 60 (" in text2 and "hampir tidak pernah" not in text2


def test_sections_are_exported_and_absent_tables_give_nothing(tables):
    assert nbh.catatan_kohort is timing.catatan_kohort
    assert nbh.fakta_setelah is timing.fakta_setelah and nbh.kelompok_kecil is timing.kelompok_kecil
    old = {k: v for k, v in tables.items() if not k.startswith(("cohort", "time_to"))}
    L = from_tables(old, lang="id")
    assert timing.catatan_kohort(L) is None and timing.fakta_setelah(L) is None
    assert timing.kelompok_kecil(L) is None


def test_cohort_chart_refuses_a_table_without_its_columns():
    with pytest.raises(KeyError, match="observable_6m"):
        charts.cohort_shares(pd.DataFrame({"cohort": [2020], "agreements": [1]}))
