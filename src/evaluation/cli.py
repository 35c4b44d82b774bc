"""Command line: ``evaluation ingest | report | template | sample`` (also ``python -m evaluation``).

Exit status: 0 success (warnings allowed), 2 input or parameters cannot be used, 1 a step
failed. Errors are printed as plain messages; a Python traceback is never shown for bad input.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from evaluation import config
from evaluation.errors import EvaluationError


def _echo(msg: str) -> None:
    print(msg, flush=True)


def _cmd_ingest(args: argparse.Namespace) -> int:
    from evaluation.ingest import run_ingest

    t0 = time.perf_counter()
    _echo(f"Ingesting {args.raw} …")
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
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except EvaluationError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; previous outputs were left as they were.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input: say so, keep the details in a file
        log = Path(config.PROJECT_ROOT) / "evaluation-error.log"
        try:
            log.write_text(traceback.format_exc(), encoding="utf-8")
            where = f"details in {log}"
        except OSError:
            where = "no log written"
        print(
            f"error: unexpected internal error ({type(exc).__name__}: {exc}); this is a bug in the "
            f"tool, not in your data ({where}).",
            file=sys.stderr,
        )
        return 1
