"""Command line: ``evaluation ingest | report | template | sample`` (also ``python -m evaluation``).

Exit status: 0 success (warnings allowed), 2 input or parameters cannot be used, 1 a step
failed. Errors are printed as plain messages; a Python traceback is never shown for bad input.
Output piped into a reader that stops early (``evaluation ingest | head``) ends quietly: the
command still finishes its work. The details of an unexpected error (a bug) go to
``reports/_gagal/`` (or the temporary folder), never into the project root.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from evaluation import config
from evaluation.errors import EvaluationError, printable


def _echo(msg: str) -> None:
    """Print one line of progress. When the reader of a pipe has gone (``… | head``), the
    rest of the output is dropped quietly and the command still finishes its work."""
    try:
        print(msg, flush=True)
    except BrokenPipeError:
        _drop_stdout()


def _drop_stdout() -> None:
    """Point standard output at the null device, so that neither later prints nor the final
    flush at exit raise BrokenPipeError again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (a test's captured stdout)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until exit


def _crash_log(text: str) -> Path | None:
    """Write the details of an unexpected error into ``reports/_gagal/`` (else the temporary
    folder), never into the project root; returns where, or None."""
    name = f"galat-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    for folder in (Path(config.REPORTS_DIR) / "_gagal", Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def _cmd_ingest(args: argparse.Namespace) -> int:
    from evaluation.ingest import run_ingest

    t0 = time.perf_counter()
    _echo(f"Ingesting {printable(args.raw)} …")
    run_ingest(Path(args.raw), Path(args.out), echo=_echo)
    _echo(f"Done in {time.perf_counter() - t0:.1f} s.")
    return 0


def _cmd_sample(args: argparse.Namespace) -> int:
    from evaluation.authoring.sample import write_sample

    if args.scale < 1:
        raise EvaluationError("--scale must be a whole number of at least 1.")
    t0 = time.perf_counter()
    paths = write_sample(Path(args.out), scale=args.scale, seed=args.seed)
    for p in paths:
        _echo(f"Wrote {p} ({p.stat().st_size / 1024:,.0f} KiB) in {time.perf_counter() - t0:.1f} s")
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    from evaluation.authoring.template import write_template

    path = write_template(Path(args.path))
    _echo(f"Wrote the blank input workbook {path}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from evaluation.publish.run import run_report

    run_report(
        raw_dir=Path(args.raw),
        processed_dir=Path(args.processed),
        out_dir=Path(args.out),
        as_of=args.as_of,
        lang=args.lang,
        previous=args.previous,
        params=args.param or [],
        pdf=not args.no_pdf,
        per_category=not args.main_only,
        echo=_echo,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="evaluation",
        description="Evaluation of BP2MI cooperation agreements: ingest workbooks, build reports.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("ingest", help="read data/raw into typed tables in data/processed")
    s.add_argument("--raw", default=str(config.RAW_DIR), help="input folder (default data/raw)")
    s.add_argument(
        "--out", default=str(config.PROCESSED_DIR), help="output folder (default data/processed)"
    )
    s.set_defaults(func=_cmd_ingest)

    from evaluation.params import describe

    s = sub.add_parser(
        "report",
        help="build the evaluation report (HTML, PDF, tables)",
        epilog="Parameter laporan (-p NAMA=NILAI):\n" + describe(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("--raw", default=str(config.RAW_DIR), help="input folder (default data/raw)")
    s.add_argument(
        "--out",
        default=str(config.REPORTS_DIR),
        help="reports folder (default reports); writes OUT/<as_of>/",
    )
    s.add_argument(
        "--processed",
        default=str(config.PROCESSED_DIR),
        help="processed-data folder (default data/processed)",
    )
    s.add_argument(
        "--as-of",
        default=None,
        help="evaluation date YYYY-MM-DD (default: 2024-03-14 for the sample, else today)",
    )
    s.add_argument("--lang", default="id", help="report language: id (default) or en")
    s.add_argument(
        "--previous",
        default=None,
        help="previous report folder to compare with (default: the latest earlier one)",
    )
    s.add_argument(
        "-p",
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="report parameter, e.g. -p grace_months=18 (all listed below)",
    )
    s.add_argument("--no-pdf", action="store_true", help="skip PDF printing (HTML only)")
    s.add_argument(
        "--main-only",
        action="store_true",
        help="only the main report, not the per-category reports and annex (the report folder is replaced as a whole)",
    )
    s.set_defaults(func=_cmd_report)

    s = sub.add_parser("template", help="write a blank input workbook")
    s.add_argument("path", help="where to write it, e.g. template_perjanjian.xlsx")
    s.set_defaults(func=_cmd_template)

    s = sub.add_parser("sample", help="write the synthetic sample workbook")
    s.add_argument(
        "--scale",
        type=int,
        default=1,
        help="multiply the partners (default 1 = the bundled sample)",
    )
    s.add_argument("--out", default=str(config.RAW_DIR), help="output folder (default data/raw)")
    s.add_argument("--seed", type=int, default=2024, help=argparse.SUPPRESS)
    s.set_defaults(func=_cmd_sample)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = None
    try:
        args = parser.parse_args(argv)  # --help may meet a closed pipe too
        return args.func(args)
    except BrokenPipeError:  # output piped into a reader that has gone (``| head``)
        _drop_stdout()
        return 0
    except EvaluationError as exc:
        from evaluation.presentation.remarks import error_text

        _error(f"error: {error_text(exc, getattr(args, 'lang', 'id'))}")
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted; previous outputs were left as they were.")
        return 130
    except Exception as exc:  # a bug, not bad input: say so, keep the details in a file
        log = _crash_log(traceback.format_exc())
        where = f"rinciannya di {log}" if log else "rinciannya tidak dapat disimpan"
        _error(
            f"galat: kesalahan internal yang tak terduga ({type(exc).__name__}: "
            f"{printable(exc)}); ini kekeliruan pada alat, bukan pada data Anda ({where})."
        )
        return 1


def _error(msg: str) -> None:
    """Print a message on standard error (quietly nothing if that pipe is gone too)."""
    try:
        print(msg, file=sys.stderr, flush=True)
    except BrokenPipeError:
        pass
