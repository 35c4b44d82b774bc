"""One pack built into its staging folder: tables of record, notebooks, HTML, PDFs.

:func:`evaluation.publish.run.run_report` checks the parameters, ingests when the inputs
changed and swaps the staging folder into place; :class:`PackBuild` fills that folder, in
the order the pack flows:

1. **tables of record** (:meth:`PackBuild.main_tables`, one writer per partner category):
   computed once (:class:`evaluation.analysis.pack.TablePack`), written as Parquet + CSV;
   ``ringkasan.xlsx`` and the lists per responsible unit (:meth:`PackBuild.people_files`)
   are written while the main notebook runs, since no notebook reads them;
2. **jobs** (:meth:`PackBuild.jobs`): the main report, one per category, the partner annex
   and the analysts' own notebooks; those unchanged since the last report are reused;
3. **notebooks** (:meth:`PackBuild.execute`): executed by papermill on a few kernels while
   this process writes the tables they wait for; an analyst's notebook that fails is
   reported and left out, any other failure stops the build;
4. **PDFs** (:meth:`PackBuild.finish_pdfs`): each report printed as soon as its HTML is
   rendered, the unit lists whenever no report waits;
5. ``run.json`` and the build keys the next run reuses reports by.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from evaluation import config
from evaluation.errors import EvaluationError, NotebookError
from evaluation.params import ReportParams
from evaluation.presentation.messages import fmt_seconds
from evaluation.presentation.messages import message as _t
from evaluation.publish.folders import (
    ANNEX_NOTEBOOK,
    MAIN_NOTEBOOK,
    analyst_notebooks,
    slugify,
    write_analyst_index,
    write_tables,
)
from evaluation.publish.head_start import HeadStart, print_pages
from evaluation.publish.notebooks import execute_all
from evaluation.publish.reuse import BUILD_KEYS, job_key, reuse_unchanged

__all__ = ["SNAPSHOT_FILES", "NotebookJob", "PackBuild", "Plan"]

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


class Plan(NamedTuple):
    """What :meth:`PackBuild.plan` decided."""

    todo: list  #: the jobs to run
    keys: dict  #: build keys known so far, by label
    reused: dict  #: executed notebooks taken from the last report, by label
    inputs: dict  #: table writers still to run while the notebooks do, by label
    category_tables: dict  #: of those, the category tables' writers


@dataclass
class PackBuild:
    """The build of one pack into ``staging`` (see the module's notes); :meth:`run` does it.

    Parameters
    ----------
    rp
        Report parameters, ``as_of`` resolved; ``rp.category`` None for the whole pack.
    raw_dir, processed_dir, out_dir
        As :func:`evaluation.publish.run.run_report`.
    staging, final
        The folder being built (``tables/`` made) and the one it will replace.
    prev
        The earlier report compared with, or None.
    is_sample, pdf, per_category, notebooks_dir, workers, echo
        As :func:`evaluation.publish.run.run_report` (``is_sample`` from the manifest).
    head
        The first kernel and the printer, already starting (:mod:`evaluation.publish.
        head_start`); None: started by the build.
    """

    rp: ReportParams
    raw_dir: Path
    processed_dir: Path
    out_dir: Path
    staging: Path
    final: Path
    prev: Path | None
    is_sample: bool
    pdf: bool
    per_category: bool
    notebooks_dir: Path
    workers: int | None
    echo: Callable[[str], None]
    #: The kernel and the printer started while the run checked its inputs, or None.
    head: HeadStart | None = None
    #: The lists per responsible unit (HTML), printed with the PDFs.
    unit_pages: list[Path] = field(default_factory=list, init=False)
    #: The :class:`~evaluation.publish.printer.PdfPrinter`, once started.
    printer: object = field(default=None, init=False)
    _units_queued: bool = field(default=False, init=False)
    #: The processed data and its tables of record (set by :meth:`run`).
    data: dict = field(default_factory=dict, init=False)
    pack: object = field(default=None, init=False)
    _main: dict = field(default_factory=dict, init=False)  # the main report's tables
    #: When the tables, the category tables, the printer and the notebooks started.
    t_tables: float = field(default=0.0, init=False)
    t_cat: float = field(default=0.0, init=False)
    t_print: float = field(default=0.0, init=False)
    t_notebooks: float = field(default=0.0, init=False)

    # ------------------------------------------------------------------------- the build
    def run(self) -> None:
        """Build the pack into ``staging``; raises as :func:`~evaluation.publish.run.run_report`."""
        from evaluation.analysis.pack import TablePack
        from evaluation.ingest import load_processed

        self.t_tables = time.perf_counter()
        self.data = load_processed(self.processed_dir)
        snap = self.staging / "data"
        snap.mkdir()
        for name in SNAPSHOT_FILES:
            src = self.processed_dir / name
            if src.exists():
                shutil.copy2(src, snap / name)
        # the main and per-category tables share the prepared data (compute_tables defines them)
        self.pack = TablePack(
            self.data,
            replace(self.rp, category=None),
            previous_dir=self.prev,
            is_sample=self.is_sample,
        )
        jobs, category_tables, own = self.jobs()
        plan = self.plan(jobs, category_tables)
        results = self.execute(plan)
        jobs = self.settle(jobs, results, {nb.name for nb in own}, bool(own))
        self.finish_pdfs(plan.todo, jobs)
        self.write_records(jobs, plan.keys)

    # ---------------------------------------------------------- 1. the tables of record
    def main_tables(self) -> None:
        """Write the main report's tables of record (Parquet + CSV): what its notebook loads."""
        self._main = self.pack.tables(self.rp.category)
        write_tables(self._main, self.staging / "tables")

    def people_files(self) -> None:
        """Write ``ringkasan.xlsx`` and the unit lists from the main tables (no notebook
        reads them, so they are written while the main notebook runs) and queue the lists
        for printing."""
        from evaluation.presentation import titles
        from evaluation.presentation.sheets import summary_sheets
        from evaluation.presentation.workbook import write_summary_xlsx
        from evaluation.publish.units import UNIT_DIR, write_unit_pages

        rp, staging, tables = self.rp, self.staging, self._main
        write_summary_xlsx(
            staging / "ringkasan.xlsx",
            summary_sheets(tables, rp),
            title=titles.title_text(rp, self.is_sample),
            lang=rp.lang,
        )
        self.unit_pages[:] = write_unit_pages(
            tables, rp, self.is_sample, staging / UNIT_DIR, pdf=self.pdf
        )
        self.queue_unit_pages()
        self.echo(
            _t(
                "cli.report_tables",
                rp.lang,
                n=len(tables),
                s=fmt_seconds(time.perf_counter() - self.t_tables, rp.lang),
            )
        )
        self.echo(_t("cli.report_units", rp.lang, n=len(self.unit_pages)))

    def category_writer(self, category: str, folder: Path) -> Callable[[], None]:
        """The function that writes one category's tables (Parquet only: the CSVs and
        ``ringkasan.xlsx`` are the main report's)."""

        def write() -> None:
            write_tables(self.pack.tables(category), folder, csv=False)

        return write

    def queue_unit_pages(self) -> None:
        """Give the unit lists to the printer as soon as both exist: they print while the
        notebooks run, whenever no report is waiting."""
        if self.printer is not None and self.unit_pages and not self._units_queued:
            self._units_queued = True
            for h in self.unit_pages:
                self.printer.submit(h, h.with_suffix(".pdf"), background=True)

    # ------------------------------------------------------------------------- 2. the jobs
    def _job(self, notebook: Path, out: Path, params: dict, title: str, label: str) -> NotebookJob:
        """A notebook executed to ``out``.ipynb and rendered to ``out``.html (and .pdf)."""
        return NotebookJob(
            notebook=notebook,
            executed=Path(f"{out}.ipynb"),
            html=Path(f"{out}.html"),
            pdf=Path(f"{out}.pdf") if self.pdf else None,
            parameters=params,
            title=title,
            label=label,
        )

    def jobs(self) -> tuple[list[NotebookJob], dict[str, Callable[[], None]], list[Path]]:
        """Every report of the pack, the main one first; the category tables' writers by
        job label; the analysts' notebooks."""
        from evaluation.presentation import titles
        from evaluation.vocab.loader import load_vocabulary

        rp, staging, is_sample = self.rp, self.staging, self.is_sample
        as_of_s = rp.as_of.isoformat()
        base_params = {
            **rp.to_notebook(),
            "tables_dir": str((staging / "tables").resolve()),
            "processed_dir": str(self.processed_dir.resolve()),
            "previous_dir": str(self.prev.resolve()) if self.prev else None,
        }
        suffix = "" if rp.lang == "id" else f"_{rp.lang}"
        stem = f"laporan_evaluasi_{as_of_s}{suffix}"
        main = self.notebooks_dir / MAIN_NOTEBOOK
        jobs = [
            self._job(
                main, staging / stem, base_params, titles.title_text(rp, is_sample), MAIN_NOTEBOOK
            )
        ]
        category_tables: dict[str, Callable[[], None]] = {}
        if self.per_category and rp.category is None:
            vocab = load_vocabulary()
            present = set(self.data["agreements"]["partner_category"].dropna().unique())
            (staging / "kategori").mkdir()
            for cat in vocab.partner_categories.labels:
                if cat not in present:
                    continue
                s = slugify(vocab.partner_categories.term(cat).short or cat)
                cat_tables = staging / "tables" / "kategori" / s
                label = f"{MAIN_NOTEBOOK} [{cat}]"
                category_tables[label] = self.category_writer(cat, cat_tables)
                jobs.append(
                    self._job(
                        main,
                        staging / "kategori" / f"{stem}_{s}",
                        {**base_params, "category": cat, "tables_dir": str(cat_tables.resolve())},
                        titles.title_text(replace(rp, category=cat), is_sample),
                        label,
                    )
                )
            annex = self.notebooks_dir / ANNEX_NOTEBOOK
            if annex.exists():
                jobs.append(
                    self._job(
                        annex,
                        staging / f"lampiran_mitra_{as_of_s}{suffix}",
                        base_params,
                        titles.annex_title_text(rp, is_sample),
                        ANNEX_NOTEBOOK,
                    )
                )
        # analysts' own notebooks: every other notebook with a parameters cell, same parameters
        own = analyst_notebooks(self.notebooks_dir)
        if own:
            (staging / "analis").mkdir()
        for nb in own:
            jobs.append(
                self._job(
                    nb,
                    staging / "analis" / f"{nb.stem}_{as_of_s}{suffix}",
                    base_params,
                    f"{nb.stem} — {titles.title_text(rp, is_sample)}",
                    nb.name,
                )
            )
        for j in jobs:
            if not j.notebook.exists():
                raise EvaluationError(
                    f"Notebook {j.notebook} not found.",
                    code="notebook_missing",
                    fields={"path": j.notebook},
                )
        # the main report first (the longest), then the other reports of the main tables,
        # then those of the category tables
        jobs.sort(key=lambda j: j.label in category_tables)
        return jobs, category_tables, own

    def plan(self, jobs: list[NotebookJob], category_tables: dict[str, Callable[[], None]]) -> Plan:
        """Which jobs run, and which tables are written while they do.

        The tables of record are written by :meth:`main_tables` and the category writers.
        When a previous report may be reused (its key hashes the tables) they all run before
        any notebook, and the reports whose notebook, tables and parameters are unchanged
        are taken from it; otherwise this process runs them while the kernels start and the
        first notebooks run (:func:`~evaluation.publish.notebooks.execute_all`'s
        ``pending``): the main tables first, then one category after the other.

        Returns
        -------
        Plan
            The table writers still to run are empty when all were written.
        """
        rp = self.rp
        reusable = (self.final / BUILD_KEYS).is_file()
        inputs: dict[str, Callable[[], None]] = {MAIN_NOTEBOOK: self.main_tables}
        self.t_cat = time.perf_counter()
        if reusable:
            self.main_tables()
            self.people_files()
            for write in category_tables.values():
                write()
            if category_tables:
                self.echo(
                    _t(
                        "cli.report_tables_category",
                        rp.lang,
                        n=len(category_tables),
                        s=fmt_seconds(time.perf_counter() - self.t_cat, rp.lang),
                    )
                )
            inputs, category_tables = {}, {}
        else:
            inputs.update(category_tables)
        keys = {j.label: job_key(j, self.staging) for j in jobs if not inputs}
        reused = reuse_unchanged(jobs, keys, self.final, self.staging) if reusable else {}
        todo = [j for j in jobs if j.label not in reused]
        return Plan(todo, keys, reused, inputs, category_tables)

    # -------------------------------------------------------------------- 3. the notebooks
    def start_printer(self, todo: list[NotebookJob]) -> None:
        """One Chromium, started now, prints each report as soon as its HTML is rendered,
        while the other notebooks still run."""
        self.printer = self._printer(sum(j.pdf is not None for j in todo))
        self.queue_unit_pages()

    def _printer(self, reports: int):
        """The head start's printer, else a new one for ``reports`` reports."""
        from evaluation.presentation import titles
        from evaluation.publish.printer import PdfPrinter

        footer = titles.footer_text(self.rp, self.is_sample)
        printer = self.head.take_printer(footer) if self.head is not None else None
        if printer is None:
            pages, list_page = print_pages(reports)
            printer = PdfPrinter(footer, lang=self.rp.lang, concurrency=pages, list_page=list_page)
        return printer

    def execute(self, plan: Plan) -> list[dict]:
        """Execute the plan's jobs (writing its tables as they are needed) and print each
        report as it is rendered; the results of every job, the reused ones included."""
        lang = self.rp.lang
        todo, _keys, reused, inputs, category_tables = plan
        n_workers = max(1, min(self.workers or (os.cpu_count() or 1), len(todo) or 1, 4))
        if reused:
            self.echo(_t("cli.report_reused", lang, names=", ".join(sorted(reused))))

        def notebooks_line() -> None:
            self.echo(_t("cli.report_notebooks", lang, n=len(todo), workers=n_workers))

        if inputs:
            self.echo(_t("cli.report_kernels_starting", lang, n=n_workers))
        else:
            notebooks_line()
        self.t_print = time.perf_counter()
        if self.pdf and any(j.pdf is not None for j in todo):
            self.start_printer(todo)
        by_label = {j.label: j for j in todo}

        def on_result(r: dict) -> None:
            _progress(r, self.echo, lang)
            j = by_label.get(r["label"])
            if self.printer is not None and r["ok"] and j is not None and j.pdf is not None:
                self.printer.submit(j.html, j.pdf)

        def write_inputs(label: str) -> None:
            """Write the tables of record the job ``label`` loads (if not written yet)."""
            if label == MAIN_NOTEBOOK:
                self.main_tables()
            elif label in category_tables:
                category_tables[label]()
                if label == list(category_tables)[-1]:
                    self.echo(
                        _t(
                            "cli.report_tables_category_overlap",
                            lang,
                            n=len(category_tables),
                            s=fmt_seconds(time.perf_counter() - self.t_cat, lang),
                        )
                    )

        def while_main_runs() -> None:
            """The workbook and the unit lists, once the main notebook has its tables."""
            self.people_files()
            notebooks_line()
            self.t_cat = time.perf_counter()  # the category tables start now

        # todo[0] is the main report: its tables are written before any job starts, the
        # workbook and the unit lists while it runs, then the category tables
        pending = {i: (lambda lb=j.label: write_inputs(lb)) for i, j in enumerate(todo) if inputs}
        then = {0: while_main_runs} if inputs else {}
        self.t_notebooks = time.perf_counter()
        cwd = str(self.notebooks_dir.resolve())
        try:
            kernel = self.head.take_kernel() if self.head is not None else None
            results = execute_all(
                todo,
                cwd,
                n_workers,
                on_result=on_result,
                pending=pending,
                then=then,
                kernel=kernel,
            )
        except BaseException:
            if self.printer is not None:
                self.printer.abort()
            raise
        return results + [{"ok": True, "label": lb, "executed": str(reused[lb])} for lb in reused]

    def settle(self, jobs, results, analyst_labels: set[str], has_own: bool) -> list[NotebookJob]:
        """Report the analysts' notebooks that failed (with their cell) and leave them out;
        raise :class:`NotebookError` for any other failure. The jobs left in the pack."""
        lang = self.rp.lang
        own_failed = [r for r in results if not r["ok"] and r["label"] in analyst_labels]
        for r in own_failed:
            cell = (
                _t("cli.report_cell", lang, cell=r["cell"])
                if r.get("cell") is not None
                else _t("cli.report_a_cell", lang)
            )
            self.echo(
                _t(
                    "cli.report_own_failed",
                    lang,
                    label=r["label"],
                    cell=cell,
                    error=r["error"][:300],
                )
            )
            for suffix in (".html", ".pdf"):
                Path(r["executed"]).with_suffix(suffix).unlink(missing_ok=True)
        if has_own:
            write_analyst_index(self.staging / "analis", results, analyst_labels, lang=lang)
        jobs = [j for j in jobs if j.label not in {r["label"] for r in own_failed}]
        failed = [r for r in results if not r["ok"] and r["label"] not in analyst_labels]
        if failed and self.printer is not None:
            self.printer.abort()
        if failed:
            raise self._failure(failed[0])
        self.echo(
            _t(
                "cli.report_notebooks_done",
                lang,
                s=fmt_seconds(time.perf_counter() - self.t_notebooks, lang),
            )
        )
        return jobs

    def _failure(self, r: dict) -> NotebookError:
        """The error for the failed notebook ``r``, kept in ``<out>/_gagal/`` for diagnosis."""
        kept = None
        if Path(r["executed"]).exists():
            keep_dir = self.out_dir / "_gagal"
            keep_dir.mkdir(exist_ok=True)
            kept = keep_dir / Path(r["executed"]).name
            shutil.copy2(r["executed"], kept)
        final = self.final
        cell = f"cell {r['cell']}" if r.get("cell") is not None else "a cell"
        where = f"; the failed notebook is kept at {kept}" if kept else ""
        prev_note = f" The previous report in {final} was left as it was." if final.exists() else ""
        return NotebookError(
            f"Notebook {r['label']} failed in {cell}: {r['error']}{where}.{prev_note}",
            notebook=r["label"],
            cell=r.get("cell"),
            kept_at=str(kept) if kept else None,
            error=str(r["error"]),
            previous=str(final) if final.exists() else None,
        )

    # ------------------------------------------------------------------------- 4. the PDFs
    def finish_pdfs(self, todo: list[NotebookJob], jobs: list[NotebookJob]) -> None:
        """Wait for the reports printed as the notebooks ended, and the unit lists."""
        lang = self.rp.lang
        if self.printer is not None:
            t0 = time.perf_counter()
            n_pdf = len([j for j in todo if j.pdf is not None and j in jobs])
            self.queue_unit_pages()  # the unit lists: same Chromium, queued with the tables
            self.echo(_t("cli.report_pdf", lang, n=n_pdf + len(self.unit_pages)))
            self.printer.close()
            self.echo(
                _t(
                    "cli.report_pdf_done_after",
                    lang,
                    s=fmt_seconds(time.perf_counter() - self.t_print, lang),
                    after=fmt_seconds(time.perf_counter() - t0, lang),
                )
            )
        elif self.pdf and self.unit_pages:  # every report unchanged: only the unit lists
            self.echo(_t("cli.report_pdf", lang, n=len(self.unit_pages)))
            t0 = time.perf_counter()
            with self._printer(0) as printer:
                for h in self.unit_pages:
                    printer.submit(h, h.with_suffix(".pdf"))
            self.echo(
                _t("cli.report_pdf_done", lang, s=fmt_seconds(time.perf_counter() - t0, lang))
            )
        elif self.pdf:
            self.echo(_t("cli.report_pdf_nothing", lang))
        else:
            self.echo(_t("cli.report_pdf_skipped", lang))

    # ------------------------------------------------------------------- 5. the records
    def write_records(self, jobs: list[NotebookJob], keys: dict[str, str]) -> None:
        """``run.json`` and the build keys of the reports in the pack (``notebooks.json``)."""
        run_info = {
            "version": config.package_version(),
            "parameters": self.rp.to_notebook(),
            "raw_dir": str(self.raw_dir),
            "previous": str(self.prev) if self.prev else None,
            "is_sample": self.is_sample,
            "python": sys.version.split()[0],
        }
        (self.staging / "run.json").write_text(
            json.dumps(run_info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        for j in jobs:
            if j.label not in keys:  # tables of record written while the notebooks ran
                keys[j.label] = job_key(j, self.staging)
        built = {j.label: keys[j.label] for j in jobs if j.html.exists()}
        (self.staging / BUILD_KEYS).write_text(json.dumps(built, indent=2) + "\n", encoding="utf-8")


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
