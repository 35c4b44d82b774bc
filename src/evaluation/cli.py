"""Command line: ``evaluation ingest | report | template | sample`` (also ``python -m evaluation``).

Exit status: 0 success (warnings allowed), 2 input or parameters cannot be used, 1 a step
failed. Errors are printed as plain messages; a Python traceback is never shown for bad input.
Output piped into a reader that stops early (``evaluation ingest | head``) ends quietly: the
command still finishes its work. The details of an unexpected error (a bug) go to
``reports/_gagal/`` (or the temporary folder), never into the project root.
Messages, help and argparse's own texts are in Bahasa Indonesia, or in English with
``--lang en`` or ``EVALUATION_LANG=en`` (:mod:`evaluation.cli_lang`).
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
from evaluation.cli_lang import (
    LANGS,
    Parser,
    argparse_language,
    choose_lang,
    fmt_number,
    fmt_seconds,
    t,
)
from evaluation.errors import EvaluationError, ParameterError, printable


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
    from evaluation.presentation.console import ingest_say

    t0 = time.perf_counter()
    _echo(t("cli.ingesting", args.ui_lang, folder=printable(args.raw)))
    run_ingest(Path(args.raw), Path(args.out), say=ingest_say(_echo, args.ui_lang))
    _echo(t("cli.done", args.ui_lang, seconds=fmt_seconds(time.perf_counter() - t0, args.ui_lang)))
    return 0


def _cmd_sample(args: argparse.Namespace) -> int:
    from evaluation.authoring.sample import write_sample

    if args.scale < 1:
        raise ParameterError(t("cli.scale_invalid", args.ui_lang, value=args.scale))
    t0 = time.perf_counter()
    paths = write_sample(Path(args.out), scale=args.scale, seed=args.seed)
    for p in paths:
        _echo(
            t(
                "cli.wrote_sample",
                args.ui_lang,
                path=p,
                kib=fmt_number(p.stat().st_size / 1024, args.ui_lang),
                seconds=fmt_seconds(time.perf_counter() - t0, args.ui_lang),
            )
        )
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    from evaluation.authoring.template import write_template

    path = write_template(Path(args.path))
    _echo(t("cli.wrote_template", args.ui_lang, path=path))
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


def build_parser(lang: str = "id") -> argparse.ArgumentParser:
    """The command line's parser, every text in ``lang`` (argparse's own: see :mod:`cli_lang`)."""

    def h(key: str, **kw: object) -> str:
        return t(key, lang, **kw)

    with argparse_language(lang):
        p = Parser(prog="evaluation", description=h("cli.description"), lang=lang)
        p.add_argument(
            "--version", action="version", version=f"%(prog)s {config.package_version()}"
        )
        p.add_argument(
            "--lang", dest="ui_lang", default=lang, choices=LANGS, help=h("cli.lang_help")
        )
        sub = p.add_subparsers(dest="command", required=True, metavar=h("cli.command_metavar"))

        def subcommand(name: str, help_key: str, **kw) -> argparse.ArgumentParser:
            s = sub.add_parser(name, help=h(help_key), description=h(help_key), lang=lang, **kw)
            s.set_defaults(ui_lang=lang)
            return s

        s = subcommand("ingest", "cli.ingest_help")
        s.add_argument("--raw", default=str(config.RAW_DIR), help=h("cli.raw_help"))
        s.add_argument("--out", default=str(config.PROCESSED_DIR), help=h("cli.processed_out_help"))
        s.add_argument(
            "--lang", dest="ui_lang", default=lang, choices=LANGS, help=h("cli.lang_help")
        )
        s.set_defaults(func=_cmd_ingest)

        from evaluation.params import SPEC, describe

        s = subcommand(
            "report",
            "cli.report_help",
            epilog=h("cli.params_epilog") + "\n" + describe(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        s.add_argument("--raw", default=str(config.RAW_DIR), help=h("cli.raw_help"))
        s.add_argument("--out", default=str(config.REPORTS_DIR), help=h("cli.reports_out_help"))
        s.add_argument(
            "--processed", default=str(config.PROCESSED_DIR), help=h("cli.processed_help")
        )
        s.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help=h("cli.as_of_help"))
        s.add_argument("--lang", default=SPEC["lang"].default, help=h("cli.report_lang_help"))
        s.add_argument("--previous", default=None, help=h("cli.previous_help"))
        s.add_argument(
            "-p",
            "--param",
            action="append",
            metavar=h("cli.param_metavar"),
            help=h("cli.param_help"),
        )
        s.add_argument("--no-pdf", action="store_true", help=h("cli.no_pdf_help"))
        s.add_argument("--main-only", action="store_true", help=h("cli.main_only_help"))
        s.set_defaults(func=_cmd_report)

        s = subcommand("template", "cli.template_help")
        s.add_argument("path", help=h("cli.template_path_help"))
        s.add_argument(
            "--lang", dest="ui_lang", default=lang, choices=LANGS, help=h("cli.lang_help")
        )
        s.set_defaults(func=_cmd_template)

        s = subcommand("sample", "cli.sample_help")
        s.add_argument("--scale", type=int, default=1, help=h("cli.scale_help"))
        s.add_argument("--out", default=str(config.RAW_DIR), help=h("cli.sample_out_help"))
        s.add_argument("--seed", type=int, default=2024, help=argparse.SUPPRESS)
        s.add_argument(
            "--lang", dest="ui_lang", default=lang, choices=LANGS, help=h("cli.lang_help")
        )
        s.set_defaults(func=_cmd_sample)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    lang = choose_lang(argv)
    parser = build_parser(lang)
    args = None
    try:
        with argparse_language(lang):
            args = parser.parse_args(argv)  # --help may meet a closed pipe too
        return args.func(args)
    except BrokenPipeError:  # output piped into a reader that has gone (``| head``)
        _drop_stdout()
        return 0
    except EvaluationError as exc:
        _error(error_line(exc, lang))
        return exc.exit_code
    except KeyboardInterrupt:
        _error(t("cli.interrupted", lang))
        return 130
    except Exception as exc:  # a bug, not bad input: say so, keep the details in a file
        log = _crash_log(traceback.format_exc())
        where = t("cli.crash_log", lang, path=log) if log else t("cli.crash_no_log", lang)
        _error(t("cli.crash", lang, error=f"{type(exc).__name__}: {printable(exc)}", where=where))
        return 1


def error_line(exc: EvaluationError, lang: str) -> str:
    """What the command line prints for ``exc``: ``Kesalahan: …`` / ``Error: …``, the error
    worded in ``lang`` (:func:`evaluation.presentation.remarks.error_text`)."""
    from evaluation.presentation.remarks import error_text

    return t("cli.error", lang, message=error_text(exc, lang))


def _error(msg: str) -> None:
    """Print a message on standard error (quietly nothing if that pipe is gone too)."""
    try:
        print(msg, file=sys.stderr, flush=True)
    except BrokenPipeError:
        pass
