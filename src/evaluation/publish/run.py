"""The report command: ingest if needed, execute the notebooks, render HTML, print PDFs.

Everything is built in a staging folder beside the final one and swapped into
``<out>/<as_of>/`` only when every step succeeded, so a failed run leaves the previous report
untouched. A failing notebook is kept (in ``<out>/_gagal/``) for diagnosis.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from evaluation import config
from evaluation.errors import EvaluationError, NotebookError, ParameterError
from evaluation.params import (
    ReportParams,
    check_notebook_parameters,
    check_params,
    parse_cli_pairs,
)
from evaluation.presentation.messages import fmt_seconds
from evaluation.presentation.messages import message as _t
from evaluation.publish.folders import (  # noqa: F401  (re-exported: the pack's layout)
    ANNEX_NOTEBOOK,
    MAIN_NOTEBOOK,
    analyst_notebooks,
    find_previous,
    slugify,
    write_analyst_index,
    write_tables,
)
from evaluation.publish.notebooks import KERNEL, execute_all  # noqa: F401  (KERNEL re-exported)
from evaluation.publish.reuse import BUILD_KEYS, job_key, reuse_unchanged

#: Files copied into ``<report>/data/``: the snapshot the next evaluation compares against.
SNAPSHOT_FILES = (
    "agreements.parquet",
    "scope_items.parquet",
    "activities.parquet",
    "data_quality.csv",
    "manifest.json",
)


@dataclass(frozen=True)
class NotebookJob:
    """One notebook to execute and render."""

    notebook: Path
    executed: Path
    html: Path
    pdf: Path | None
    parameters: dict
    title: str
    label: str


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
    for name in (MAIN_NOTEBOOK, ANNEX_NOTEBOOK):  # the pack's notebooks agree with the model
        if (Path(notebooks_dir) / name).exists():
            check_notebook_parameters(Path(notebooks_dir) / name)

    raw_dir, processed_dir, out_dir = Path(raw_dir), Path(processed_dir), Path(out_dir)
    t0 = time.perf_counter()
    if is_up_to_date(raw_dir, processed_dir):
        echo(
            _t(
                "cli.report_ingest_fresh",
                lang,
                processed=processed_dir,
                raw=raw_dir,
                s=fmt_seconds(time.perf_counter() - t0, lang),
            )
        )
    else:
        echo(_t("cli.report_ingest", lang, raw=raw_dir))
        run_ingest(raw_dir, processed_dir, say=ingest_say(lambda m: echo("      " + m), lang))
        echo(_t("cli.report_ingest_done", lang, s=fmt_seconds(time.perf_counter() - t0, lang)))
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
        _build(
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
            notebooks_dir,
            workers,
            echo,
        )
        _swap_into_place(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
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


def _build(
    rp: ReportParams,
    raw_dir,
    processed_dir,
    out_dir,
    staging,
    final,
    prev,
    is_sample,
    pdf,
    per_category,
    notebooks_dir,
    workers,
    echo,
) -> None:
    from evaluation.analysis.pack import TablePack
    from evaluation.ingest import load_processed
    from evaluation.presentation import titles
    from evaluation.presentation.sheets import summary_sheets
    from evaluation.presentation.workbook import write_summary_xlsx
    from evaluation.vocab.loader import load_vocabulary

    vocab = load_vocabulary()
    as_of_s = rp.as_of.isoformat()
    # --- tables of record: computed once; the notebooks load them, never recompute --------
    t_tables = time.perf_counter()
    data = load_processed(processed_dir)
    snap = staging / "data"
    snap.mkdir()
    for name in SNAPSHOT_FILES:
        src = processed_dir / name
        if src.exists():
            shutil.copy2(src, snap / name)
    unit_pages: list[Path] = []  # the lists per responsible unit (HTML), printed with the PDFs
    # the main and per-category tables share the prepared data (compute_tables defines them)
    pack = TablePack(data, replace(rp, category=None), previous_dir=prev, is_sample=is_sample)
    printer = None  # the PdfPrinter, once started
    units_queued: list[Path] = []

    def queue_unit_pages() -> None:
        """Give the unit lists to the printer as soon as both exist: they print while the
        notebooks run, whenever no report is waiting."""
        if printer is not None and unit_pages and not units_queued:
            units_queued[:] = unit_pages
            for h in unit_pages:
                printer.submit(h, h.with_suffix(".pdf"), background=True)

    def main_tables() -> None:
        from evaluation.publish.units import UNIT_DIR, write_unit_pages

        tables = pack.tables(rp.category)
        write_tables(tables, staging / "tables")
        write_summary_xlsx(
            staging / "ringkasan.xlsx",
            summary_sheets(tables, rp),
            title=titles.title_text(rp, is_sample),
            lang=rp.lang,
        )
        unit_pages[:] = write_unit_pages(tables, rp, is_sample, staging / UNIT_DIR, pdf=pdf)
        queue_unit_pages()
        echo(
            _t(
                "cli.report_tables",
                rp.lang,
                n=len(tables),
                s=fmt_seconds(time.perf_counter() - t_tables, rp.lang),
            )
        )
        echo(_t("cli.report_units", rp.lang, n=len(unit_pages)))

    # --- notebooks ----------------------------------------------------------------------
    base_params = {
        **rp.to_notebook(),
        "tables_dir": str((staging / "tables").resolve()),
        "processed_dir": str(processed_dir.resolve()),
        "previous_dir": str(prev.resolve()) if prev else None,
    }
    suffix = "" if rp.lang == "id" else f"_{rp.lang}"
    stem = f"laporan_evaluasi_{as_of_s}{suffix}"

    def job(notebook: Path, out: Path, params: dict, title: str, label: str) -> NotebookJob:
        """A notebook executed to ``out``.ipynb and rendered to ``out``.html (and .pdf)."""
        return NotebookJob(
            notebook=notebook,
            executed=Path(f"{out}.ipynb"),
            html=Path(f"{out}.html"),
            pdf=Path(f"{out}.pdf") if pdf else None,
            parameters=params,
            title=title,
            label=label,
        )

    main = notebooks_dir / MAIN_NOTEBOOK
    jobs = [job(main, staging / stem, base_params, titles.title_text(rp, is_sample), MAIN_NOTEBOOK)]
    # The tables of record are written by the functions below. When a previous report may be
    # reused (its key hashes the tables) they all run before any notebook; otherwise this
    # process runs them while the kernels start and the first notebooks run (execute_all's
    # ``pending``): the main tables first, then one category after the other.
    reusable = (final / BUILD_KEYS).is_file()
    inputs: dict[str, Callable[[], None]] = {MAIN_NOTEBOOK: main_tables}
    category_tables: dict[str, Callable[[], None]] = {}
    t_cat = time.perf_counter()
    if per_category and rp.category is None:
        present = set(data["agreements"]["partner_category"].dropna().unique())
        (staging / "kategori").mkdir()
        for cat in vocab.partner_categories.labels:
            if cat not in present:
                continue
            s = slugify(vocab.partner_categories.term(cat).short or cat)
            cat_rp = replace(rp, category=cat)
            cat_tables = staging / "tables" / "kategori" / s

            def make_tables(cat_rp=cat_rp, cat_tables=cat_tables) -> None:
                write_tables(  # Parquet only: the CSVs and ringkasan.xlsx are the main report's
                    pack.tables(cat_rp.category),
                    cat_tables,
                    csv=False,
                )

            label = f"{MAIN_NOTEBOOK} [{cat}]"
            category_tables[label] = make_tables
            jobs.append(
                job(
                    main,
                    staging / "kategori" / f"{stem}_{s}",
                    {**base_params, "category": cat, "tables_dir": str(cat_tables.resolve())},
                    titles.title_text(cat_rp, is_sample),
                    label,
                )
            )
        annex = notebooks_dir / ANNEX_NOTEBOOK
        if annex.exists():
            jobs.append(
                job(
                    annex,
                    staging / f"lampiran_mitra_{as_of_s}{suffix}",
                    base_params,
                    titles.annex_title_text(rp, is_sample),
                    ANNEX_NOTEBOOK,
                )
            )
    # analysts' own notebooks: every other notebook with a parameters cell, same parameters
    own = analyst_notebooks(notebooks_dir)
    if own:
        (staging / "analis").mkdir()
    for nb in own:
        jobs.append(
            job(
                nb,
                staging / "analis" / f"{nb.stem}_{as_of_s}{suffix}",
                base_params,
                f"{nb.stem} — {titles.title_text(rp, is_sample)}",
                nb.name,
            )
        )
    analyst_labels = {nb.name for nb in own}
    for j in jobs:
        if not j.notebook.exists():
            raise EvaluationError(
                f"Notebook {j.notebook} not found.",
                code="notebook_missing",
                fields={"path": j.notebook},
            )
    # reports whose notebook, tables and parameters are unchanged are taken from the last run
    # the main report first (the longest), then the other reports of the main tables, then
    # those of the category tables
    jobs.sort(key=lambda j: j.label in category_tables)
    if reusable:
        main_tables()
        for make_tables in category_tables.values():
            make_tables()
        if category_tables:
            echo(
                _t(
                    "cli.report_tables_category",
                    rp.lang,
                    n=len(category_tables),
                    s=fmt_seconds(time.perf_counter() - t_cat, rp.lang),
                )
            )
        inputs, category_tables = {}, {}
    else:
        inputs.update(category_tables)
    keys = {j.label: job_key(j, staging) for j in jobs if not inputs}
    reused = reuse_unchanged(jobs, keys, final, staging) if reusable else {}
    todo = [j for j in jobs if j.label not in reused]
    n_workers = max(1, min(workers or (os.cpu_count() or 1), len(todo) or 1, 4))
    t0 = time.perf_counter()
    if reused:
        echo(_t("cli.report_reused", rp.lang, names=", ".join(sorted(reused))))

    def notebooks_line() -> None:
        echo(_t("cli.report_notebooks", rp.lang, n=len(todo), workers=n_workers))

    if inputs:
        echo(_t("cli.report_kernels_starting", rp.lang, n=n_workers))
    else:
        notebooks_line()
    cwd = str(notebooks_dir.resolve())
    # PDFs: one Chromium, started now, prints each report as soon as its HTML is rendered,
    # while the other notebooks still run
    t_print = time.perf_counter()
    if pdf and any(j.pdf is not None for j in todo):
        from evaluation.publish.pdf import default_concurrency
        from evaluation.publish.printer import PdfPrinter

        # a page per report at most: each page compiles plotly.js once; the lists are short,
        # and printed beside a report by a page of their own when a core is left over
        n_reports = sum(j.pdf is not None for j in todo)
        pages = min(default_concurrency(), n_reports)
        printer = PdfPrinter(
            titles.footer_text(rp, is_sample),
            lang=rp.lang,
            concurrency=pages,
            list_page=pages < default_concurrency(),
        )
        queue_unit_pages()
    by_label = {j.label: j for j in todo}

    def on_result(r: dict) -> None:
        _progress(r, echo, rp.lang)
        j = by_label.get(r["label"])
        if printer is not None and r["ok"] and j is not None and j.pdf is not None:
            printer.submit(j.html, j.pdf)

    t_cat_start = [t_cat]

    def write_inputs(label: str) -> None:
        """Write the tables of record the job ``label`` loads (if not written yet)."""
        if label == MAIN_NOTEBOOK:
            main_tables()
            notebooks_line()
            t_cat_start[0] = time.perf_counter()
        elif label in category_tables:
            category_tables[label]()
            if label == list(category_tables)[-1]:
                echo(
                    _t(
                        "cli.report_tables_category_overlap",
                        rp.lang,
                        n=len(category_tables),
                        s=fmt_seconds(time.perf_counter() - t_cat_start[0], rp.lang),
                    )
                )

    # todo[0] is the main report: its tables are written before any job starts
    pending = {i: (lambda lb=j.label: write_inputs(lb)) for i, j in enumerate(todo) if inputs}
    t0 = time.perf_counter()
    try:
        results = execute_all(todo, cwd, n_workers, on_result=on_result, pending=pending)
    except BaseException:
        if printer is not None:
            printer.abort()
        raise
    results += [{"ok": True, "label": lb, "executed": str(reused[lb])} for lb in reused]
    # an analyst's notebook that fails is reported (with its cell) and left out of the pack
    own_failed = [r for r in results if not r["ok"] and r["label"] in analyst_labels]
    for r in own_failed:
        cell = (
            _t("cli.report_cell", rp.lang, cell=r["cell"])
            if r.get("cell") is not None
            else _t("cli.report_a_cell", rp.lang)
        )
        echo(
            _t(
                "cli.report_own_failed",
                rp.lang,
                label=r["label"],
                cell=cell,
                error=r["error"][:300],
            )
        )
        for suffix_ in (".html", ".pdf"):
            Path(r["executed"]).with_suffix(suffix_).unlink(missing_ok=True)
    if own:
        write_analyst_index(staging / "analis", results, analyst_labels, lang=rp.lang)
    jobs = [j for j in jobs if j.label not in {r["label"] for r in own_failed}]
    failed = [r for r in results if not r["ok"] and r["label"] not in analyst_labels]
    if failed and printer is not None:
        printer.abort()
    if failed:
        r = failed[0]
        kept = None
        if Path(r["executed"]).exists():
            keep_dir = out_dir / "_gagal"
            keep_dir.mkdir(exist_ok=True)
            kept = keep_dir / Path(r["executed"]).name
            shutil.copy2(r["executed"], kept)
        cell = f"cell {r['cell']}" if r.get("cell") is not None else "a cell"
        where = f"; the failed notebook is kept at {kept}" if kept else ""
        prev_note = f" The previous report in {final} was left as it was." if final.exists() else ""
        raise NotebookError(
            f"Notebook {r['label']} failed in {cell}: {r['error']}{where}.{prev_note}",
            notebook=r["label"],
            cell=r.get("cell"),
            kept_at=str(kept) if kept else None,
            error=str(r["error"]),
            previous=str(final) if final.exists() else None,
        )
    echo(_t("cli.report_notebooks_done", rp.lang, s=fmt_seconds(time.perf_counter() - t0, rp.lang)))

    # --- PDFs: printed as the notebooks ended; wait for the last ones -------------------
    if printer is not None:
        t0 = time.perf_counter()
        n_pdf = len([j for j in todo if j.pdf is not None and j in jobs])
        queue_unit_pages()  # the unit lists: same Chromium, queued with the tables
        echo(_t("cli.report_pdf", rp.lang, n=n_pdf + len(unit_pages)))
        printer.close()
        echo(
            _t(
                "cli.report_pdf_done_after",
                rp.lang,
                s=fmt_seconds(time.perf_counter() - t_print, rp.lang),
                after=fmt_seconds(time.perf_counter() - t0, rp.lang),
            )
        )
    elif pdf and unit_pages:  # every report unchanged: only the unit lists to print
        echo(_t("cli.report_pdf", rp.lang, n=len(unit_pages)))
        t0 = time.perf_counter()
        from evaluation.publish.pdf import print_pdfs

        print_pdfs(
            [(h, h.with_suffix(".pdf")) for h in unit_pages],
            footer_label=titles.footer_text(rp, is_sample),
            lang=rp.lang,
        )
        echo(_t("cli.report_pdf_done", rp.lang, s=fmt_seconds(time.perf_counter() - t0, rp.lang)))
    elif pdf:
        echo(_t("cli.report_pdf_nothing", rp.lang))
    else:
        echo(_t("cli.report_pdf_skipped", rp.lang))
    run_info = {
        "version": config.package_version(),
        "parameters": rp.to_notebook(),
        "raw_dir": str(raw_dir),
        "previous": str(prev) if prev else None,
        "is_sample": is_sample,
        "python": sys.version.split()[0],
    }
    (staging / "run.json").write_text(
        json.dumps(run_info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for j in jobs:
        if j.label not in keys:  # tables of record written while the notebooks ran
            keys[j.label] = job_key(j, staging)
    built = {j.label: keys[j.label] for j in jobs if j.html.exists()}
    (staging / BUILD_KEYS).write_text(json.dumps(built, indent=2) + "\n", encoding="utf-8")


def _progress(r: dict, echo, lang: str = "id") -> None:
    if r["ok"]:
        echo(
            _t(
                "cli.report_progress",
                lang,
                label=r["label"],
                run=fmt_seconds(r["execute_s"], lang),
                html=fmt_seconds(r["html_s"], lang),
            )
        )
    else:
        echo(_t("cli.report_progress_failed", lang, label=r["label"], error=r["error"][:200]))


__all__ = ["run_report", "find_previous", "NotebookJob"]
