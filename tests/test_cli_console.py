"""The console as a shell user meets it: output piped into ``head`` ends quietly, names
with line breaks are printed escaped, and a crash log never lands in the project root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import CANONICAL, write_xlsx
from evaluation import cli, config

ROOT = Path(__file__).resolve().parents[1]


def test_output_piped_into_head_ends_quietly(tmp_path):
    raw = write_xlsx(tmp_path / "raw" / "p.xlsx", CANONICAL).parent
    out = tmp_path / "out"
    # As `evaluation ingest | head -1`: the reader takes one line and goes away.
    proc = subprocess.Popen(
        [sys.executable, "-m", "evaluation", "ingest", "--raw", str(raw), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert first.startswith(b"Membaca ")  # the console speaks Bahasa Indonesia
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert (out / "manifest.json").exists()  # the work was finished all the same


def test_help_piped_into_head_ends_quietly():
    done = subprocess.run(
        f"'{sys.executable}' -m evaluation --help | head -1",
        shell=True, capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.stdout.startswith("penggunaan: evaluation")
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_file_names_with_line_breaks_are_printed_escaped(tmp_path, capsys):
    raw = tmp_path / "raw"
    write_xlsx(raw / "baik\u202e.xlsx", CANONICAL)
    (raw / "rusak\nbaris.xlsx").write_bytes(b"")
    assert cli.main(["ingest", "--raw", str(raw), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "file rusak\\nbaris.xlsx: the file is empty" in err
    assert "rusak\nbaris" not in err
    (raw / "rusak\nbaris.xlsx").unlink()
    (raw / "catatan\r\n.txt").write_text("x", encoding="utf-8")
    assert cli.main(["ingest", "--raw", str(raw), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "baik\\u202e.xlsx / Perjanjian" in printed and "\u202e" not in printed
    assert "  [diabaikan] catatan\\r\\n.txt: " in printed  # Bahasa Indonesia by default
    assert (
        cli.main(["ingest", "--raw", str(raw), "--out", str(tmp_path / "out"), "--lang", "en"]) == 0
    )
    assert "  [ignored] catatan\\r\\n.txt: " in capsys.readouterr().out


def test_crash_log_goes_to_the_failure_folder_not_the_project_root(tmp_path, monkeypatch, capsys):
    def broken(args):
        raise RuntimeError("kaput")

    monkeypatch.setattr(cli, "_cmd_template", broken)
    monkeypatch.setattr(config, "REPORTS_DIR", tmp_path / "reports")
    assert cli.main(["template", str(tmp_path / "t.xlsx")]) == 1
    err = capsys.readouterr().err
    logs = list((tmp_path / "reports" / "_gagal").glob("galat-*.log"))
    assert len(logs) == 1 and "RuntimeError: kaput" in logs[0].read_text(encoding="utf-8")
    assert f"rinciannya di {logs[0]}" in err
    assert "kesalahan internal yang tak terduga (RuntimeError: kaput)" in err
    assert not (ROOT / "evaluation-error.log").exists()


def test_version_is_printed_from_the_package_metadata():
    from importlib.metadata import version

    import evaluation

    done = subprocess.run(
        [sys.executable, "-m", "evaluation", "--version"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"evaluation {version('evaluation')}"
    assert config.package_version() in (version("evaluation"), evaluation.__version__)
