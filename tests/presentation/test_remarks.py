"""Data-quality remarks in the report's language: codes, the ``[dq]`` messages, the
``code`` and ``fields`` columns of data_quality.csv (codes and parameters, no report-language
text), the wording at display time and the report's Data Quality section.

Expected Indonesian texts are written out by hand from the messages in translations.toml.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.display import display
from IPython.utils.capture import capture_output

from conftest import ACT_HEADER, AG_HEADER, SC_HEADER, replace_in_zip, write_xlsx
from evaluation.analysis.tables import compute_tables
from evaluation.ingest import (
    EXCEL_CELL_LIMIT,
    ingest,
    is_up_to_date,
    load_processed,
    schema,
    write_processed,
)
from evaluation.ingest.cells import Note, parse_date
from evaluation.ingest.quality import Count, QualityLog, decode_fields, encode_fields
from evaluation.params import ReportParams
from evaluation.presentation.data_quality import kualitas_data
from evaluation.presentation.remarks import remark_texts, render_remark
from evaluation.presentation.report import from_tables
from evaluation.presentation.text import LANGS, load_translations, placeholders

SRC = Path(__file__).resolve().parents[2] / "src" / "evaluation"
#: Every module of the ingestion stage (remark codes are written there).
INGESTION_MODULES = tuple(sorted(p.name for p in (SRC / "ingest").glob("*.py")))
_CODE = re.compile(r"""\bcode=["']([A-Za-z0-9_]+)["']""")
PD = "Pemerintah Daerah"


def _codes_in_source() -> set[str]:
    return {c for m in INGESTION_MODULES for c in _CODE.findall((SRC / "ingest" / m).read_text())}


def _template_regex(text: str) -> re.Pattern:
    """A message as a pattern: its placeholders match any text."""
    out, pos = [], 0
    for m in re.finditer(r"\{[a-z_]+\}", text):
        out += [re.escape(text[pos : m.start()]), ".+"]
        pos = m.end()
    out.append(re.escape(text[pos:]))
    return re.compile("".join(out), re.DOTALL)


# ------------------------------------------------------------------------------ the table
def test_every_code_used_by_ingestion_has_a_message_in_both_languages():
    codes = _codes_in_source()
    assert len(codes) >= 43, sorted(codes)  # 33 remarks, 9 date/number reasons, place
    table = load_translations()
    for code in sorted(codes):
        entry = table.get(f"dq.{code}")
        assert entry is not None, f"dq.{code} missing in translations.toml"
        for lang in LANGS:
            assert entry.get(lang, "").strip(), f"dq.{code} lacks '{lang}'"
        assert placeholders(entry["id"]) == placeholders(entry["en"]), code


def test_every_dq_message_is_used():
    used = _codes_in_source()
    keys = {k.removeprefix("dq.") for k in load_translations() if k.startswith("dq.")}
    assert keys - used == set(), "messages no code uses"


def test_the_code_pattern_finds_what_it_should():
    # guard against the grep test passing vacuously
    assert _CODE.findall('Note("x", code="no_end_date", date=d)') == ["no_end_date"]
    assert {"no_end_date", "blank_row", "date_unknown_month", "place"} <= _codes_in_source()


# ------------------------------------------------------------------------------ rendering
def test_missing_end_date_in_indonesian_and_english():
    params = {"years": 5, "date": date(2028, 6, 26)}
    assert render_remark("no_end_date", params, "id") == (
        "tanggal berakhir kosong; dianggap berlaku 5 tahun sejak penandatanganan "
        "(sampai 26 Juni 2028)"
    )
    assert render_remark("no_end_date", params, "en") == (
        "no end date; assumed 5 years after signing (2028-06-26)"
    )


def test_counts_rows_nested_reasons_and_lists():
    assert render_remark("text_truncated", {"limit": Count(32_767)}, "id") == (
        "teks lebih dari 32.767 karakter dipotong"
    )
    assert render_remark("text_truncated", {"limit": Count(32_767)}, "en") == (
        "text longer than 32,767 characters truncated"
    )
    # a row number is an int: digits only, no thousands separator
    assert render_remark("title_rows", {"row": 1234}, "id") == (
        "baris judul di atas baris kepala kolom (baris 1234) dilewati"
    )
    _, note = parse_date("14 Maretto 2024")
    assert note.code == "date_unknown_month"
    assert render_remark("date_unreadable_required", {"reason": note}, "id") == (
        "nama bulan 'maretto' tidak dikenal; isi tanggal yang benar"
    )
    places = [
        Note("a.xlsx sheet 'P' row 2", code="place", file="a.xlsx", sheet="P", row=2),
        Note("b.xlsx sheet 'P' row 7", code="place", file="b.xlsx", sheet="P", row=7),
    ]
    params = {"columns": "Nama Mitra", "places": places}
    assert render_remark("conflicting_agreement", params, "id") == (
        "nomor perjanjian tercantum lebih dari sekali dengan rincian berbeda (Nama Mitra): "
        "a.xlsx lembar 'P' baris 2; b.xlsx lembar 'P' baris 7. Pertahankan satu versi dan "
        "hapus yang lain"
    )


@pytest.mark.parametrize(
    ("code", "params"),
    [("", {}), ("no_such_code", {}), ("no_end_date", {"years": 5})],  # last: {date} missing
)
def test_render_falls_back_to_the_given_text(code, params):
    assert render_remark(code, params, "id", fallback="english text") == "english text"


def test_fields_keep_dates_counts_nested_remarks_and_lists():
    places = [
        Note("a.xlsx sheet 'P' row 2", code="place", file="a.xlsx", sheet="P", row=2),
        Note("b.xlsx sheet 'P' row 7", code="place", file="b.xlsx", sheet="P", row=7),
    ]
    params = {"date": date(2024, 2, 29), "limit": Count(32_767), "places": places, "n": 3}
    text = encode_fields(params)
    assert "Februari" not in text and "2024-02-29" in text
    back = decode_fields(text)
    assert back == {"date": date(2024, 2, 29), "limit": 32_767, "places": places, "n": 3}
    assert isinstance(back["limit"], Count) and type(back["n"]) is int
    assert [(p.code, p.params) for p in back["places"]] == [(p.code, p.params) for p in places]
    assert encode_fields({}) == "" and decode_fields("") == {}
    assert decode_fields("{not json") == {}  # a hand-edited file: the English text is shown


def test_log_entries_get_code_and_fields():
    log = QualityLog()
    log.register_sheet("a.xlsx", "Perjanjian")
    log.mark("a.xlsx", "Perjanjian", 2, "used")
    log.add(
        "a.xlsx", "Perjanjian", 2, "Tanggal Berakhir", None,
        "no end date; assumed 3 years after signing (2024-02-29)", "fixed",
        code="no_end_date", params={"years": 3, "date": date(2024, 2, 29)},
    )  # fmt: skip
    log.add("a.xlsx", "Perjanjian", 3, "", "", "an old-style remark", "ignored")
    df = log.to_frame()
    assert df.columns.tolist() == schema.DATA_QUALITY
    assert df.columns.tolist()[:7] == [
        "file", "sheet", "row", "column", "value", "problem", "action",
    ]  # fmt: skip
    assert df["code"].tolist() == ["no_end_date", ""]
    assert df["fields"].tolist() == ['{"date": {"$date": "2024-02-29"}, "years": 3}', ""]
    assert remark_texts(df, "id").tolist() == [
        "tanggal berakhir kosong; dianggap berlaku 3 tahun sejak penandatanganan "
        "(sampai 29 Februari 2024)",
        "an old-style remark",  # no code: the English text
    ]
    assert df["problem"].iloc[0] == "no end date; assumed 3 years after signing (2024-02-29)"
    assert log.fate("a.xlsx", "Perjanjian", 2) == "fixed"


# ------------------------------------------------------------------------------ a messy input
def _write_kitchen_sink(raw: Path) -> None:
    """One workbook (and a second file) with one instance of nearly every remark."""
    ag_header = ["No", *AG_HEADER, "Propinsi", "Kolom Tambahan"]
    write_xlsx(
        raw / "a.xlsx",
        {
            "Perjanjian": [
                ["DAFTAR PERJANJIAN KERJA SAMA"],
                ag_header,
                [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
                [1, "NK.01/2021", "Nota Kesepahaman", "Pemprov Jawa Timur", "Pemprov",
                 "Jawa Timur", date(2021, 3, 1), None, None, "catatan_x0007_", None, None],
                [2, "NK.02/2021", "Surat Edaran", "Pemkab Malang", "Pemkab", None,
                 date(2021, 4, 1), "segera", None, "LONG-TEXT-HERE", None, None],
                [3, "NK.03/2021", None, None, "Pemda", "Atlantis", date(2021, 1, 1),
                 date(2025, 1, 1), None, None, None, None],
                [4, "NK.04/2021", None, "Ormas X", "Ormas", None, date(2021, 1, 1),
                 date(2025, 1, 1), None, None, None, None],
                [5, "NK.05/2021", None, "Bank A", "Bank", None, None, None, None, None, None,
                 None],
                [6, "NK.06/2021", None, "Bank B", "Bank", None, "14 Maretto 2021", None, None,
                 None, None, None],
                [7, "NK.07/2021", None, "Bank C", "Bank", None, date(2021, 5, 1),
                 date(2020, 1, 1), None, None, None, None],
                [8, "NK.08/2021", None, "Bank D", "Bank", None, "29 Februari 2023",
                 "31/02/2024", None, None, None, None],
                [9, "NK.09/2021", None, "Bank E", "Bank", None, date(2021, 1, 1), True, None,
                 None, None, None],
                [],
                ag_header,
                [10, "NK.10/2021", None, "Bank F", "Bank", None, date(2021, 1, 1), 12, None,
                 None, None, None],
                ["JUMLAH", 10],
                # Clean rows, so that most rows of the sheet are not quarantined (the
                # sanity gate would stop the run).
                *[[n, f"NK.{n}/2021", None, f"Bank {n}", "Lembaga Keuangan", None,
                   date(2021, 1, 1), date(2025, 1, 1), None, None, None, None]
                  for n in range(11, 16)],
            ],
            "Ruang Lingkup": [
                SC_HEADER,
                ["nk.01/2021", "Pendidikan dan Pelatihan Calon PMI"],
                ["NK.01/2021", "Pendidikan dan Pelatihan Calon PMI"],
                ["NK.99/2021", "Pendidikan dan Pelatihan Calon PMI"],
                ["NK.04/2021", "Pendidikan dan Pelatihan Calon PMI"],
            ],
            "Tindak Lanjut": [
                ACT_HEADER,
                ["NK.01/2021", "Pendidikan dan Pelatihan Calon PMI", date(2020, 1, 1),
                 "Rapat", "Terlaksana", "Piagam", "banyak", None],
                ["NK.01/2021", "Pendidikan dan Pelatihan Calon PMI", date(2020, 1, 1),
                 "Rapat", "Terlaksana", "Piagam", "banyak", None],
                ["NK.01/2021", "Koordinasi Tugas dan Fungsi", date(2022, 1, 1), "Rapat",
                 "Terlaksana", None, "9" * 400, None],
            ],
            "Catatan": [["bukan data"]],
            "Arsip": [["lama"]],
        },
        hidden=("Arsip",),
    )  # fmt: skip
    # BEL is written as Excel escapes it; openpyxl cuts long text, so put it in the XML
    replace_in_zip(
        raw / "a.xlsx", "xl/worksheets/sheet1.xml", b"LONG-TEXT-HERE", b"x" * (EXCEL_CELL_LIMIT + 1)
    )
    write_xlsx(
        raw / "b.xlsx",
        {
            "Perjanjian": [
                AG_HEADER,
                # identical to a.xlsx: ignored; differing partner name: quarantined
                ["NK.10/2021", None, "Bank F", "Bank", None, date(2021, 1, 1), None, None, None],
                ["NK.09/2021", None, "Bank E lain", "Bank", None, date(2021, 1, 1), None, None,
                 None],
            ],
            "Ruang Lingkup": [SC_HEADER, ["NK.10/2021", "Pembiayaan dan Akses Keuangan PMI"]],
        },
        hidden=("Ruang Lingkup",),
    )  # fmt: skip


#: Every remark code the kitchen sink must produce (worked out from the rows above).
KITCHEN_SINK_CODES = {
    "title_rows", "numbering_row", "blank_row", "header_repeated", "total_row",
    "duplicate_column", "unknown_column", "sheet_not_read", "hidden_sheet_not_read",
    "hidden_sheet_read", "control_chars", "text_truncated", "required_empty", "unknown_label",
    "date_empty", "date_unreadable_required", "date_unreadable", "agreement_id_variant",
    "agreement_quarantined", "agreement_not_found", "unknown_province", "province_empty",
    "unknown_document_type", "no_end_date", "end_before_signing", "duplicate_agreement",
    "conflicting_agreement", "duplicate_scope", "unknown_outcome_type", "number_unreadable",
    "activity_before_signing", "duplicate_activity", "scope_added",
}  # fmt: skip


def test_remark_texts_keep_the_english_of_rows_they_cannot_word():
    dq = pd.DataFrame(
        {
            "problem": ["first english", "second english", "no end date; ...", "old remark"],
            "code": ["no_end_date", "no_end_date", "no_end_date", ""],
            "fields": ["", "", '{"date": {"$date": "2026-02-28"}, "years": 5}', ""],
        }
    )
    assert remark_texts(dq, "id").tolist() == [
        "first english",  # the message needs {years} and {date}: not in the fields
        "second english",  # same code and fields, its own English
        "tanggal berakhir kosong; dianggap berlaku 5 tahun sejak penandatanganan "
        "(sampai 28 Februari 2026)",
        "old remark",
    ]
    assert remark_texts(dq, "en").tolist()[2] == (
        "no end date; assumed 5 years after signing (2026-02-28)"
    )


@pytest.fixture(scope="module")
def sink(tmp_path_factory):
    base = tmp_path_factory.mktemp("sink")
    _write_kitchen_sink(base / "raw")
    result = ingest(base / "raw")
    write_processed(result, base / "out")
    return base, result


def test_kitchen_sink_has_every_remark(sink):
    _, result = sink
    assert set(result.quality["code"]) == KITCHEN_SINK_CODES


def test_every_row_has_code_and_indonesian_text(sink):
    base, _ = sink
    dq = pd.read_csv(base / "out" / "data_quality.csv", dtype=str, keep_default_na=False)
    assert dq.columns.tolist() == schema.DATA_QUALITY
    assert len(dq) > 30
    assert (dq["code"].str.strip() != "").all()
    indonesian = remark_texts(dq, "id")
    assert (indonesian.str.strip() != "").all()
    assert (indonesian != dq["problem"]).all()  # really translated, at display time
    # the processed file itself holds no Indonesian wording
    stored = (base / "out" / "data_quality.csv").read_text(encoding="utf-8")
    assert not any(text in stored for text in set(indonesian))
    assert (remark_texts(dq, "en") == dq["problem"]).all()


def test_texts_follow_their_messages(sink):
    """``problem`` is exactly the ``en`` message and ``problem_id`` the ``id`` one, with the
    placeholders filled (the English text stays what it was before codes existed)."""
    _, result = sink
    table = load_translations()
    quality = result.quality.assign(problem_id=remark_texts(result.quality, "id"))
    for r in quality.itertuples():
        entry = table[f"dq.{r.code}"]
        assert _template_regex(entry["en"]).fullmatch(r.problem), (r.code, r.problem)
        assert _template_regex(entry["id"]).fullmatch(r.problem_id), (r.code, r.problem_id)
        assert "{" not in r.problem_id


def _one(result, code: str, **where) -> pd.Series:
    q = result.quality.assign(problem_id=remark_texts(result.quality, "id"))
    sel = q[q["code"] == code]
    for k, v in where.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, (code, where, sel)
    return sel.iloc[0]


def test_kitchen_sink_texts_by_hand(sink):
    _, result = sink
    # NK.01/2021 signed 1 March 2021, no end date: + 5 years - 1 day = 28 February 2026
    r = _one(result, "no_end_date", row=4)
    assert r["problem"] == "no end date; assumed 5 years after signing (2026-02-28)"
    assert r["problem_id"] == (
        "tanggal berakhir kosong; dianggap berlaku 5 tahun sejak penandatanganan "
        "(sampai 28 Februari 2026)"
    )
    r = _one(result, "date_unreadable", row=5)
    assert r["action"] == "fixed"
    assert r["problem_id"] == (
        "'segera' bukan tanggal (tulis misalnya 14/03/2024 atau 14 Maret 2024); dibiarkan kosong"
    )
    r = _one(result, "date_unreadable_required", row=9)
    assert r["action"] == "quarantined"
    assert r["problem"] == "unknown month name 'maretto'; fill in a date"
    assert r["problem_id"] == "nama bulan 'maretto' tidak dikenal; isi tanggal yang benar"
    r = _one(result, "required_empty", row=6)
    assert r["problem_id"] == "'Nama Mitra' kosong; harap diisi"
    r = _one(result, "text_truncated")
    assert r["problem_id"] == "teks lebih dari 32.767 karakter dipotong"
    r = _one(result, "province_empty")
    assert r["problem_id"] == "'Provinsi' kosong (seharusnya diisi untuk Pemerintah Daerah)"
    r = _one(result, "duplicate_agreement")
    assert r["problem_id"] == (
        "perjanjian yang sama sudah tercantum di a.xlsx, lembar 'Perjanjian', baris 15; "
        "dihitung sekali"
    )
    q = result.quality.assign(problem_id=remark_texts(result.quality, "id"))
    r = q[q["code"] == "conflicting_agreement"].iloc[0]
    assert r["problem_id"] == (
        "nomor perjanjian tercantum lebih dari sekali dengan rincian berbeda (Nama Mitra): "
        "a.xlsx lembar 'Perjanjian' baris 12; b.xlsx lembar 'Perjanjian' baris 3. "
        "Pertahankan satu versi dan hapus yang lain"
    )


def test_old_layout_is_ingested_again_and_loads(sink, tmp_path):
    base, _ = sink
    assert is_up_to_date(base / "raw", base / "out")
    old = tmp_path / "out"
    old.mkdir()
    for p in (base / "out").iterdir():
        (old / p.name).write_bytes(p.read_bytes())
    dq = pd.read_csv(old / "data_quality.csv", dtype=str, keep_default_na=False)
    dq.iloc[:, :7].to_csv(old / "data_quality.csv", index=False)  # before code/fields
    assert not is_up_to_date(base / "raw", old)
    loaded = load_processed(old)["data_quality"]
    assert loaded.columns.tolist() == schema.DATA_QUALITY
    assert (loaded["code"] == "").all() and len(loaded) == len(dq)


# ------------------------------------------------------------------------------ the report
@pytest.fixture
def shell():
    """A real IPython shell, so that ``display`` publishes HTML we can read."""
    sh = InteractiveShell.instance()
    yield sh
    InteractiveShell.clear_instance()


def _dq_html(shell, data: dict, lang: str, **kw) -> str:
    rp = ReportParams(as_of=date(2024, 3, 14), lang=lang, **kw)
    L = from_tables(compute_tables(data, rp), lang=lang, top_n=rp.top_n)
    with capture_output() as cap:
        display(kualitas_data(L))
    return "".join(o.data.get("text/html", "") for o in cap.outputs)


def _report_data(dq: pd.DataFrame) -> dict:
    data = {name: schema.empty_table(name) for name in schema.TABLES}
    data["data_quality"] = dq
    data["ingest_summary"] = pd.DataFrame(
        [["a.xlsx", "Perjanjian", 3, 0, 2, 1, 0]],
        columns=["file", "sheet", "read", "used", "fixed", "quarantined", "ignored"],
    )
    return data


ROWS = [
    ["a.xlsx", "Perjanjian", "2", "Tanggal Berakhir", "",
     "no end date; assumed 5 years after signing (2026-02-28)", "fixed", "no_end_date",
     '{"date": {"$date": "2026-02-28"}, "years": 5}'],
    ["a.xlsx", "Perjanjian", "3", "Tanggal Berakhir", "",
     "no end date; assumed 5 years after signing (2027-12-31)", "fixed", "no_end_date",
     '{"date": {"$date": "2027-12-31"}, "years": 5}'],
    ["a.xlsx", "Perjanjian", "4", "Nama Mitra", "", "'Nama Mitra' is empty; fill it in",
     "quarantined", "required_empty", '{"column": "Nama Mitra"}'],
]  # fmt: skip


def _group_rows(html: str) -> list[list[str]]:
    """Rows of the grouped table (the one after the dq_groups heading), cell texts."""
    part = html.split("<h3>", 2)[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", part, re.DOTALL)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", r, re.DOTALL)]
        for r in rows
        if "<td" in r
    ]


def test_report_shows_remarks_in_indonesian_grouped_by_code(shell):
    html = _dq_html(shell, _report_data(pd.DataFrame(ROWS, columns=schema.DATA_QUALITY)), "id")
    assert "Jenis Masalah Data dan Tindakan yang Disarankan" in html
    groups = _group_rows(html)
    # quarantined first; the two missing end dates (different dates) are one group of 2
    assert [g[:3] for g in groups] == [
        ["Dikarantina", "1", "&#x27;Nama Mitra&#x27; kosong; harap diisi"],
        ["Diperbaiki", "2", "tanggal berakhir kosong; dianggap berlaku 5 tahun sejak "
         "penandatanganan (sampai 28 Februari 2026)"],
    ]  # fmt: skip
    quarantined = html.split("Baris yang Dikarantina (tidak dihitung)")[1]
    assert "&#x27;Nama Mitra&#x27; kosong; harap diisi" in quarantined
    assert "<th>Masalah</th>" in quarantined
    assert "is empty" not in html and "no end date" not in html


def test_report_in_english_shows_the_english_problem(shell):
    html = _dq_html(shell, _report_data(pd.DataFrame(ROWS, columns=schema.DATA_QUALITY)), "en")
    groups = _group_rows(html)
    assert [g[:3] for g in groups] == [
        ["Quarantined", "1", "&#x27;Nama Mitra&#x27; is empty; fill it in"],
        ["Fixed", "2", "no end date; assumed 5 years after signing (2026-02-28)"],
    ]
    assert "kosong" not in html


def test_report_top_n_cuts_the_quarantined_list(shell):
    rows = [
        ["a.xlsx", "Perjanjian", str(r), "Nama Mitra", "", "'Nama Mitra' is empty; fill it in",
         "quarantined", "required_empty", '{"column": "Nama Mitra"}']
        for r in range(2, 7)
    ]  # fmt: skip
    html = _dq_html(
        shell, _report_data(pd.DataFrame(rows, columns=schema.DATA_QUALITY)), "id", top_n=2
    )
    quarantined = html.split("Baris yang Dikarantina (tidak dihitung)")[1]
    assert quarantined.count("harap diisi") == 2
    assert "Ditampilkan 2 baris teratas dari 5" in quarantined
    assert _group_rows(html)[0][:2] == ["Dikarantina", "5"]


def test_report_reads_a_data_quality_table_without_codes(shell):
    """A processed folder from before the codes: English text, grouped by its wording."""
    old = pd.DataFrame([r[:7] for r in ROWS], columns=schema.DATA_QUALITY[:7])
    html = _dq_html(shell, _report_data(old), "id")
    groups = _group_rows(html)
    assert [g[:2] for g in groups] == [["Dikarantina", "1"], ["Diperbaiki", "2"]]
    assert "no end date; assumed 5 years after signing (2026-02-28)" in html


def test_a_failed_notebook_is_worded_in_the_readers_language():
    from evaluation.errors import NotebookError
    from evaluation.presentation.remarks import error_text

    exc = NotebookError(
        "Notebook laporan_evaluasi.ipynb failed in cell 7: ZeroDivisionError",
        notebook="laporan_evaluasi.ipynb",
        cell=7,
        kept_at="reports/_gagal/x.ipynb",
        error="ZeroDivisionError: division by zero",
        previous="reports/2024-03-14",
    )
    text = error_text(exc, "id")
    assert text.startswith("Notebook laporan_evaluasi.ipynb gagal di sel 7: ZeroDivisionError")
    assert "disimpan di reports/_gagal/x.ipynb" in text
    assert "Laporan sebelumnya di reports/2024-03-14 dibiarkan" in text
    assert "perbaiki sel tersebut" in text and "failed" not in text
    en = error_text(exc, "en")
    assert "failed in cell 7" in en and "was left as it was" in en and "fix that cell" in en
    bare = NotebookError("x", notebook="n.ipynb", cell=None, kept_at=None, error="E")
    assert "sebuah sel" in error_text(bare, "id") and "disimpan" not in error_text(bare, "id")
