"""The sanity gate: an implausible result stops ingestion (exit 2) with a message in Bahasa
Indonesia saying what was seen and what to fix; no report is ever built from it."""

from __future__ import annotations

import pytest

from conftest import CANONICAL, write_xlsx
from evaluation.authoring.template import write_template
from evaluation.cli import main
from evaluation.errors import InputError
from evaluation.ingest import ingest, load_processed, write_processed
from evaluation.ingest.gate import MIN_QUARANTINED
from evaluation.presentation.remarks import error_text


def test_blank_template_stops_with_no_agreements(tmp_path, capsys):
    raw = tmp_path / "raw"
    write_template(raw / "template.xlsx")
    with pytest.raises(InputError) as err:
        ingest(raw)
    msg = error_text(err.value, "id")
    assert msg.startswith("Hasil pembacaan tidak masuk akal, jadi tabel olahan dan laporan")
    assert "\n  - tidak ada satu pun perjanjian yang terbaca. Perbaiki: pastikan ada lembar" in msg
    out = tmp_path / "out"
    assert main(["ingest", "--raw", str(raw), "--out", str(out)]) == 2
    assert "tidak ada satu pun perjanjian yang terbaca" in capsys.readouterr().err
    assert not (out / "manifest.json").exists()


def test_report_is_never_built_from_zero_agreements(tmp_path, capsys):
    raw = tmp_path / "raw"
    write_template(raw / "template.xlsx")
    reports = tmp_path / "reports"
    code = main(
        ["report", "--raw", str(raw), "--processed", str(tmp_path / "p"), "--out", str(reports),
         "--no-pdf", "--main-only"]
    )  # fmt: skip
    assert code == 2
    assert "tidak ada satu pun perjanjian" in capsys.readouterr().err
    assert not any(reports.glob("*/*.html"))


def test_processed_folder_without_agreements_is_refused(tmp_path):
    """A processed folder written before the gate (zero agreements) is not reported on."""
    res = ingest(write_xlsx(tmp_path / "raw" / "p.xlsx", CANONICAL).parent)
    empty = res.agreements.iloc[0:0]
    res.agreements = empty
    write_processed(res, tmp_path / "out")
    with pytest.raises(InputError, match="not one agreement was read"):
        load_processed(tmp_path / "out")


def test_activities_on_an_unread_sheet_stop_the_run(tmp_path):
    sheets = {k: v for k, v in CANONICAL.items() if k != "Tindak Lanjut"}
    sheets["Laporan Kegiatan"] = [["Kode", "Catatan"], ["NK.01/2021", "pelatihan"]]
    raw = write_xlsx(tmp_path / "raw" / "p.xlsx", sheets).parent
    with pytest.raises(InputError) as err:
        ingest(raw)
    assert (
        "\n  - tidak ada kegiatan tindak lanjut yang terbaca, padahal masukan memuat lembar "
        "'Laporan Kegiatan' di p.xlsx. Perbaiki: beri nama lembar 'Tindak Lanjut'"
    ) in error_text(err.value, "id")
    assert "ruang lingkup" not in error_text(err.value, "id")  # scopes were read
    # the same refusal in English, from the same remarks
    assert "\n  - no follow-up activities were read" in error_text(err.value, "en")
    assert error_text(err.value, "en").startswith("The result is implausible")


def test_no_activities_and_nothing_like_them_is_fine(tmp_path):
    sheets = {k: v for k, v in CANONICAL.items() if k != "Tindak Lanjut"}
    res = ingest(write_xlsx(tmp_path / "raw" / "p.xlsx", sheets).parent)
    assert len(res.agreements) == 5 and res.activities.empty


@pytest.mark.parametrize("bad", [MIN_QUARANTINED - 1, MIN_QUARANTINED])
def test_a_sheet_mostly_quarantined_stops_the_run(tmp_path, bad):
    ag = [list(r) for r in CANONICAL["Perjanjian"]]
    for r in ag[1 : 1 + bad]:
        r[3] = "Entah"  # unknown category: quarantined
    sheets = {**CANONICAL, "Perjanjian": ag}
    raw = write_xlsx(tmp_path / "raw" / "p.xlsx", sheets).parent
    if 2 * bad <= len(ag) - 1 or bad < MIN_QUARANTINED:
        assert len(ingest(raw).agreements) == 5 - bad
        return
    with pytest.raises(InputError) as err:
        ingest(raw)
    msg = error_text(err.value, "id")
    assert (
        f"p.xlsx, lembar 'Perjanjian': {bad} dari 5 baris data dikarantina (3 x Kategori Mitra 'Entah' tidak dikenal"
        in msg
    )
    assert "Perbaiki: isi atau betulkan sel" in msg
