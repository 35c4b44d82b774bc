"""The command line speaks Bahasa Indonesia by default — its help, its messages and
argparse's own ("usage:", "error:", "the following arguments are required") — and English
with ``--lang en`` or ``EVALUATION_LANG=en``; every argparse error says where to get help.

Each test runs ``python -m evaluation`` in a separate process (as an analyst would).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evaluation.cli import main
from evaluation.cli_lang import argparse_language, choose_lang


def run(args: list[str], cwd: Path, lang_env: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "EVALUATION_LANG"}
    if lang_env is not None:
        env["EVALUATION_LANG"] = lang_env
    return subprocess.run(
        [sys.executable, "-m", "evaluation", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_help_is_in_bahasa_indonesia_by_default(tmp_path):
    proc = run(["--help"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("penggunaan: evaluation")
    for text in ("argumen posisi:", "pilihan:", "PERINTAH", "tampilkan bantuan ini lalu keluar"):
        assert text in out, text
    for english in ("usage:", "options:", "show this help", "positional arguments"):
        assert english not in out, english
    report = run(["report", "--help"], tmp_path).stdout
    assert "penggunaan: evaluation report" in report
    assert "tanggal evaluasi YYYY-MM-DD, tidak boleh di masa depan" in report
    assert "Parameter laporan (-p NAMA=NILAI):" in report and "grace_months" in report


@pytest.mark.parametrize(
    ("args", "lang_env"),
    [(["--lang", "en", "--help"], None), (["--help"], "en"), (["--lang=en", "--help"], "id")],
    ids=["option", "environment", "option-beats-environment"],
)
def test_help_is_in_english_on_request(tmp_path, args, lang_env):
    proc = run(args, tmp_path, lang_env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: evaluation")
    assert "options:" in proc.stdout and "build the evaluation report" in proc.stdout
    assert "penggunaan" not in proc.stdout


def test_missing_argument_is_explained_in_indonesian_with_a_hint(tmp_path):
    proc = run(["template"], tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("penggunaan: evaluation template")
    assert "evaluation template: kesalahan: argumen berikut wajib diisi: path" in proc.stderr
    assert "Lihat 'evaluation template --help' untuk pilihan yang tersedia." in proc.stderr
    assert "required" not in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written, no crash log


def test_argparse_errors_in_english_with_lang_en(tmp_path):
    proc = run(["template", "--lang", "en"], tmp_path)
    assert proc.returncode == 2
    assert "evaluation template: error: the following arguments are required: path" in (proc.stderr)
    assert "See 'evaluation template --help' for the options." in proc.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["laporan"], "pilihan tidak sah: 'laporan' (pilih dari"),
        (["sample", "--scale", "dua"], "argumen --scale: nilai int tidak sah: 'dua'"),
        (["ingest", "--bogus"], "argumen tidak dikenal: --bogus"),
        (["ingest", "--lang", "fr"], "argumen --lang: pilihan tidak sah: 'fr'"),
    ],
    ids=["command", "type", "unknown-option", "language"],
)
def test_other_argparse_errors_are_translated(tmp_path, args, expected):
    proc = run(args, tmp_path)
    assert proc.returncode == 2
    assert expected in proc.stderr, proc.stderr
    assert "Lihat 'evaluation" in proc.stderr


def test_own_errors_and_progress_follow_the_language(tmp_path):
    proc = run(["sample", "--scale", "0", "--out", str(tmp_path / "raw")], tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("Kesalahan: --scale harus bilangan bulat paling sedikit 1")
    assert "misalnya --scale 2" in proc.stderr
    proc = run(["sample", "--scale", "0", "--lang", "en"], tmp_path)
    assert proc.stderr.startswith("Error: --scale must be a whole number of at least 1")
    out = tmp_path / "t.xlsx"
    proc = run(["template", str(out)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"Berkas isian kosong ditulis: {out}"
    proc = run(["template", str(out)], tmp_path, lang_env="en")
    assert proc.stdout.strip() == f"Wrote the blank input workbook {out}"


def test_choose_lang():
    assert choose_lang([], {}) == "id"
    assert choose_lang(["report", "--lang", "en"], {}) == "en"
    assert choose_lang(["--lang=EN"], {}) == "en"
    assert choose_lang([], {"EVALUATION_LANG": "en"}) == "en"
    assert choose_lang(["--lang", "id"], {"EVALUATION_LANG": "en"}) == "id"
    assert choose_lang(["--lang", "fr"], {"EVALUATION_LANG": "en"}) == "id"
    assert choose_lang(["template", "--", "--lang", "en"], {}) == "id"


def test_argparse_messages_are_restored_after_the_command_line(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("penggunaan:")
    assert argparse._("usage: ") == "usage: "  # other argparse users are not affected
    with argparse_language("id"):
        assert argparse._("usage: ") == "penggunaan: "
        assert argparse._("a message argparse does not have") == "a message argparse does not have"
    assert argparse.ngettext("expected %s argument", "expected %s arguments", 2) == (
        "expected %s arguments"
    )


def test_help_does_not_load_the_data_libraries(tmp_path):
    """``--help`` reads its texts without pandas or Babel (it answers in a fraction of a second)."""
    code = (
        "import sys\n"
        "from evaluation.cli import main\n"
        "try:\n    main(['report', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pandas', 'babel', 'pyarrow') if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
