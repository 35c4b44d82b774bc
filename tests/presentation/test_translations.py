"""Every message of translations.toml is used, and every message the code asks for exists.

Keys are found in the sources that show text: the package (``*.py``, templates) and the
notebooks' cells. A key is *referenced* when

- it appears as a quoted literal (``t("section.summary")``, ``_heading("section.x")``,
  ``("rates_by_category", "sheet.by_category", ...)``), or
- its table is looked up with a computed name (``f"dq.{code}"``, ``f"col.{column}"``,
  ``f"chart_label.{key}"``…) and its name appears as a quoted literal in the sources (the
  code, column, metric or action it is chosen by: ``code="no_end_date"``, ``"scope_rate"``).

A literal that looks like a key of a known table but has no message is a missing key; a
message nothing references is an unused key. Both fail.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from evaluation.presentation.text import load_translations

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "evaluation"
#: A quoted dotted name: a key candidate.
_LITERAL = re.compile(r"""["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")
#: A computed key: the table part of f"table.{name}" or "table." + name.
_COMPUTED = re.compile(r"""f["']([a-z][a-z0-9_]*)\.\{|["']([a-z][a-z0-9_]*)\.["']\s*\+""")
#: A quoted word: a name a computed key can be chosen by.
_WORD = re.compile(r"""["']([A-Za-z0-9_]+)["']""")
#: Dotted literals that are file names, not keys (``report.css``).
_FILE_SUFFIXES = {"css", "csv", "html", "ipynb", "j2", "json", "md", "parquet", "pdf", "png",
                  "py", "svg", "toml", "txt", "xlsx"}  # fmt: skip


def _sources(package: Path = PACKAGE, notebooks: Path = ROOT / "notebooks") -> dict[str, str]:
    out = {}
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".j2", ".tpl"):
            out[str(path.relative_to(package.parent))] = path.read_text(encoding="utf-8")
    for path in sorted(notebooks.glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        out[path.name] = "\n".join("".join(c["source"]) for c in cells)
    return out


def _scan(
    sources: dict[str, str], tables: set[str]
) -> tuple[dict[str, set[str]], set[str], set[str]]:
    """(literal keys of known tables -> files, computed tables, quoted words)."""
    literal: dict[str, set[str]] = {}
    computed: set[str] = set()
    words: set[str] = set()
    for name, text in sources.items():
        for m in _LITERAL.finditer(text):
            key = m.group(1)
            if key.split(".")[0] in tables and key.rsplit(".", 1)[1] not in _FILE_SUFFIXES:
                literal.setdefault(key, set()).add(name)
        for m in _COMPUTED.finditer(text):
            computed.add(m.group(1) or m.group(2))
        words.update(_WORD.findall(text))
    return literal, computed, words


def _unused(keys: set[str], literal, computed, words) -> list[str]:
    out = []
    for key in sorted(keys):
        table, name = key.split(".", 1)
        if key in literal or (table in computed and name in words):
            continue
        out.append(key)
    return out


def test_every_key_the_code_asks_for_exists():
    table = load_translations()
    literal, _, _ = _scan(_sources(), {k.split(".")[0] for k in table})
    missing = {k: sorted(files) for k, files in literal.items() if k not in table}
    assert not missing, f"keys used in the code but missing in translations.toml: {missing}"


def test_every_message_is_used():
    table = load_translations()
    literal, computed, words = _scan(_sources(), {k.split(".")[0] for k in table})
    unused = _unused(set(table), literal, computed, words)
    assert not unused, f"messages in translations.toml that no code uses: {unused}"


def test_the_scan_finds_literal_computed_and_missing_keys():
    """Guard against the two tests above passing vacuously."""
    sources = {
        "a.py": 't("section.summary"); t(f"status.{s}"); x = "done"; css = "report.css"',
        "b.py": '_heading("section.nope"); key = "fix." + action',
    }
    literal, computed, words = _scan(sources, {"section", "status", "fix", "report"})
    assert set(literal) == {"section.summary", "section.nope"}
    assert computed == {"status", "fix"}
    keys = {"section.summary", "section.other", "status.done", "status.active", "fix.used"}
    assert _unused(keys, literal, computed, words) == ["fix.used", "section.other", "status.active"]
    real = _scan(_sources(), {k.split(".")[0] for k in load_translations()})
    assert {"section.summary", "section.data_quality"} <= set(real[0])
    assert {"dq", "col", "chart_label"} <= real[1]
