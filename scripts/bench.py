"""Benchmarks of ingestion and the report against their floors (``make bench``, issue #7).

Every figure is printed with a baseline measured in the same run and the ratio between them:

1. Ingestion (``ingest`` + ``write_processed``) of ``evaluation sample --scale N`` vs the
   floor, a bare python-calamine read of the same file (every sheet ``to_python()``): time and
   peak RSS, rows per second, time per 1,000 agreements (is growth linear?).
2. The main report (``per_category=False``, ``pdf=True``) vs the floor, the same toolchain
   (papermill, :func:`evaluation.publish.html.notebook_to_html`, :func:`evaluation.publish.pdf.print_pdfs`)
   on an empty parameterised notebook that only embeds plotly.js; broken down by step.
3. ``make report`` again with nothing changed, at the repository root (uses ``reports/``).
4. The whole meeting pack with ``workers=2`` vs ``workers=1``.
5. The pack at the largest scale: time, peak memory of the process tree, HTML/PDF sizes and
   the page count of the main PDF, each against the same pack at scale 1.
6. The whole pack on the bundled sample (main report, one per category, partner annex;
   HTML + PDF; default workers) against the 25 s target, the size of the executed notebooks
   kept in the pack, and the pack rebuilt after editing only the annex notebook (the other
   reports are reused, not executed again).

``make bench`` runs figures 2 and 6 (``BENCH_ARGS="--figures 1,2,3,4,5,6"`` for all).

Each measurement runs in a fresh subprocess of this script (``--child``), so peak memory is
that process's own (``os.wait4``); the memory of a whole process tree (kernels, pool workers,
Chromium) is sampled from ``/proc`` every 0.2 s as the sum of PSS, except in the runs timed
against a goal (figures 2 and 6), where the sampling itself took CPU from what it measured
(see :func:`measure`). Generated workbooks are
cached in ``bench-work/samples/x<N>/`` (regenerated when the generator changes); everything
else the benchmark writes goes to ``bench-work/`` too, except figure 3.

Usage::

    python scripts/bench.py                 # everything (10+ minutes)
    python scripts/bench.py --figures 2,6   # what make bench runs (about 2 minutes)
    python scripts/bench.py --quick         # N = 1 and 10, no large report
    python scripts/bench.py --figures 1 --scales 1,10,100 --repeat 5
    python scripts/bench.py --figures 1 --profile 30   # + cProfile of the largest ingestion
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench-work"
AS_OF = "2024-03-14"
#: Goals of issue #7 (ingestion) and issue 11 (main report vs its floor, whole pack).
INGEST_GOAL = 1.5
REPORT_GOAL = 1.2
PACK_GOAL_S = 25.0
RERUN_GOAL_S = 1.0
#: Seconds between two samples of the process tree's memory.
SAMPLE_INTERVAL = 0.2
SMALL_TIMEOUT = 900
BIG_TIMEOUT = 3600
_SAMPLE_SOURCES = (
    ROOT / "src" / "evaluation" / "authoring" / "sample.py",
    ROOT / "src" / "evaluation" / "vocab" / "vocabulary.toml",
    ROOT / "src" / "evaluation" / "vocab" / "wilayah.toml",
)


# =============================================================================== children
def _vmrss_kb() -> int:
    """Resident set size of this process now, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def child_ingest(spec: dict) -> dict:
    """Ingest ``spec['raw']`` into ``spec['out']``; times of ingest and write, row counts."""
    t = time.perf_counter()
    from evaluation.ingest import ingest, write_processed

    import_s = time.perf_counter() - t
    rss_import = _vmrss_kb()
    t0 = time.perf_counter()
    result = ingest(Path(spec["raw"]))
    t1 = time.perf_counter()
    write_processed(result, Path(spec["out"]))
    t2 = time.perf_counter()
    return {
        "import_s": import_s,
        "rss_import_kb": rss_import,
        "ingest_s": t1 - t0,
        "write_s": t2 - t1,
        "time_s": t2 - t0,
        "rows_read": int(result.summary["read"].sum()),
        "agreements": len(result.agreements),
        "scope_items": len(result.scope_items),
        "activities": len(result.activities),
        "quality_rows": len(result.quality),
    }


def child_calamine(spec: dict) -> dict:
    """The floor of ingestion: open the workbook and ``to_python()`` every sheet."""
    t = time.perf_counter()
    from python_calamine import CalamineWorkbook

    import_s = time.perf_counter() - t
    rss_import = _vmrss_kb()
    t0 = time.perf_counter()
    wb = CalamineWorkbook.from_path(spec["path"])
    rows = cells = 0
    for name in wb.sheet_names:
        data = wb.get_sheet_by_name(name).to_python()
        rows += len(data)
        cells += sum(len(r) for r in data)
    wb.close()
    return {
        "import_s": import_s,
        "rss_import_kb": rss_import,
        "time_s": time.perf_counter() - t0,
        "rows": rows,
        "cells": cells,
    }


def child_report(spec: dict) -> dict:
    """``run_report`` with the given options; the echo lines with their time stamps."""
    from evaluation.publish.run import run_report

    log: list[tuple[float, str]] = []
    t0 = time.perf_counter()

    def echo(msg: str) -> None:
        log.append((time.perf_counter() - t0, msg))

    final = run_report(
        raw_dir=Path(spec["raw"]),
        processed_dir=Path(spec["processed"]),
        out_dir=Path(spec["out"]),
        as_of=AS_OF,
        pdf=True,
        per_category=spec["per_category"],
        notebooks_dir=Path(spec.get("notebooks") or ROOT / "notebooks"),
        workers=spec.get("workers"),
        echo=echo,
    )
    return {"time_s": time.perf_counter() - t0, "log": log, "final": str(final)}


def child_floor(spec: dict) -> dict:
    """The floor of the report: papermill + HTML + PDF of an empty parameterised notebook."""
    t0 = time.perf_counter()
    import papermill as pm

    from evaluation.publish.html import notebook_to_html
    from evaluation.publish.pdf import print_pdfs

    out = Path(spec["out"])
    out.mkdir(parents=True, exist_ok=True)
    executed, html, pdf = out / "kosong.ipynb", out / "kosong.html", out / "kosong.pdf"
    t1 = time.perf_counter()
    pm.execute_notebook(
        spec["notebook"],
        str(executed),
        parameters={"processed_dir": spec["processed"], "as_of": AS_OF, "lang": "id"},
        kernel_name="python3",
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
        log_output=False,
    )
    t2 = time.perf_counter()
    notebook_to_html(executed, html, title="Laporan kosong")
    t3 = time.perf_counter()
    print_pdfs([(html, pdf)], footer_label="bench")
    t4 = time.perf_counter()
    return {
        "import_s": t1 - t0,
        "execute_s": t2 - t1,
        "html_s": t3 - t2,
        "pdf_s": t4 - t3,
        "time_s": t4 - t0,
        "html_bytes": html.stat().st_size,
        "pdf_bytes": pdf.stat().st_size,
    }


class _StopProfile(BaseException):
    """Raised by the timer to end a time-limited profile (not an Exception: never caught)."""


def child_profile(spec: dict) -> dict:
    """cProfile of ``ingest`` for at most ``spec['seconds']``; the top functions."""
    import cProfile
    import pstats

    from evaluation.ingest import ingest

    def stop(signum, frame):
        raise _StopProfile

    signal.signal(signal.SIGALRM, stop)
    prof = cProfile.Profile()
    complete = True
    t0 = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, float(spec["seconds"]))
    prof.enable()
    try:
        ingest(Path(spec["raw"]))
    except _StopProfile:
        complete = False
    finally:
        prof.disable()
        signal.setitimer(signal.ITIMER_REAL, 0)
    wall = time.perf_counter() - t0
    st = pstats.Stats(prof)
    total = st.total_tt
    entries = []
    for (file, line, name), (_cc, nc, tt, ct, _callers) in st.stats.items():
        where = f"{Path(file).name}:{line}" if line else file
        entries.append({"func": f"{name} ({where})", "calls": nc, "tottime": tt, "cumtime": ct})
    top = int(spec.get("top", 15))
    by_tt = sorted(entries, key=lambda e: e["tottime"], reverse=True)[:top]
    by_ct = sorted(
        (e for e in entries if "ingest.py" in e["func"] or "reader.py" in e["func"]),
        key=lambda e: e["cumtime"],
        reverse=True,
    )[:top]
    return {"wall_s": wall, "complete": complete, "total_s": total, "by_tottime": by_tt,
            "by_cumtime": by_ct}  # fmt: skip


CHILDREN = {
    "ingest": child_ingest,
    "calamine": child_calamine,
    "report": child_report,
    "floor": child_floor,
    "profile": child_profile,
}


def run_child(kind: str, spec_path: str, result_path: str) -> int:
    """Entry point of a measurement subprocess: run ``kind``, write its result as JSON."""
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    try:
        out = CHILDREN[kind](spec)
    except BaseException:  # noqa: BLE001 - reported to the parent, which prints it
        traceback.print_exc()
        return 1
    Path(result_path).write_text(json.dumps(out), encoding="utf-8")
    return 0


# ============================================================================ measurement
def _proc_children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = defaultdict(list)
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids[ppid].append(int(d))
    return kids


def _tree_memory_kb(root: int) -> tuple[int, int, int]:
    """(sum of PSS, sum of RSS, number of processes) of ``root`` and its descendants, KiB."""
    kids = _proc_children()
    todo, pids = [root], []
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(kids.get(pid, []))
    pss = rss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return pss, rss, len(pids)


@dataclass
class Measurement:
    """One subprocess run."""

    ok: bool
    wall_s: float  # process wall time, interpreter start and imports included
    maxrss_kb: int  # peak RSS of the largest single process of the tree (wait4)
    tree_pss_kb: int  # sampled peak of the summed PSS of the process tree
    tree_rss_kb: int
    tree_procs: int
    result: dict = field(default_factory=dict)
    log: Path | None = None
    error: str = ""  # last line of the log when the run failed


def measure(
    kind: str, spec: dict, label: str, timeout: float = SMALL_TIMEOUT, *, memory: bool = True
) -> Measurement:
    """Run one measurement in a fresh subprocess and collect time and memory.

    With ``memory``, the process tree's PSS is sampled every :data:`SAMPLE_INTERVAL`. Timed
    runs of the report turn it off: reading ``smaps_rollup`` of a tree with Chromium in it
    cost about 90 ms of CPU a sample (8 CPU s during one pack on 2 cores), which lengthened
    the pack it measured by about a fifth. The largest process's peak RSS (``wait4``) costs
    nothing and is always kept.
    """
    tmp = WORK / "tmp"
    logs = WORK / "logs"
    tmp.mkdir(parents=True, exist_ok=True)
    logs.mkdir(parents=True, exist_ok=True)
    spec_path, result_path = tmp / f"{label}.spec.json", tmp / f"{label}.result.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    result_path.unlink(missing_ok=True)
    log = logs / f"{label}.log"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind]
    cmd += [str(spec_path), str(result_path)]
    peak = [0, 0, 0]
    stop = threading.Event()
    with log.open("wb") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
        )

        def sample() -> None:
            while not stop.wait(SAMPLE_INTERVAL):
                pss, rss, n = _tree_memory_kb(proc.pid)
                peak[0], peak[1], peak[2] = max(peak[0], pss), max(peak[1], rss), max(peak[2], n)

        def kill() -> None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        sampler = threading.Thread(target=sample, daemon=True)
        if memory:
            sampler.start()
        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            kill()
            raise
        finally:
            timer.cancel()
            stop.set()
            if memory:
                sampler.join()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    ok = proc.returncode == 0 and result_path.exists()
    result = json.loads(result_path.read_text(encoding="utf-8")) if ok else {}
    error = ""
    if not ok:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        error = next((ln.strip() for ln in reversed(tail) if ln.strip()), f"exit {proc.returncode}")
        print(f"    !! {label} failed (exit {proc.returncode}); end of {log}:", flush=True)
        for line in tail:
            print(f"    !! {line}", flush=True)
    return Measurement(ok, wall, usage.ru_maxrss, *peak, result=result, log=log, error=error)


def median_of(runs: list[Measurement]) -> Measurement | None:
    """Field-by-field median of the successful runs (None if none succeeded)."""
    good = [r for r in runs if r.ok]
    if not good:
        return None
    result: dict = dict(good[0].result)
    for k, v in good[0].result.items():
        if isinstance(v, int | float) and not isinstance(v, bool):
            vals = [r.result[k] for r in good if isinstance(r.result.get(k), int | float)]
            result[k] = statistics.median(vals)
    if len(good) > 1:  # keep the step log of the run whose time is the median
        mid = sorted(good, key=lambda r: r.result.get("time_s", r.wall_s))[len(good) // 2]
        for k in ("log", "final"):
            if k in mid.result:
                result[k] = mid.result[k]
    return Measurement(
        True,
        statistics.median(r.wall_s for r in good),
        int(statistics.median(r.maxrss_kb for r in good)),
        int(statistics.median(r.tree_pss_kb for r in good)),
        int(statistics.median(r.tree_rss_kb for r in good)),
        max(r.tree_procs for r in good),
        result=result,
    )


# ================================================================================ helpers
def mib(kb: float) -> str:
    return f"{kb / 1024:,.0f} MiB"


def size(n: float) -> str:
    return f"{n / 1e6:,.2f} MB" if n >= 1e5 else f"{n / 1e3:,.1f} kB"


def secs(s: float) -> str:
    return f"{s:,.2f} s" if s < 100 else f"{s:,.0f} s"


@dataclass
class Row:
    """One line of the result table."""

    fig: str
    name: str
    value: str
    baseline: str
    ratio: str
    goal: str = ""
    status: str = ""


ROWS: list[Row] = []


def add(fig, name, value, baseline="—", ratio=None, goal="", status="") -> None:
    """Record a result row and print it at once."""
    r = f"{ratio:.2f}x" if isinstance(ratio, float) else (ratio or "—")
    row = Row(fig, name, value, baseline, r, goal, status)
    ROWS.append(row)
    extra = f"  [{goal}: {status}]" if goal else (f"  [{status}]" if status else "")
    print(f"  {fig:>2} {name:<50} {value:>10}  base {baseline:>10}  ratio {r:>7}{extra}")


def goal_status(ratio: float | None, limit: float, strict: bool = False) -> str:
    if ratio is None:
        return "not measured"
    met = ratio < limit if strict else ratio <= limit
    if met:
        return "met"
    return f"MISSED by {ratio / limit:.2f}x"


def _sha256_files(paths) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()


_SAMPLES: dict[int, Path] = {}


def ensure_sample(scale: int) -> Path:
    """Folder holding the cached ``sample --scale N`` workbook (generated when needed).

    The cache is checked once per run: a generator edited during the run does not change
    the workbook half-way through.
    """
    if scale in _SAMPLES:
        return _SAMPLES[scale]
    _SAMPLES[scale] = _ensure_sample(scale)
    return _SAMPLES[scale]


def _ensure_sample(scale: int) -> Path:
    from_dir = WORK / "samples" / f"x{scale}"
    key = _sha256_files(_SAMPLE_SOURCES)
    key_file = from_dir / ".key"
    books = list(from_dir.glob("*.xlsx")) if from_dir.is_dir() else []
    if len(books) == 1 and key_file.exists() and key_file.read_text().strip() == key:
        return from_dir
    shutil.rmtree(from_dir, ignore_errors=True)
    from_dir.mkdir(parents=True)
    print(f"  generating sample --scale {scale} into {from_dir} …", flush=True)
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "evaluation", "sample", "--scale", str(scale)]
    subprocess.run(cmd + ["--out", str(from_dir)], cwd=ROOT, check=True)
    key_file.write_text(key + "\n")
    print(f"  generated in {time.perf_counter() - t0:.0f} s", flush=True)
    return from_dir


def workbook(raw: Path) -> Path:
    return next(raw.glob("*.xlsx"))


def processed_for(scale: int) -> Path:
    """Processed tables of ``sample --scale N``, ingested first if they are not up to date
    (so that no report measurement includes an ingestion)."""
    from evaluation.ingest import is_up_to_date

    raw = ensure_sample(scale)
    out = WORK / "processed" / f"x{scale}"
    if not is_up_to_date(raw, out):
        out.mkdir(parents=True, exist_ok=True)
        m = measure("ingest", {"raw": str(ensure_sample(scale)), "out": str(out)},
                    f"prep-ingest-x{scale}", BIG_TIMEOUT)  # fmt: skip
        if not m.ok:
            raise SystemExit(f"ingestion of scale {scale} failed; see {m.log}")
    return out


def machine_info() -> dict:
    """Cores, CPU, RAM, versions, date, load."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    versions = {}
    for pkg in ("pandas", "python-calamine", "pyarrow", "papermill", "nbconvert", "plotly",
                "playwright"):  # fmt: skip
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "?"
    try:
        from evaluation.publish.browser import chromium_version

        chromium = chromium_version()
    except Exception as exc:  # noqa: BLE001 - the benchmark still runs without PDFs
        chromium = f"none ({exc})"
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        commit = head + (" (+ uncommitted changes)" if dirty else "")
    except OSError:
        commit = "?"
    try:
        cores_usable = len(os.sched_getaffinity(0))
    except AttributeError:
        cores_usable = os.cpu_count()
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores": f"{os.cpu_count()} ({cores_usable} usable)",
        "cpu": cpu,
        "ram": ram,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        **versions,
        "chromium": chromium,
        "commit": commit,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# ================================================================================ figures
def fig_ingest(scales: list[int], repeat: int | None) -> dict[int, Measurement]:
    print("\n== 1. Ingestion vs bare python-calamine read (fresh subprocess each)", flush=True)
    done: dict[int, Measurement] = {}
    floors: dict[int, Measurement] = {}
    for n in scales:
        raw = ensure_sample(n)
        out = WORK / "processed" / f"x{n}"
        out.mkdir(parents=True, exist_ok=True)
        k = repeat or (1 if n >= 100 else 3)
        timeout = BIG_TIMEOUT if n >= 100 else SMALL_TIMEOUT
        runs, base = [], []
        for i in range(k):  # interleaved, so drifting load hits both alike
            base.append(measure("calamine", {"path": str(workbook(raw))}, f"calamine-x{n}-{i}"))
            runs.append(measure("ingest", {"raw": str(raw), "out": str(out)}, f"ingest-x{n}-{i}",
                                timeout))  # fmt: skip
        m, f = median_of(runs), median_of(base)
        if m is None or f is None:
            add("1", f"ingest N={n}", "FAILED", status="failed")
            continue
        done[n], floors[n] = m, f
        r = m.result
        goal = f"<= {INGEST_GOAL}x" if n == 100 else ""
        ratio_t = r["time_s"] / f.result["time_s"]
        add("1", f"ingest N={n} time (median of {k})", secs(r["time_s"]),
            secs(f.result["time_s"]), ratio_t, goal,
            goal_status(ratio_t, INGEST_GOAL) if goal else "")  # fmt: skip
        add("1", f"ingest N={n} peak RSS", mib(m.maxrss_kb), mib(f.maxrss_kb),
            m.maxrss_kb / f.maxrss_kb)  # fmt: skip
        print(
            f"     {workbook(raw).name}: {workbook(raw).stat().st_size / 1e6:.1f} MB, "
            f"{r['rows_read']:,.0f} rows read ({f.result['cells']:,.0f} cells), "
            f"{r['agreements']:,.0f} agreements, {r['activities']:,.0f} activities; "
            f"ingest {r['ingest_s']:.2f} s + write {r['write_s']:.2f} s; "
            f"imports {r['import_s']:.2f} s / {mib(r['rss_import_kb'])} "
            f"(calamine {f.result['import_s']:.2f} s / {mib(f.result['rss_import_kb'])}); "
            f"process wall {m.wall_s:.2f} s vs {f.wall_s:.2f} s",
            flush=True,
        )
        add("1", f"ingest N={n} rows/s", f"{r['rows_read'] / r['time_s']:,.0f}",
            f"{f.result['rows'] / f.result['time_s']:,.0f}",
            (f.result["rows"] / f.result["time_s"]) / (r["rows_read"] / r["time_s"]))  # fmt: skip
    ks = sorted(done)
    for a, b in zip(ks, ks[1:], strict=False):
        per_a = done[a].result["time_s"] / done[a].result["agreements"] * 1000
        per_b = done[b].result["time_s"] / done[b].result["agreements"] * 1000
        ratio = per_b / per_a
        verdict = "linear" if ratio <= 1.25 else "super-linear"
        if ratio < 0.8:
            verdict = "sub-linear (fixed costs amortised)"
        add("1", f"ingest s per 1k agreements N={b} vs N={a}", f"{per_b:.3f} s", f"{per_a:.3f} s",
            ratio, status=verdict)  # fmt: skip
    return done


def _seconds(text: str) -> float:
    """Seconds as the console prints them: ``1.234,5`` (Indonesian) or ``1,234.5``."""
    if "," in text and (text.rfind(",") > text.rfind(".")):
        return float(text.replace(".", "").replace(",", "."))
    return float(text.replace(",", ""))


def _report_steps(result: dict) -> dict[str, float | None]:
    """Step durations from the time-stamped echo lines of ``run_report`` (worded in the
    report's language: the patterns match the English and the Indonesian lines)."""
    log = result.get("log", [])

    def ts(pattern: str) -> float | None:
        for t, msg in log:
            if re.search(pattern, msg):
                return t
        return None

    def between(a, b):
        return b - a if a is not None and b is not None else None

    ingest_end = ts(r"^\[1/4\].*(up to date|sudah sesuai)") or ts(r"^\s+(done in|selesai dalam) ")
    # Per-category tables are computed while the first notebooks run, and each PDF is
    # printed as soon as its HTML is ready: those steps overlap the notebooks step, and
    # "PDF" is the time spent waiting for the last prints after the notebooks.
    cat_end = ts(r"(tables of record per category|tabel rekaman per kategori)")
    overlapped = cat_end is not None and cat_end > (ts(r"^\[3/4\]") or cat_end)
    steps = {
        "ingest check": ingest_end,
        "tables + xlsx": between(ingest_end, ts(r"^\[2/4\]")),
        "tables per category" + (" (during the notebooks)" if overlapped else ""): between(
            ts(r"^\[3/4\]") if overlapped else ts(r"^\[2/4\]"), cat_end
        ),
        "notebooks (execute + HTML)": between(
            ts(r"^\[3/4\]"), ts(r"(notebooks done in|notebook selesai dalam)")
        ),
        "PDF (after the notebooks)": between(
            ts(r"^\[4/4\]"), ts(r"(PDFs done in|PDF selesai dalam)")
        ),
    }
    execute = html = 0.0
    found = False
    for _, msg in log:
        m = re.search(
            r"(?:executed|dijalankan) ([\d.,]+) (?:s|detik), HTML ([\d.,]+) (?:s|detik)", msg
        )
        if m:  # "1,1 detik" (Indonesian decimal comma) or "1.1 s"
            found = True
            execute += _seconds(m.group(1))
            html += _seconds(m.group(2))
    steps["  papermill execute (sum)"] = execute if found else None
    steps["  HTML (sum)"] = html if found else None
    return steps


def _cell_times(ipynb: Path) -> dict[str, float]:
    """Seconds per code cell of an executed notebook (papermill metadata), by the cell's last
    line (e.g. ``report.executive_summary()``)."""
    try:
        nb = json.loads(Path(ipynb).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, float] = {}
    for i, cell in enumerate(nb.get("cells", [])):
        duration = (cell.get("metadata", {}).get("papermill") or {}).get("duration")
        if cell.get("cell_type") != "code" or duration is None:
            continue
        lines = [ln for ln in "".join(cell.get("source", "")).splitlines() if ln.strip()]
        label = lines[-1].strip()[:60] if lines else f"cell {i}"
        out[label] = out.get(label, 0.0) + float(duration)
    return out


def _print_slow_cells(final: Path, top: int = 6) -> None:
    times = _cell_times(final / f"laporan_evaluasi_{AS_OF}.ipynb")
    slow = sorted(times.items(), key=lambda kv: kv[1], reverse=True)[:top]
    total = sum(times.values()) or 1.0
    print(f"     slowest cells of the main notebook ({total:.1f} s in cells):", flush=True)
    for label, t in slow:
        print(f"       {t:6.2f} s {100 * t / total:5.1f}%  {label}", flush=True)


def _write_floor_notebook() -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        'processed_dir = "../data/processed"\nas_of = None\nlang = "id"'
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(
            "import plotly.graph_objects as go\n"
            "from evaluation.presentation.charts import show\n\n"
            'show(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])), chart_id="floor")'
        ),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = WORK / "floor" / "kosong.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def fig_main_report(scale: int, repeat: int | None) -> Measurement | None:
    print(f"\n== 2. Main report (N={scale}, per_category=False, pdf=True) vs the toolchain floor "
          "(papermill + nbconvert + Chromium, one plotly chart)",
          flush=True)  # fmt: skip
    raw, processed = ensure_sample(scale), processed_for(scale)
    nb = _write_floor_notebook()
    k = repeat or 3
    runs, base = [], []
    for i in range(k):
        out = WORK / "reports" / f"main-x{scale}"
        shutil.rmtree(out, ignore_errors=True)
        spec = {"raw": str(raw), "processed": str(processed), "out": str(out),
                "per_category": False}  # fmt: skip
        runs.append(measure("report", spec, f"report-main-x{scale}-{i}", memory=False))
        fout = WORK / "floor" / "out"
        shutil.rmtree(fout, ignore_errors=True)
        base.append(measure("floor", {"notebook": str(nb), "out": str(fout),
                                      "processed": str(processed)}, f"floor-{i}",
                            memory=False))  # fmt: skip
    m, f = median_of(runs), median_of(base)
    if m is None or f is None:
        add("2", f"main report N={scale}", "FAILED", status=runs[-1].error[:300])
        return None
    ratio = m.result["time_s"] / f.result["time_s"]
    add("2", f"main report N={scale} (median of {k})", secs(m.result["time_s"]),
        secs(f.result["time_s"]), ratio, f"<= {REPORT_GOAL}x",
        goal_status(ratio, REPORT_GOAL))  # fmt: skip
    steps = _report_steps(m.result)
    fr = f.result
    floor_steps = {
        "ingest check": None,
        "tables + xlsx": None,
        "notebooks (execute + HTML)": fr["import_s"] + fr["execute_s"] + fr["html_s"],
        "PDF (after the notebooks)": fr["pdf_s"],
        "  papermill execute (sum)": fr["execute_s"],
        "  HTML (sum)": fr["html_s"],
    }
    for name, v in steps.items():
        b = floor_steps.get(name)
        add("2", f"  step: {name.strip()}", secs(v) if v is not None else "n/a",
            secs(b) if b is not None else "—",
            v / b if v is not None and b else None)  # fmt: skip
    final = Path(m.result["final"])
    _print_slow_cells(final)
    main_html = final / f"laporan_evaluasi_{AS_OF}.html"
    main_pdf = final / f"laporan_evaluasi_{AS_OF}.pdf"
    if main_html.exists():
        add("2", "  main HTML size", size(main_html.stat().st_size), size(fr["html_bytes"]),
            main_html.stat().st_size / fr["html_bytes"])  # fmt: skip
    if main_pdf.exists():
        add("2", "  main PDF size", size(main_pdf.stat().st_size), size(fr["pdf_bytes"]),
            main_pdf.stat().st_size / fr["pdf_bytes"])  # fmt: skip
    print(
        f"     floor imports (papermill, nbconvert; in its notebooks step) "
        f"{fr['import_s']:.2f} s; peak RSS of the largest process: report "
        f"{mib(m.maxrss_kb)} vs floor {mib(f.maxrss_kb)} (the trees are not sampled while timed)",
        flush=True,
    )
    return m


def fig_pack(scale: int, repeat: int | None) -> Measurement | None:
    """The whole pack (main, per category, annex; HTML + PDF) with the default workers, vs
    the issue's target, then again after editing only the annex notebook (what is rebuilt)."""
    print(f"\n== 6. Whole pack N={scale} (main + per category + annex, HTML + PDF)", flush=True)
    raw, processed = ensure_sample(scale), processed_for(scale)
    k = repeat or 1
    runs = []
    for i in range(k):
        out = WORK / "reports" / f"pack-x{scale}"
        shutil.rmtree(out, ignore_errors=True)
        spec = {"raw": str(raw), "processed": str(processed), "out": str(out),
                "per_category": True}  # fmt: skip
        runs.append(measure("report", spec, f"report-pack-x{scale}-{i}", memory=False))
    m = median_of(runs)
    if m is None:
        add("6", f"pack N={scale}", "FAILED", status=runs[-1].error[:300])
        return None
    t = m.result["time_s"]
    add("6", f"pack N={scale} (median of {k})", secs(t), secs(PACK_GOAL_S), t / PACK_GOAL_S,
        f"<= {PACK_GOAL_S:.0f} s", "met" if t <= PACK_GOAL_S else
        f"MISSED by {t / PACK_GOAL_S:.2f}x")  # fmt: skip
    for name, v in _report_steps(m.result).items():
        add("6", f"  step: {name.strip()}", secs(v) if v is not None else "n/a")
    final = Path(m.result["final"])
    sizes = [p.stat().st_size for p in final.rglob("*.ipynb")]
    add("6", "  executed notebooks kept (largest)", size(max(sizes)) if sizes else "n/a",
        status="no copy of plotly.js (added to each HTML when rendered)")  # fmt: skip
    # edit one notebook: only the reports made from it are rebuilt
    nb_dir = WORK / "notebooks-edited"
    shutil.rmtree(nb_dir, ignore_errors=True)
    shutil.copytree(ROOT / "notebooks", nb_dir)
    annex = nb_dir / "lampiran_mitra.ipynb"
    annex.write_text(annex.read_text(encoding="utf-8").replace(
        "kartu_skor(L)", "kartu_skor(L)  # diubah"), encoding="utf-8")  # fmt: skip
    spec = {"raw": str(raw), "processed": str(processed), "out": str(final.parent),
            "per_category": True, "notebooks": str(nb_dir)}  # fmt: skip
    e = measure("report", spec, f"report-pack-x{scale}-edited", memory=False)
    if e.ok:
        kept = [
            msg
            for _, msg in e.result["log"]
            if re.search("unchanged since the last run|tidak berubah sejak", msg)
        ]
        n_exec = sum(
            1
            for _, msg in e.result["log"]
            if re.search(r"(?:executed|dijalankan) [\d.,]+ (?:s|detik)", msg)
        )
        add("6", "  pack after editing the annex notebook only", secs(e.result["time_s"]),
            secs(t), e.result["time_s"] / t,
            status=f"{n_exec} notebook(s) executed; " + (kept[0].strip() if kept else
                                                       "nothing reused"))  # fmt: skip
    return m


def _make_dry_run() -> tuple[bool, bool, str]:
    """(would rebuild the report, would run set-up, dry-run output) of ``make -n report``."""
    p = subprocess.run(["make", "-n", "report"], cwd=ROOT, capture_output=True, text=True)
    out = p.stdout + p.stderr
    return ("evaluation report" in out or " report --raw" in out), "setup.sh" in out, out


def fig_make_rerun() -> None:
    print("\n== 3. `make report` again with nothing changed (repository root, real reports/)",
          flush=True)  # fmt: skip
    earlier = list((ROOT / "reports").glob("*/laporan_evaluasi_*.pdf"))
    if not earlier:
        add("3", "make report, unchanged rerun", "not run", goal=f"< {RERUN_GOAL_S:.0f} s",
            status="not measured: `make report` has not been run at the root yet")  # fmt: skip
        return
    would, setup, _ = _make_dry_run()
    if setup:
        add("3", "make report, unchanged rerun", "not run", goal=f"< {RERUN_GOAL_S:.0f} s",
            status="not measured: make would run the set-up (pip install) first")  # fmt: skip
        return

    def timed() -> tuple[float, int]:
        log = WORK / "logs" / "make-report.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        with log.open("ab") as fh:
            rc = subprocess.run(["make", "report"], cwd=ROOT, stdout=fh, stderr=fh).returncode
        return time.perf_counter() - t0, rc

    first, rc = timed()
    print(f"     first `make report`: {first:.2f} s (exit {rc}; make -n said it would "
          f"{'rebuild' if would else 'do nothing'})", flush=True)  # fmt: skip
    if rc != 0:
        add(
            "3",
            "make report, unchanged rerun",
            "FAILED",
            goal=f"< {RERUN_GOAL_S:.0f} s",
            status=f"`make report` failed (exit {rc}); see {WORK.name}/logs/make-report.log",
        )
        return
    still, _, _ = _make_dry_run()
    if would and not still:  # the first run was a real rebuild; now time the unchanged rerun
        t, rc = timed()
    else:
        t = first
    if still:
        status = "goal missed: no make dependencies yet (an unchanged rerun rebuilds everything)"
    else:
        status = goal_status(t / RERUN_GOAL_S, 1.0, strict=True)
    goal = f"< {RERUN_GOAL_S:.0f} s"
    add("3", "make report, unchanged rerun", secs(t), "—", None, goal, status)


def _pack(
    scale: int, workers: int | None, label: str, timeout: float, per_category: bool = True
) -> Measurement:
    raw, processed = ensure_sample(scale), processed_for(scale)
    out = WORK / "reports" / label
    shutil.rmtree(out, ignore_errors=True)
    spec = {"raw": str(raw), "processed": str(processed), "out": str(out),
            "per_category": per_category, "workers": workers}  # fmt: skip
    return measure("report", spec, label, timeout)


def default_workers() -> int:
    """Workers ``run_report`` uses by default for the pack (at most 4, at most the cores)."""
    return max(1, min(os.cpu_count() or 1, 4))


def fig_workers(scale: int, repeat: int | None) -> Measurement | None:
    print(f"\n== 4. Meeting pack (N={scale}, pdf + per category + annex): workers=2 vs 1",
          flush=True)  # fmt: skip
    k = repeat or 1
    two, one = [], []
    for i in range(k):
        two.append(_pack(scale, 2, f"pack-x{scale}-w2-{i}", BIG_TIMEOUT))
        one.append(_pack(scale, 1, f"pack-x{scale}-w1-{i}", BIG_TIMEOUT))
    m2, m1 = median_of(two), median_of(one)
    if m2 is None or m1 is None:
        add("4", f"pack N={scale} workers=2 vs 1", "FAILED", status="failed")
        return m2
    ratio = m2.result["time_s"] / m1.result["time_s"]
    add("4", f"pack N={scale} workers=2 (median of {k})", secs(m2.result["time_s"]),
        secs(m1.result["time_s"]), ratio,
        status=f"speed-up {1 / ratio:.2f}x")  # fmt: skip
    for name, v in _report_steps(m2.result).items():
        b = _report_steps(m1.result).get(name)
        add("4", f"  step: {name.strip()}", secs(v) if v is not None else "n/a",
            secs(b) if b is not None else "n/a",
            v / b if v is not None and b else None)  # fmt: skip
    add("4", "  tree peak PSS", mib(m2.tree_pss_kb), mib(m1.tree_pss_kb),
        m2.tree_pss_kb / m1.tree_pss_kb if m1.tree_pss_kb else None)  # fmt: skip
    return m2


def _outputs(final: Path) -> dict[str, tuple[str, int] | None]:
    main_html = final / f"laporan_evaluasi_{AS_OF}.html"
    main_pdf = final / f"laporan_evaluasi_{AS_OF}.pdf"

    def biggest(pattern: str):
        files = sorted((final / "kategori").glob(pattern), key=lambda p: p.stat().st_size)
        return (files[-1].name, files[-1].stat().st_size) if files else None

    def one(p: Path):
        return (p.name, p.stat().st_size) if p.exists() else None

    annex = sorted(final.glob("lampiran_mitra_*.pdf"))
    return {
        "main HTML": one(main_html),
        "largest per-category HTML": biggest("*.html"),
        "main PDF": one(main_pdf),
        "largest per-category PDF": biggest("*.pdf"),
        "partner annex PDF": one(annex[0]) if annex else None,
    }


def _pages(pdf: Path) -> int | None:
    try:
        from pypdf import PdfReader

        return len(PdfReader(str(pdf)).pages)
    except Exception:  # noqa: BLE001 - missing pypdf or a broken PDF: no page count
        return None


def fig_large(
    scale: int,
    base: Measurement | None,
    ingest: dict[int, Measurement],
    main1: Measurement | None = None,
) -> None:
    print(f"\n== 5. Meeting pack at N={scale} (default workers = {default_workers()}) vs N=1",
          flush=True)  # fmt: skip
    what = "pack"
    if base is None:
        base = _pack(1, None, "pack-x1-default", BIG_TIMEOUT)
    m = _pack(scale, None, f"pack-x{scale}", BIG_TIMEOUT)
    if not m.ok:
        add("5", f"pack N={scale}", "FAILED", status=m.error[:300])
        print("     falling back to the main report alone (per_category=False)", flush=True)
        what = "main report"
        m = _pack(scale, None, f"main-x{scale}", BIG_TIMEOUT, per_category=False)
        if not m.ok:
            add("5", f"main report N={scale}", "FAILED", status=m.error[:300])
            return
        base = main1 if main1 is not None else _pack(1, None, "main-x1-base", BIG_TIMEOUT, False)
    if base is not None and not base.ok:
        base = None
    b = base.result if base else {}
    bt = b.get("time_s")
    add("5", f"{what} N={scale} time", secs(m.result["time_s"]), secs(bt) if bt else "n/a",
        m.result["time_s"] / bt if bt else None,
        status="processed tables up to date; ingestion is figure 1")  # fmt: skip
    if scale in ingest:
        t = m.result["time_s"] + ingest[scale].result["time_s"]
        add("5", f"pack N={scale} time incl. ingestion", secs(t), "—")
    for name, v in _report_steps(m.result).items():
        bv = _report_steps(b).get(name) if b else None
        add("5", f"  step: {name.strip()}", secs(v) if v is not None else "n/a",
            secs(bv) if bv is not None else "n/a",
            v / bv if v is not None and bv else None)  # fmt: skip
    add("5", "  tree peak PSS (sum, sampled)", mib(m.tree_pss_kb),
        mib(base.tree_pss_kb) if base else "n/a",
        m.tree_pss_kb / base.tree_pss_kb if base and base.tree_pss_kb else None)  # fmt: skip
    add("5", "  largest single process RSS", mib(m.maxrss_kb),
        mib(base.maxrss_kb) if base else "n/a",
        m.maxrss_kb / base.maxrss_kb if base else None)  # fmt: skip
    outs = _outputs(Path(m.result["final"]))
    bouts = _outputs(Path(b["final"])) if b.get("final") else {}
    for name, v in outs.items():
        bv = bouts.get(name)
        if v is None:
            add("5", f"  {name}", "missing", size(bv[1]) if bv else "n/a")
            continue
        add("5", f"  {name}", size(v[1]), size(bv[1]) if bv else "n/a",
            v[1] / bv[1] if bv else None, status=v[0])  # fmt: skip
    cells = _cell_times(Path(m.result["final"]) / f"laporan_evaluasi_{AS_OF}.ipynb")
    bcells = (
        _cell_times(Path(b["final"]) / f"laporan_evaluasi_{AS_OF}.ipynb") if b.get("final") else {}
    )
    for label, t in sorted(cells.items(), key=lambda kv: kv[1], reverse=True)[:5]:
        bt = bcells.get(label)
        add("5", f"  main notebook cell: {label}", secs(t), secs(bt) if bt else "n/a",
            t / bt if bt else None)  # fmt: skip
    pages = _pages(Path(m.result["final"]) / f"laporan_evaluasi_{AS_OF}.pdf")
    bpages = _pages(Path(b["final"]) / f"laporan_evaluasi_{AS_OF}.pdf") if b.get("final") else None
    add("5", "  main PDF pages", str(pages), str(bpages),
        pages / bpages if pages and bpages else None)  # fmt: skip
    annex = sorted(Path(m.result["final"]).glob("lampiran_mitra_*.pdf"))
    bannex = sorted(Path(b["final"]).glob("lampiran_mitra_*.pdf")) if b.get("final") else []
    if annex:
        pages = _pages(annex[0])
        bpages = _pages(bannex[0]) if bannex else None
        add("5", "  partner annex PDF pages", str(pages), str(bpages),
            pages / bpages if pages and bpages else None)  # fmt: skip


def profile_ingest(scale: int, seconds: float, top: int = 15) -> None:
    print(f"\n== cProfile of ingest at N={scale} ({seconds:.0f} s at most)", flush=True)
    spec = {"raw": str(ensure_sample(scale)), "seconds": seconds, "top": top}
    m = measure("profile", spec, f"profile-x{scale}", seconds + 600)
    if not m.ok:
        return
    r = m.result
    total = r["total_s"] or 1.0
    state = "whole ingestion" if r["complete"] else "stopped early"
    print(f"   profiled {r['wall_s']:.1f} s wall ({state}), {total:.1f} s in functions")
    print("   by own time (tottime):")
    for e in r["by_tottime"]:
        print(f"   {e['tottime']:8.2f} s {100 * e['tottime'] / total:5.1f}%  {e['calls']:>10,}  "
              f"{e['func']}")  # fmt: skip
    print("   ingest/reader functions by cumulative time:")
    for e in r["by_cumtime"]:
        print(f"   {e['cumtime']:8.2f} s {100 * e['cumtime'] / total:5.1f}%  {e['calls']:>10,}  "
              f"{e['func']}")  # fmt: skip


# ================================================================================ output
def markdown(info: dict) -> str:
    lines = [
        f"Date: {info['date']}  ",
        f"Machine: {info['cores']} cores, {info['cpu']}, {info['ram']} RAM, {info['os']}; "
        f"load average at start {info['load']}  ",
        f"Software: Python {info['python']}, pandas {info['pandas']}, python-calamine "
        f"{info['python-calamine']}, pyarrow {info['pyarrow']}, papermill {info['papermill']}, "
        f"nbconvert {info['nbconvert']}, plotly {info['plotly']}, playwright {info['playwright']}, "
        f"{info['chromium']}  ",
        f"Code: {info['commit']}",
        "",
        "| # | figure | value | baseline | ratio | goal | status |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in ROWS:
        name = r.name.replace("|", "/")
        if name.startswith("  "):
            name = "&nbsp;&nbsp;" + name.strip()
        lines.append(
            f"| {r.fig} | {name} | {r.value} | {r.baseline} | {r.ratio} | {r.goal} | {r.status} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line of the benchmark (see the module docstring)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return run_child(*argv[1:4])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="N = 1 and 10 only, no large report")
    ap.add_argument("--scales", default=None, help="ingestion scales, e.g. 1,10,100")
    ap.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="median of K runs (default 3 for small things, 1 for big ones)",
    )
    ap.add_argument("--figures", default="1,2,3,4,5,6", help="which figures, e.g. 2,6")
    ap.add_argument(
        "--profile",
        type=float,
        default=0,
        metavar="SECONDS",
        help="also cProfile the largest ingestion for this long (0: no)",
    )
    args = ap.parse_args(argv)  # fmt: skip
    if args.scales:
        try:
            scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
        except ValueError:
            ap.error(f"--scales must be whole numbers separated by commas, not {args.scales!r}")
        if not scales or min(scales) < 1:
            ap.error("--scales must be whole numbers >= 1")
    else:
        scales = [1, 10] if args.quick else [1, 10, 100]
    if args.quick:
        scales = [s for s in scales if s <= 10] or [1]
    if args.repeat is not None and args.repeat < 1:
        ap.error("--repeat must be >= 1")
    figures = {f.strip() for f in args.figures.split(",")}
    WORK.mkdir(exist_ok=True)
    info = machine_info()
    print("Benchmarks (issue #7)")
    for k, v in info.items():
        print(f"  {k:<16} {v}")
    t0 = time.perf_counter()
    ingest: dict[int, Measurement] = {}
    pack1 = main1 = None
    if "1" in figures:
        ingest = fig_ingest(scales, args.repeat)
    if args.profile:
        profile_ingest(max(scales), args.profile)
    if "2" in figures:
        main1 = fig_main_report(1, args.repeat)
    if "3" in figures:
        fig_make_rerun()
    if "4" in figures:
        pack1 = fig_workers(1, args.repeat)
    if "6" in figures:
        fig_pack(1, args.repeat)
    if "5" in figures and not args.quick and max(scales) > 1:
        if default_workers() != 2:
            pack1 = None  # the baseline must use the same (default) number of workers
        fig_large(max(scales), pack1, ingest, main1)
    info["load"] += f" (at end {' '.join(f'{x:.2f}' for x in os.getloadavg())})"
    print(f"\nBenchmark done in {time.perf_counter() - t0:.0f} s. Markdown:\n")
    print(markdown(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
