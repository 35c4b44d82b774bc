"""``evaluation ingest`` on the command line: summary, exit status, messages."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from conftest import CANONICAL, run_cli, write_xlsx

#: The console in each language: header words, total word, a quarantined row, the remark.
CONSOLE = {
    "id": (
        "berkas / lembar",
        ["dibaca", "dipakai", "diperbaiki", "dikarantina", "diabaikan"],
        "jumlah",
        "[dikarantina] p.xlsx, lembar 'Perjanjian' baris 3 kolom 'Kategori Mitra'",
        ["Membaca ", "Perjanjian: 4 (", "Semua ", "Ditulis ", "Selesai dalam "],
        ["Agreements:", "quarantined", "Wrote ", "remarks", "row 3", "Done in"],
    ),
    "en": (
        "file / sheet",
        ["read", "used", "fixed", "quarant.", "ignored"],
        "total",
        "[quarantined] p.xlsx, sheet 'Perjanjian' row 3 column 'Kategori Mitra'",
        ["Ingesting ", "Agreements: 4 (", "All ", "Wrote ", "Done in "],
        ["Perjanjian: 4", "dikarantina", "Ditulis", "catatan", "baris 3", "Selesai"],
    ),
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_ingest_prints_summary_and_exits_0_with_warnings(tmp_path, lang):
    """Bahasa Indonesia by default; English with --lang en (progress, table, remarks)."""
    head, words, total_word, quarantined, starts, foreign = CONSOLE[lang]
    raw = tmp_path / "raw"
    ag = [list(r) for r in CANONICAL["Perjanjian"]]
    ag[2][3] = "Lembaga Swadaya"  # quarantined: a warning, not a failure
    write_xlsx(raw / "p.xlsx", {**CANONICAL, "Perjanjian": ag})
    out = tmp_path / "out"
    extra = ["--lang", "en"] if lang == "en" else []
    res = run_cli("ingest", "--raw", str(raw), "--out", str(out), *extra)
    assert res["rc"] == 0, res["stderr"]
    lines = res["stdout"].splitlines()
    header = next(line for line in lines if line.startswith(head))
    assert header.split()[-5:] == words
    for start in starts:
        assert any(line.lstrip().startswith(start) for line in lines), (start, lines)
    for word in foreign:  # nothing of the other language
        assert word not in res["stdout"], word
    rows = {
        line.split(" / ")[1].rsplit(None, 5)[0]: line.split()[-5:]
        for line in lines
        if line.startswith("p.xlsx / ")
    }
    assert rows == {
        "Perjanjian": ["5", "4", "0", "1", "0"],
        "Ruang Lingkup": ["6", "5", "0", "1", "0"],
        "Tindak Lanjut": ["5", "4", "0", "1", "0"],
    }
    total = next(line for line in lines if line.startswith(total_word))
    assert total.split()[1:] == ["16", "13", "0", "3", "0"]
    assert quarantined in res["stdout"]
    assert "Traceback" not in res["stderr"]
    # seconds with a decimal comma in Indonesian, a decimal point in English
    done = re.compile(
        r"^Selesai dalam \d+,\d detik\.$" if lang == "id" else r"^Done in \d+\.\d s\.$"
    )
    assert any(done.match(line) for line in lines), lines[-1]
    dq = pd.read_csv(out / "data_quality.csv", dtype=str, keep_default_na=False)
    assert dq.columns.tolist() == [
        "file", "sheet", "row", "column", "value", "problem", "action", "code", "fields",
    ]  # fmt: skip
    assert dq[dq["sheet"] == "Perjanjian"][["row", "column", "action"]].values.tolist() == [
        ["3", "Kategori Mitra", "quarantined"]
    ]
    for name in ("agreements", "scope_items", "activities"):
        assert (out / f"{name}.parquet").exists()
    assert len(pd.read_parquet(out / "agreements.parquet")) == 4


def test_structural_error_exit_2_names_file_sheet_column(tmp_path):
    raw = tmp_path / "raw"
    sheets = {k: [list(r) for r in v] for k, v in CANONICAL.items()}
    sheets["Perjanjian"] = [r[:3] + r[4:] for r in sheets["Perjanjian"]]  # no Kategori Mitra
    write_xlsx(raw / "unit_a.xlsx", sheets)
    res = run_cli("ingest", "--raw", str(raw), "--out", str(tmp_path / "out"))
    assert res["rc"] == 2
    assert "file unit_a.xlsx, sheet 'Perjanjian', column 'Kategori Mitra'" in res["stderr"]
    assert "Traceback" not in res["stderr"]
    assert not (tmp_path / "out").exists()


def test_missing_raw_folder_exit_2(tmp_path):
    res = run_cli("ingest", "--raw", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert res["rc"] == 2
    assert "does not exist" in res["stderr"] and "Traceback" not in res["stderr"]


def test_seconds_and_numbers_follow_the_language():
    from evaluation.presentation.messages import fmt_number, fmt_seconds, message

    assert fmt_seconds(1.06, "id") == "1,1" and fmt_seconds(1.06, "en") == "1.1"
    assert fmt_seconds(0.04, "id") == "0,0"
    assert fmt_seconds(3725.25, "id") == "3.725,2" and fmt_seconds(3725.25, "en") == "3,725.2"
    assert fmt_number(1536, "id") == "1.536" and fmt_number(1536, "en") == "1,536"
    assert message("cli.done", "id", seconds=fmt_seconds(1.06, "id")) == "Selesai dalam 1,1 detik."
    assert message("cli.done", "en", seconds=fmt_seconds(1.06, "en")) == "Done in 1.1 s."


def test_every_seconds_field_of_the_command_line_goes_through_the_helper():
    """No console message formats seconds by hand (``f"{...:.1f}"``) in the modules this
    command line owns; each uses :func:`fmt_seconds`."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "src" / "evaluation"
    for name in ("cli.py", "cli_lang.py", "presentation/console.py"):
        text = (src / name).read_text(encoding="utf-8")
        assert ":.1f}" not in text, name
    assert "fmt_seconds(" in (src / "cli.py").read_text(encoding="utf-8")
