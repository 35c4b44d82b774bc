"""Executing the pack's notebooks: papermill's parameters, one kernel per worker, HTML.

Each notebook is parameterised exactly as papermill does (an ``injected-parameters`` cell
after the cell tagged ``parameters``) and executed by nbclient. A worker process starts one
Jupyter kernel and runs its share of the notebooks in it one after the other, resetting the
kernel's namespace (``InteractiveShell.reset``) before each: the kernel start and the imports
(pandas, plotly, the library) are paid once per worker instead of once per notebook. Every
executed notebook is written to its ``.ipynb`` and converted to HTML in the same worker.

A failing cell is reported with its number (``[N]``, as JupyterLab shows it) and the executed
notebook is written with the error, for diagnosis.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from evaluation.errors import EvaluationError

KERNEL = "python3"
#: Environment variable set for the kernels: plotly.js is added once to each HTML file when
#: it is rendered, so executed notebooks do not each carry a copy (see
#: :data:`evaluation.presentation.report.PLOTLYJS_ENV`).
PLOTLYJS_ENV = "EVALUATION_PLOTLYJS"
#: First cell of every execution (removed from the executed notebook): an empty namespace;
#: imported modules stay loaded. What survives is then frozen out of the garbage collector's
#: sight (``gc.freeze``): the collections while a notebook runs, and the one in the next
#: reset, look at the objects made since instead of the whole heap of pandas and plotly.
_RESET = "get_ipython().reset(new_session=True)\nimport gc as _gc\n_gc.freeze()\ndel _gc"
#: Run in a kernel that waits for its first notebook's inputs: the library the report
#: notebooks import (pandas, plotly, the tables' loader), loaded meanwhile.
WARM_UP = "import evaluation.presentation.notebook"


def _renumber(nb) -> None:
    """Cell numbers from [1], as in a fresh kernel (the kernel counted the earlier runs)."""
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code" and c.execution_count]
    if not counts:
        return
    shift = min(counts) - 1
    for cell in nb.cells:
        if cell.cell_type != "code" or not cell.execution_count:
            continue
        cell.execution_count -= shift
        for out in cell.get("outputs", []):
            if out.get("execution_count"):
                out["execution_count"] -= shift


def job_lang(job) -> str:
    """The language of the report ``job`` makes (its ``lang`` parameter), ``"id"`` if none."""
    lang = (getattr(job, "parameters", None) or {}).get("lang")
    return lang if lang in ("id", "en") else "id"


def failure(
    job,
    error: str,
    cell: int | None = None,
    cell_index: int | None = None,
    *,
    code: str | None = None,
    fields: dict | None = None,
) -> dict:
    """The worker's report of a failed job (plain data: it crosses a process boundary).

    ``error`` is the English text; with ``code`` the reported ``error`` is message
    ``error.<code>`` filled from ``fields``, in the language of the job's report (a cell's
    own exception, ``ZeroDivisionError: …``, is reported as the kernel gave it).
    """
    lang = job_lang(job)
    if code:
        from evaluation.presentation.remarks import coded_error_text

        error = coded_error_text(code, fields, lang) or error
    return {
        "ok": False,
        "label": job.label,
        "cell": cell,
        "cell_index": cell_index,
        "error": error,
        "code": code,
        "lang": lang,
        "executed": str(job.executed),
    }


def _detail(exc: BaseException) -> str:
    """``Type: first line of the message`` of an exception."""
    from evaluation.errors import first_line

    text = first_line(exc)
    return f"{type(exc).__name__}: {text}" if text and text != type(exc).__name__ else text


class Kernel:
    """One quiet kernel (its start-up chatter does not reach our console), restartable.

    :meth:`start_soon` starts it (and :meth:`warm` s it) in a thread of its own, for a kernel
    started while this process still checks its inputs; :meth:`start` then waits for that.
    """

    def __init__(self, cwd: str):
        from jupyter_client.manager import AsyncKernelManager

        self.km = AsyncKernelManager(kernel_name=KERNEL)
        self.cwd = cwd
        self._starting: threading.Thread | None = None
        self._start_error: BaseException | None = None
        self._warmed = False

    def start_soon(self) -> None:
        """Start and warm the kernel in a background thread; :meth:`start` waits for it."""

        def start_and_warm() -> None:
            try:
                self._launch()
                self.warm()
            except BaseException as exc:  # noqa: BLE001 - raised by start()
                self._start_error = exc

        self._starting = threading.Thread(target=start_and_warm, name="kernel-start", daemon=True)
        self._starting.start()

    def start(self) -> None:
        """Start the kernel, or wait for the start :meth:`start_soon` began (its error)."""
        if self._starting is not None:
            self._starting.join()
            self._starting = None
            if self._start_error is not None:
                raise self._start_error
            return
        self._launch()

    def _launch(self) -> None:
        from jupyter_core.utils import run_sync

        env = {**os.environ, PLOTLYJS_ENV: "external"}  # plotly.js added to the HTML once
        run_sync(self.km.start_kernel)(cwd=self.cwd, stderr=subprocess.DEVNULL, env=env)

    def warm(self) -> None:
        """Import what the report notebooks import (:data:`WARM_UP`), so that the kernel's
        first notebook does not pay for it; a failure is left to that notebook to report.
        Done once (a kernel :meth:`start_soon` warmed is not warmed again)."""
        if self._warmed:
            return
        self._warmed = True
        import nbformat
        from nbclient import NotebookClient

        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(WARM_UP)])
        client = NotebookClient(
            nb, km=self.km, timeout=None, resources={"metadata": {"path": self.cwd}}
        )
        try:
            client.execute()
        except Exception:  # noqa: BLE001 - the notebook that needs it reports it
            pass
        finally:
            if client.kc is not None:
                client.kc.stop_channels()

    def stop(self) -> None:
        from jupyter_core.utils import run_sync

        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - already gone
            pass


def _run(kernel: Kernel, job) -> dict:
    """Execute one job in ``kernel``; write its ``.ipynb`` and HTML; the result record."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError
    from papermill.execute import prepare_notebook_metadata
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from evaluation.publish.html import notebook_to_html

    t0 = time.perf_counter()
    try:
        nb = load_notebook_node(str(job.notebook))  # with papermill's cell metadata
        nb = prepare_notebook_metadata(nb, str(job.notebook), str(job.executed))
        nb = parameterize_notebook(nb, dict(job.parameters))
    except Exception as exc:  # noqa: BLE001 - unreadable notebook
        return failure(
            job,
            f"{type(exc).__name__}: {exc}",
            code="notebook_unreadable",
            fields={"detail": _detail(exc)},
        )
    nb.cells.insert(0, nbformat.v4.new_code_cell(_RESET, metadata={"tags": []}))
    client = NotebookClient(
        nb, km=kernel.km, timeout=None, resources={"metadata": {"path": kernel.cwd}}
    )
    error = None
    try:
        client.execute()
    except CellExecutionError as exc:
        error = exc
    except DeadKernelError as exc:
        kernel.stop()
        kernel.start()
        return failure(
            job,
            f"DeadKernelError: {exc}",
            code="notebook_kernel_died",
            fields={"detail": _detail(exc)},
        )
    except Exception as exc:  # noqa: BLE001 - kernel trouble
        return failure(
            job,
            f"{type(exc).__name__}: {exc}",
            code="notebook_kernel_trouble",
            fields={"detail": _detail(exc)},
        )
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
    del nb.cells[0]  # the reset cell
    _renumber(nb)
    Path(job.executed).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, job.executed)
    if error is not None:
        for i, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
                if out.get("output_type") == "error":
                    msg = f"{out.get('ename')}: {out.get('evalue')}"
                    return failure(job, msg, cell.get("execution_count"), i)
        return failure(job, f"{error.ename}: {error.evalue}")
    t1 = time.perf_counter()
    try:
        notebook_to_html(job.executed, job.html, title=job.title)
    except EvaluationError as exc:
        from evaluation.presentation.remarks import error_text

        return failure(
            job,
            f"HTML: {exc}",
            code="notebook_html",
            fields={"detail": error_text(exc, job_lang(job))},
        )
    return {
        "ok": True,
        "label": job.label,
        "lang": job_lang(job),
        "executed": str(job.executed),
        "execute_s": t1 - t0,
        "html_s": time.perf_counter() - t1,
    }


def _worker(
    jobs: list, cwd: str, queue, ready: dict | None = None, abort=None, kernel=None
) -> None:
    """Process: one kernel, the jobs in order, each result put on ``queue`` as it ends.

    A job whose index is in ``ready`` starts only once that event is set (its inputs are
    being written); if ``abort`` is set by then, it is reported as not run. ``kernel``: a
    :class:`Kernel` already starting (:meth:`Kernel.start_soon`), used instead of a new one."""
    kernel = kernel or Kernel(cwd)
    try:
        kernel.start()
        if ready and jobs and jobs[0][0] in ready:  # the first job waits for its inputs
            kernel.warm()
        for index, job in jobs:
            if ready and index in ready:
                ready[index].wait()
                if abort is not None and abort.is_set():
                    queue.put(
                        (
                            index,
                            failure(
                                job,
                                "not run: its tables of record failed",
                                code="notebook_not_run",
                            ),
                        )
                    )
                    continue
            try:
                queue.put((index, _run(kernel, job)))
            except BaseException as exc:  # noqa: BLE001 - always report the job
                queue.put(
                    (
                        index,
                        failure(
                            job,
                            f"{type(exc).__name__}: {exc}",
                            code="notebook_worker_error",
                            fields={"detail": _detail(exc)},
                        ),
                    )
                )
    except BaseException as exc:  # noqa: BLE001 - kernel would not start
        for index, job in jobs:
            queue.put(
                (
                    index,
                    failure(
                        job,
                        f"kernel: {type(exc).__name__}: {exc}",
                        code="notebook_kernel_start",
                        fields={"detail": _detail(exc)},
                    ),
                )
            )
    finally:
        kernel.stop()


def execute_all(
    jobs: list,
    cwd: str,
    workers: int,
    on_result: Callable[[dict], None] = lambda r: None,
    pending: dict[int, Callable[[], None]] | None = None,
    then: dict[int, Callable[[], None]] | None = None,
    kernel: Kernel | None = None,
) -> list[dict]:
    """Execute ``jobs`` on ``workers`` kernels; results in job order.

    The jobs are dealt round-robin in the given order (put the longest first). The first
    share runs in a thread of this process (which has the library imported already and would
    otherwise only wait); the others in spawned processes, one kernel each. ``on_result`` is
    called in this thread as each job ends.

    ``pending`` maps the index of a job whose inputs are not written yet to the function that
    writes them: this thread calls them in index order once the workers have started (so
    the kernels start and the first notebooks run meanwhile), and each such job starts when
    its function has returned. ``then`` maps such an index to a function called right after
    that job was let start: work the job does not need, done while it runs. If one of them
    raises, the jobs still waiting are not run and the exception is raised once the workers
    have ended.

    ``kernel``: a :class:`Kernel` already starting (:meth:`Kernel.start_soon`), for the
    first share; it is stopped when its jobs have run, as a kernel of its own would be.
    """
    import queue as queue_mod
    import threading

    pending = dict(pending or {})
    shares: list[list] = [[] for _ in range(max(1, min(workers, len(jobs))))]
    for i, job in enumerate(jobs):
        shares[i % len(shares)].append((i, job))
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    ready = {i: ctx.Event() for i in pending}
    abort = ctx.Event()
    procs = [
        ctx.Process(target=_worker, args=(share, cwd, queue, ready, abort)) for share in shares[1:]
    ]
    for p in procs:
        p.start()
    here = threading.Thread(
        target=_worker, args=(shares[0], cwd, queue, ready, abort, kernel), daemon=True
    )
    here.start()
    results: dict[int, dict] = {}

    def take(timeout: float | None) -> bool:
        """Record one result if one comes within ``timeout`` (None: don't wait)."""
        try:
            if timeout is None:
                index, result = queue.get_nowait()
            else:
                index, result = queue.get(timeout=timeout)
        except queue_mod.Empty:
            return False
        results[index] = result
        on_result(result)
        return True

    error: BaseException | None = None
    try:
        then = dict(then or {})
        for i in sorted(pending):
            try:
                pending[i]()
                ready[i].set()
                if i in then:
                    then[i]()
            except BaseException as exc:  # noqa: BLE001 - raised once the workers ended
                error = exc
                abort.set()
                for event in ready.values():
                    event.set()
                break
            while take(None):  # report (and print) what has ended meanwhile
                pass
        while len(results) < len(jobs):
            if not take(5):  # check the workers are alive
                alive = here.is_alive() or any(p.is_alive() for p in procs)
                if not alive and queue.empty():
                    break
    finally:
        abort.set()
        for event in ready.values():
            event.set()
        here.join(timeout=60)
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.terminate()
    if error is not None:
        raise error
    for i, job in enumerate(jobs):
        if i not in results:
            results[i] = failure(job, "the worker ended unexpectedly", code="notebook_worker_ended")
            on_result(results[i])
    return [results[i] for i in range(len(jobs))]


__all__ = ["KERNEL", "PLOTLYJS_ENV", "Kernel", "execute_all", "failure", "job_lang"]
