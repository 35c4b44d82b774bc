"""The report command: ingest if needed, execute the notebooks, render HTML, print PDFs.

The parameters are checked before any work. The first kernel and the printer's Chromium
then start (:mod:`evaluation.publish.head_start`) while the notebooks' parameters cells are
read, or after the ingestion when the inputs changed. The pack is built
(:class:`evaluation.publish.build.PackBuild`) in a staging folder beside the final one and
swapped into ``<out>/<as_of>/`` only when every step succeeded, so a failed run leaves the
previous report untouched. A failing notebook is kept (in ``<out>/_gagal/``) for diagnosis.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from evaluation import config
from evaluation.errors import ParameterError
from evaluation.params import check_notebook_parameters, check_params, parse_cli_pairs
from evaluation.presentation.messages import fmt_seconds
from evaluation.presentation.messages import message as _t
from evaluation.publish.build import SNAPSHOT_FILES, NotebookJob, PackBuild  # noqa: F401
from evaluation.publish.folders import (  # noqa: F401  (re-exported: the pack's layout)
    ANNEX_NOTEBOOK,
    MAIN_NOTEBOOK,
    find_previous,
    write_tables,
)
from evaluation.publish.head_start import HeadStart
from evaluation.publish.notebooks import KERNEL  # noqa: F401  (re-exported)
from evaluation.publish.pdf import default_concurrency


def _swap_into_place(staging: Path, final: Path) -> None:
    """Replace ``final`` by ``staging`` with two renames; the old report survives any failure
    before the second rename."""
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{os.getpid()}")
        os.replace(final, old)
    try:
        os.replace(staging, final)
    except BaseException:
        if old is not None:
            os.replace(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_report(
    raw_dir: Path = config.RAW_DIR,
    processed_dir: Path = config.PROCESSED_DIR,
    out_dir: Path = config.REPORTS_DIR,
    as_of: str | None = None,
    lang: str = "id",
    previous: str | None = None,
    params: list[str] | dict | None = None,
    pdf: bool = True,
    per_category: bool = True,
    notebooks_dir: Path = config.NOTEBOOKS_DIR,
    workers: int | None = None,
    echo: Callable[[str], None] = print,
) -> Path:
    """Build the evaluation report into ``out_dir/<as_of>/`` and return that folder.

    Parameters
    ----------
    raw_dir, processed_dir
        Input workbooks and the processed tables (re-ingested when inputs changed).
    out_dir
        Reports folder; the report goes to ``out_dir/<as_of>/``.
    as_of
        Evaluation date ``YYYY-MM-DD``; default 2024-03-14 for the bundled sample, else today.
    lang
        ``id`` (default) or ``en``.
    previous
        Earlier report folder (or its date) to compare with; default the latest earlier one.
    params
        Extra notebook parameters (``NAME=VALUE`` strings or a dict), checked strictly.
    pdf, per_category
        Print PDFs; also build one report per partner category and the partner annex.

    Raises
    ------
    ParameterError
        A parameter is unknown or malformed (nothing is run).
    InputError
        The input cannot be used.
    NotebookError
        A notebook cell failed; the previous report is left in place.
    RenderError
        HTML or PDF could not be produced (e.g. no Chromium).
    """
    from evaluation.ingest import is_up_to_date, read_manifest, run_ingest
    from evaluation.presentation.console import ingest_say

    t_start = time.perf_counter()
    raw_params = dict(params) if isinstance(params, dict) else parse_cli_pairs(params or [])
    for reserved in ("as_of", "lang"):
        if reserved in raw_params:
            option = f"--{reserved.replace('_', '-')}"
            raise ParameterError(
                f"Give '{reserved}' as {option}, not as -p {reserved}=….",
                name=reserved,
                code="param_reserved",
                fields={"name": reserved, "option": option},
            )
    raw_params.update({"lang": lang})
    if as_of is not None:
        raw_params["as_of"] = as_of
    rp = check_params(raw_params)  # refuse bad parameters before any work
    raw_dir, processed_dir, out_dir = Path(raw_dir), Path(processed_dir), Path(out_dir)
    t0 = time.perf_counter()
    fresh = is_up_to_date(raw_dir, processed_dir)
    checked_s = time.perf_counter() - t0
    reports = 1 if not per_category or rp.category is not None else default_concurrency()
    # the kernel and Chromium start while the notebooks are checked (papermill's import);
    # after the ingestion when there is one (a refused input does not wait for them)
    head = HeadStart(notebooks_dir, lang, pdf=pdf, reports=reports) if fresh else None
    try:
        for name in (MAIN_NOTEBOOK, ANNEX_NOTEBOOK):  # the pack's notebooks agree with the model
            if (Path(notebooks_dir) / name).exists():
                check_notebook_parameters(Path(notebooks_dir) / name)
        if fresh:
            echo(
                _t(
                    "cli.report_ingest_fresh",
                    lang,
                    processed=processed_dir,
                    raw=raw_dir,
                    s=fmt_seconds(checked_s, lang),
                )
            )
        else:
            t0 = time.perf_counter()
            echo(_t("cli.report_ingest", lang, raw=raw_dir))
            run_ingest(raw_dir, processed_dir, say=ingest_say(lambda m: echo("      " + m), lang))
            echo(_t("cli.report_ingest_done", lang, s=fmt_seconds(time.perf_counter() - t0, lang)))
            head = HeadStart(notebooks_dir, lang, pdf=pdf, reports=reports)
        manifest = read_manifest(processed_dir) or {}
        is_sample = bool(manifest.get("is_sample"))
        from evaluation.analysis.tables import (
            resolve_as_of,  # the notebooks resolve the default the same way
        )

        rp = check_params({}, base=resolve_as_of(rp, is_sample))
        as_of_d = rp.as_of
        assert as_of_d is not None

        prev = find_previous(out_dir, as_of_d, previous)
        final = out_dir / as_of_d.isoformat()
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = out_dir / f".staging-{as_of_d.isoformat()}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        (staging / "tables").mkdir(parents=True)
        try:
            PackBuild(
                rp,
                raw_dir,
                processed_dir,
                out_dir,
                staging,
                final,
                prev,
                is_sample,
                pdf,
                per_category,
                Path(notebooks_dir),
                workers,
                echo,
                head,
            ).run()
            _swap_into_place(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    finally:
        if head is not None:
            head.close()  # what the build did not take
    echo(
        _t(
            "cli.report_ready",
            lang,
            s=fmt_seconds(time.perf_counter() - t_start, lang),
            folder=final,
        )
    )
    for p in sorted(final.rglob("*")):
        if p.is_file() and p.suffix in {".pdf", ".html", ".xlsx"}:
            echo(f"  {p}")
    echo(
        _t(
            "cli.report_csv",
            lang,
            folder=final / "tables",
            n=len(list((final / "tables").glob("*.csv"))),
        )
    )
    from evaluation.publish.index import write_index

    echo(_t("cli.report_index", lang, path=write_index(out_dir, lang=rp.lang), out=out_dir))
    return final


__all__ = ["run_report", "find_previous", "NotebookJob"]
