"""Agreement numbers linked as a person reads them (full-width forms, dash forms, invisible
and non-breaking spaces, a leading "No."/"Nomor"), "did you mean" for numbers that still do
not link, and invisible characters removed from every text field and reported.

One small workbook written with openpyxl; expected tables and remarks worked out by hand.
"""

from __future__ import annotations

from datetime import date

import pytest

from conftest import AG_HEADER, SC_HEADER, write_xlsx
from evaluation.ingest import ingest
from evaluation.ingest.common import _id_key
from evaluation.presentation.remarks import remark_texts

A1, A2, NK = "001/BP2MI/PKS/2021", "002/BP2MI/PKS/2021", "NK-07/2022"
SCOPES = [
    "Pemberantasan Sindikasi Penempatan Nonprosedural",
    "Pendidikan dan Pelatihan Calon PMI",
    "Fasilitasi Pelindungan PMI",
    "Pelayanan Penempatan dan Pelindungan PMI",
    "Koordinasi Tugas dan Fungsi",
    "Pertukaran Data dan Informasi",
]


@pytest.mark.parametrize(
    "spelling",
    [
        "００１／ＢＰ２ＭＩ／ＰＫＳ／２０２１",  # full-width
        "No. 001/BP2MI/PKS/2021",
        "Nomor: 001/BP2MI/PKS/2021",
        "nomor 001 / bp2mi / pks / 2021",
        "001/BP2MI/PKS/\u00a02021",  # non-breaking space
        "001/BP2MI/\u200bPKS/2021",  # zero-width space
        "\u2066001/BP2MI/PKS/2021\u2069",  # isolate marks
    ],
)
def test_spellings_of_one_number_share_a_key(spelling):
    assert _id_key(spelling) == _id_key(A1)


@pytest.mark.parametrize("dash", "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
def test_every_dash_form_is_one_dash(dash):
    assert _id_key(f"NK{dash}07/2022") == _id_key(NK)


def test_different_numbers_keep_different_keys():
    assert _id_key("No.5") == _id_key("5")
    assert _id_key("Nota 5") != _id_key("5")  # "No" only as its own word
    assert _id_key("NK.07/2022") != _id_key(NK)  # a dot is not a dash
    assert _id_key(A1) != _id_key(A2)


def _bank(aid: str, name: str, category: str = "Bank", notes: str | None = None) -> list:
    return [aid, None, name, category, None, date(2021, 3, 1), date(2026, 2, 28), None, notes]


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    raw = tmp_path_factory.mktemp("keys") / "raw"
    write_xlsx(
        raw / "k.xlsx",
        {
            "Perjanjian": [
                AG_HEADER,
                _bank(A1, "Bank Satu"),
                _bank(A2, "\u202eBank Dua\u202c", notes="catatan\u200b penting"),  # row 3
                _bank(NK, "Bank Tujuh", category="Bank\u200b"),  # row 4
                _bank("No. 001/BP2MI/PKS/2021", "Bank Satu"),  # row 5: the same agreement
            ],
            "Ruang Lingkup": [
                SC_HEADER,
                ["００１／ＢＰ２ＭＩ／ＰＫＳ／２０２１", SCOPES[0]],  # row 2
                ["No. 002/BP2MI/PKS/2021", SCOPES[0]],  # row 3
                ["Nomor 001/BP2MI/PKS/2021", SCOPES[1]],  # row 4
                ["NK\u201307/2022", SCOPES[0]],  # row 5: en dash
                ["NK\uff0d07/2022", SCOPES[1]],  # row 6: full-width hyphen-minus
                ["001/BP2MI/PKS/2021\u200b", SCOPES[2]],  # row 7: zero-width space
                ["001/BP2MI/PKS/\u00a02021", SCOPES[3]],  # row 8: non-breaking space
                ["003/BP2MI/PKS/2021", SCOPES[4]],  # row 9: as close to A1 as to A2
                ["NK-08/2022", SCOPES[4]],  # row 10: close to NK-07/2022
                ["PKS/99/XYZ", SCOPES[5]],  # row 11: close to nothing
            ],
        },
    )
    return ingest(raw)


def test_children_link_to_the_agreement_a_person_would_read(linked):
    got = sorted(zip(linked.scope_items["agreement_id"], linked.scope_items["scope"], strict=True))
    assert got == sorted(
        [
            (A1, SCOPES[0]),
            (A2, SCOPES[0]),
            (A1, SCOPES[1]),
            (NK, SCOPES[0]),
            (NK, SCOPES[1]),
            (A1, SCOPES[2]),
            (A1, SCOPES[3]),
        ]
    )
    assert linked.agreements["agreement_id"].tolist() == [A1, A2, NK]


def _remarks(result, sheet):
    dq = result.quality[result.quality["sheet"] == sheet]
    return {(int(r.row), r.code, r.action) for r in dq.itertuples()}


def test_every_reading_is_reported(linked):
    assert _remarks(linked, "Ruang Lingkup") == {
        (2, "agreement_id_variant", "fixed"),
        (3, "agreement_id_variant", "fixed"),
        (4, "agreement_id_variant", "fixed"),
        (5, "agreement_id_variant", "fixed"),
        (6, "agreement_id_variant", "fixed"),
        (7, "zero_width_chars", "fixed"),  # then the number is exact
        (8, "agreement_id_variant", "fixed"),
        (9, "agreement_not_found_close", "quarantined"),
        (10, "agreement_not_found_close", "quarantined"),
        (11, "agreement_not_found", "quarantined"),
    }
    assert _remarks(linked, "Perjanjian") == {
        (3, "bidi_controls", "fixed"),
        (3, "zero_width_chars", "fixed"),
        (4, "zero_width_chars", "fixed"),
        (5, "duplicate_agreement", "ignored"),
    }


def test_did_you_mean(linked):
    dq = linked.quality
    dq = dq.assign(problem_id=remark_texts(dq, "id")).set_index("row")
    both = dq.loc[9]
    assert both["problem"] == (
        "agreement number not found in any 'Perjanjian' sheet; did you mean "
        f"'{A1}; {A2}'? Correct the number or add the agreement"
    )
    assert both["problem_id"] == (
        "nomor perjanjian tidak ditemukan di lembar 'Perjanjian' mana pun; mungkin maksudnya "
        f"'{A1}; {A2}'? Perbaiki nomornya atau tambahkan perjanjiannya"
    )
    one = dq.loc[10]
    assert f"did you mean '{NK}'?" in one["problem"]
    variant = dq.loc[2]
    assert variant["value"] == "００１／ＢＰ２ＭＩ／ＰＫＳ／２０２１"
    assert variant["problem"] == (
        f"agreement number written differently from its 'Perjanjian' row; read as '{A1}'"
    )


def test_invisible_characters_are_removed_from_text_fields(linked):
    ag = linked.agreements.set_index("agreement_id")
    assert ag.loc[A2, "partner_name"] == "Bank Dua"
    assert ag.loc[A2, "notes"] == "catatan penting"
    assert ag.loc[NK, "partner_category"] == "Lembaga Keuangan"
    dq = linked.quality
    dq = dq.assign(problem_id=remark_texts(dq, "id"))
    bidi = dq[dq["code"] == "bidi_controls"].iloc[0]
    assert (bidi["column"], bidi["problem_id"]) == (
        "Nama Mitra",
        "karakter arah teks yang tak terlihat dihapus",
    )
    # the log shows where they were without letting them reorder the appendix
    assert bidi["value"] == "\\u202eBank Dua\\u202c"
    zw = dq[(dq["code"] == "zero_width_chars") & (dq["row"] == 4)].iloc[0]
    assert (zw["column"], zw["problem_id"]) == (
        "Kategori Mitra",
        "karakter lebar-nol (tak terlihat) dihapus",
    )
    assert zw["value"] == "Bank\\u200b"


def test_suggestions_are_bounded():
    """A flood of unknown numbers costs at most LOOKUPS searches; later ones name no
    candidate (the same number met again keeps its answer)."""
    from evaluation.ingest.keys import _Agreements

    known = _Agreements({A1: None, A2: None, NK: None}, set())
    assert known.closest(_id_key("NK-08/2022")) == [NK]
    for i in range(known.LOOKUPS):
        known.closest(f"unknown-{i}")
    assert known.closest(_id_key("NK-08/2022")) == [NK]  # remembered
    assert known.closest(_id_key("NK-09/2022")) == []  # budget spent
