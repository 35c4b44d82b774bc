"""Which plotly.js a document embeds: the basic bundle when its charts need no more, else the
full one.

The report's charts are bars and lines (``go.Bar``, ``go.Scatter``). plotly.js's *basic*
distribution (npm package ``plotly.js-basic-dist-min``: the bar, pie and scatter traces with
every layout component; about 1.2 MB) draws them as the full bundle of the Python plotly
package does (about 4.8 MB), and Chromium compiles it in about a fifth of the time. It is
pinned in ``scripts/plotlyjs/`` (``package.json``, ``package-lock.json``) and installed there
by ``make setup`` (``npm ci``); nothing is fetched at run time.

A document gets the basic bundle only when that file is there, its version is the plotly.js
version of the installed Python plotly (the figures' JSON is written for that version), and
every trace type the document draws is one the bundle registers (read from the bundle itself,
``moduleType:"trace",name:"…"``). Otherwise, e.g. an analyst's notebook with a heatmap or a
``px.histogram``, or without npm at set-up, it gets the full bundle.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import plotly.offline

#: Path of the basic bundle to use instead of the one ``make setup`` installs (tests point it
#: at a missing file to check the fallback).
BASIC_ENV = "EVALUATION_PLOTLYJS_BASIC"
#: The npm project pinning the basic bundle (``scripts/plotlyjs`` of the repository).
NPM_DIR = Path(__file__).resolve().parents[4] / "scripts" / "plotlyjs"
BASIC_PACKAGE = "plotly.js-basic-dist-min"
#: Where ``npm ci`` in :data:`NPM_DIR` puts the bundle.
BASIC_FILE = NPM_DIR / "node_modules" / BASIC_PACKAGE / "plotly-basic.min.js"
#: Trace types of the report's own charts: what ``plotly_js_html()`` embeds by default.
REPORT_TRACES = frozenset({"bar", "scatter"})

#: A trace module registered by a plotly.js bundle, as its minified source writes it.
_TRACE_MODULE = re.compile(r'moduleType:"trace",name:"([a-z0-9_]+)"')
#: The bundle's banner: ``/** * plotly.js v4.1.1`` or ``/** * plotly.js (basic - minified) v4.1.1``.
_BANNER = re.compile(r"\A\s*/\*\*\s*\*\s*plotly\.js(?: \([^)]*\))? v(\d[^\s*]*)")


@dataclass(frozen=True, eq=False)
class Bundle:
    """One plotly.js bundle: ``name`` (``"basic"`` or ``"full"``), its source, its version
    and the trace types it registers."""

    name: str
    source: str = field(repr=False)
    version: str
    traces: frozenset[str]

    @property
    def digest(self) -> str:
        """SHA-256 of the source (what a report built with it depends on)."""
        return _digest(self.source)


@lru_cache(maxsize=4)
def _digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def bundle_version(source: str) -> str | None:
    """The plotly.js version a bundle's banner states (None if it has none)."""
    m = _BANNER.match(source)
    return m.group(1) if m else None


def registered_traces(source: str) -> frozenset[str]:
    """The trace types a plotly.js bundle registers, read from its source."""
    return frozenset(_TRACE_MODULE.findall(source))


def basic_path() -> Path:
    """Where the basic bundle is read from (:data:`BASIC_ENV`, else :data:`BASIC_FILE`)."""
    return Path(os.environ.get(BASIC_ENV) or BASIC_FILE)


def basic_bundle() -> Bundle | None:
    """The basic bundle, or None when it is missing, unreadable, or not the plotly.js
    version of the Python plotly package."""
    path = basic_path()
    try:
        st = path.stat()
    except OSError:
        return None
    return _read_basic(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=2)
def _read_basic(path: str, mtime_ns: int, size: int) -> Bundle | None:
    try:
        source = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    version = bundle_version(source)
    traces = registered_traces(source)
    if version != plotly.offline.get_plotlyjs_version() or not traces:
        return None
    return Bundle("basic", source, version, traces)


@lru_cache(maxsize=1)
def full_bundle() -> Bundle:
    """The full plotly.js of the Python plotly package (every trace type)."""
    source = plotly.offline.get_plotlyjs()
    return Bundle("full", source, plotly.offline.get_plotlyjs_version(), registered_traces(source))


def bundle_for(trace_types: Iterable[str] | None) -> Bundle:
    """The bundle for a document drawing ``trace_types`` (None: not known, so any type).

    Examples
    --------
    >>> bundle_for({"heatmap"}).name
    'full'
    """
    if trace_types is not None:
        basic = basic_bundle()
        if basic is not None and set(trace_types) <= basic.traces:
            return basic
    return full_bundle()


def bundles_key() -> str:
    """What the choice of bundle depends on: the full bundle's version and the basic
    bundle's digest (``-`` without it). A report built before it changed is rebuilt."""
    basic = basic_bundle()
    return f"{full_bundle().version}|{basic.digest if basic is not None else '-'}"


__all__ = [
    "BASIC_ENV",
    "BASIC_FILE",
    "NPM_DIR",
    "REPORT_TRACES",
    "Bundle",
    "basic_bundle",
    "basic_path",
    "bundle_for",
    "bundles_key",
    "bundle_version",
    "full_bundle",
    "registered_traces",
]
