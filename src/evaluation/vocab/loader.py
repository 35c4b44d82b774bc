"""The controlled vocabulary (categories, scopes, statuses, outcome types, provinces).

Read from one TOML file (:data:`evaluation.config.VOCABULARY_PATH`) that validation, the input
template and the reports all use. Labels match case-, space- and punctuation-insensitively and
aliases map to the canonical label.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from evaluation import config
from evaluation.errors import VocabularyError
from evaluation.vocab.matching import LabelMatch, Matcher

_NON_ALNUM = re.compile(r"[^0-9a-z]+")

#: Vocabulary sections and the kind of term they hold.
SECTIONS = (
    "partner_categories",
    "scopes",
    "statuses",
    "outcome_types",
    "document_types",
    "provinces",
)


def match_key(text: object) -> str:
    """Key used to compare labels: lower case, accents folded, only letters and digits.

    >>> match_key("  Pemerintah  daerah. ")
    'pemerintahdaerah'
    >>> match_key("K/L") == match_key("kl")
    True
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFKD", str(text)).casefold()
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", s)


@dataclass(frozen=True)
class Term:
    """One canonical entry of a vocabulary section."""

    label: str
    label_en: str
    aliases: tuple[str, ...] = ()
    short: str = ""
    short_en: str = ""
    code: int | None = None
    rank: int | None = None
    requires_province: bool = False
    typical_scopes: tuple[int, ...] = ()
    reported_aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    weak_keywords: tuple[str, ...] = ()

    def display(self, lang: str = "id", short: bool = False) -> str:
        """Label for reports in ``lang`` (``"id"`` or ``"en"``)."""
        if short:
            s = self.short_en if lang == "en" else self.short
            if s:
                return s
        return self.label_en if lang == "en" else self.label


@dataclass(frozen=True)
class Section:
    """An ordered list of terms with a lookup from any spelling to the canonical label."""

    name: str
    terms: tuple[Term, ...]
    _lookup: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _matcher: Matcher | None = field(default=None, repr=False, compare=False)

    @property
    def labels(self) -> list[str]:
        return [t.label for t in self.terms]

    def canonical(self, value: object) -> str | None:
        """Canonical label for ``value`` (label or alias, any case/spacing), or None."""
        return self._lookup.get(match_key(value))

    def match(self, value: object) -> LabelMatch | None:
        """How ``value`` reads when it is no label or alias (see
        :mod:`evaluation.vocab.matching`): a scope number, a numbered label, a reported alias
        or keywords; None when nothing is found. Call it after :meth:`canonical` gave None."""
        if self._matcher is None:
            return None
        return self._matcher.match(value, match_key(value))

    def term(self, label: str) -> Term:
        for t in self.terms:
            if t.label == label:
                return t
        raise KeyError(label)

    def display(self, label: str, lang: str = "id", short: bool = False) -> str:
        try:
            return self.term(label).display(lang, short)
        except KeyError:
            return label


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an input sheet."""

    header: str
    field: str
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    """One input sheet: its canonical name, the processed table it feeds, its columns."""

    name: str
    table: str
    aliases: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    #: Columns of the one-sheet register layout (agreements only): the scopes and the
    #: follow-ups of an agreement written in one cell each (fields ``scopes``, ``followups``).
    register_columns: tuple[ColumnSpec, ...] = ()

    def matches(self, sheet_name: str) -> bool:
        key = match_key(sheet_name)
        return key in {match_key(n) for n in (self.name, *self.aliases)}

    def header_lookup(self) -> dict[str, ColumnSpec]:
        out: dict[str, ColumnSpec] = {}
        for col in self.columns:
            for spelling in (col.header, *col.aliases):
                out.setdefault(match_key(spelling), col)
        return out

    @property
    def required(self) -> list[ColumnSpec]:
        return [c for c in self.columns if c.required]


@dataclass(frozen=True)
class Vocabulary:
    """All sections of the vocabulary file."""

    path: Path
    partner_categories: Section
    scopes: Section
    statuses: Section
    outcome_types: Section
    document_types: Section
    provinces: Section
    sheets: tuple[SheetSpec, ...] = ()
    auxiliary_sheets: tuple[str, ...] = ()
    index_headers: tuple[str, ...] = ()

    def sheet_for(self, sheet_name: str) -> SheetSpec | None:
        """The input sheet spec whose name or alias matches ``sheet_name``."""
        for spec in self.sheets:
            if spec.matches(sheet_name):
                return spec
        return None

    def sheet_spec(self, table: str) -> SheetSpec:
        for spec in self.sheets:
            if spec.table == table:
                return spec
        raise KeyError(table)

    def section(self, name: str) -> Section:
        return getattr(self, name)

    @property
    def status_rank(self) -> dict[str, int]:
        return {t.label: int(t.rank or 0) for t in self.statuses.terms}

    @property
    def done_status(self) -> str:
        """The status that counts as realised (highest rank: ``Terlaksana``)."""
        return max(self.statuses.terms, key=lambda t: t.rank or 0).label

    @property
    def in_progress_status(self) -> str:
        ranked = sorted(self.statuses.terms, key=lambda t: t.rank or 0)
        return ranked[-2].label if len(ranked) > 1 else ranked[0].label

    @property
    def not_started_status(self) -> str:
        return min(self.statuses.terms, key=lambda t: t.rank or 0).label

    def scope_by_code(self, code: int) -> str:
        for t in self.scopes.terms:
            if t.code == code:
                return t.label
        raise KeyError(code)


def _build_section(name: str, raw: list[dict], path: Path) -> Section:
    terms = []
    lookup: dict[str, str] = {}
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not str(item.get("label", "")).strip():
            raise VocabularyError(f"{path}: entry {i} of [{name}] has no 'label'.")
        label = str(item["label"]).strip()
        aliases = tuple(str(a) for a in item.get("aliases", []) or [])
        term = Term(
            label=label,
            label_en=str(item.get("label_en", label)),
            aliases=aliases,
            short=str(item.get("short", "")),
            short_en=str(item.get("short_en", "")),
            code=item.get("code"),
            rank=item.get("rank"),
            requires_province=bool(item.get("requires_province", False)),
            typical_scopes=tuple(item.get("typical_scopes", []) or []),
            reported_aliases=_strings(item, "reported_aliases"),
            keywords=_strings(item, "keywords"),
            weak_keywords=_strings(item, "weak_keywords"),
        )
        terms.append(term)
        for spelling in (label, *aliases):
            key = match_key(spelling)
            if not key:
                continue
            other = lookup.get(key)
            if other is not None and other != label:
                raise VocabularyError(
                    f"{path}: '{spelling}' in [{name}] names both '{other}' and '{label}'. "
                    "Remove the alias from one of them."
                )
            lookup[key] = label
    if not terms:
        raise VocabularyError(f"{path}: section [{name}] is empty.")
    return Section(
        name=name, terms=tuple(terms), _lookup=lookup, _matcher=_matcher(name, terms, lookup, path)
    )


def _strings(item: dict, key: str) -> tuple[str, ...]:
    return tuple(str(a) for a in item.get(key, []) or [])


def _matcher(name: str, terms: list[Term], lookup: dict[str, str], path: Path) -> Matcher:
    """The non-exact readings of a section; a spelling or keyword of two labels is an error."""
    m = Matcher(exact=lookup, codes={t.code: t.label for t in terms if t.code is not None})
    for t in terms:
        for spelling in t.reported_aliases:
            key = match_key(spelling)
            other = lookup.get(key) or m.reported.get(key)
            if other is not None and other != t.label:
                raise VocabularyError(
                    f"{path}: '{spelling}' in [{name}] names both '{other}' and '{t.label}'. "
                    "Remove it from one of them."
                )
            if key and other is None:
                m.reported[key] = t.label
        for weak, phrases in ((False, t.keywords), (True, t.weak_keywords)):
            for phrase in phrases:
                clash = m.add_keyword(phrase, t.label, weak)
                if clash is not None:
                    raise VocabularyError(
                        f"{path}: keyword '{phrase}' in [{name}] is given to both "
                        f"'{clash.label}' and '{t.label}'. Keep it for one of them."
                    )
    return m


@lru_cache(maxsize=8)
def _load(path: Path, mtime: float) -> Vocabulary:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VocabularyError(f"Vocabulary file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyError(f"Vocabulary file {path} is not valid TOML: {exc}") from None
    sections = {}
    for name in SECTIONS:
        if name not in data:
            raise VocabularyError(f"{path}: section [[{name}]] is missing.")
        sections[name] = _build_section(name, data[name], path)
    sheets = []
    for raw in data.get("sheets", []):
        try:
            cols, register = (
                tuple(
                    ColumnSpec(
                        header=str(c["header"]),
                        field=str(c["field"]),
                        required=bool(c.get("required", False)),
                        aliases=tuple(str(a) for a in c.get("aliases", [])),
                    )
                    for c in raw.get(key, [])
                )
                for key in ("columns", "register_columns")
            )
            if not cols:
                raise KeyError("columns")
            sheets.append(
                SheetSpec(
                    name=str(raw["name"]),
                    table=str(raw["table"]),
                    aliases=tuple(str(a) for a in raw.get("aliases", [])),
                    columns=cols,
                    register_columns=register,
                )
            )
        except (KeyError, TypeError) as exc:
            raise VocabularyError(f"{path}: a [[sheets]] entry is incomplete ({exc}).") from None
    if {s.table for s in sheets} != {"agreements", "scope_items", "activities"}:
        raise VocabularyError(
            f"{path}: [[sheets]] must describe the tables agreements, scope_items, activities."
        )
    aux = data.get("auxiliary_sheets", {})
    return Vocabulary(
        path=path,
        sheets=tuple(sheets),
        auxiliary_sheets=tuple(aux.get("names", [])),
        index_headers=tuple(aux.get("index_headers", [])),
        **sections,
    )


def load_vocabulary(path: str | Path | None = None) -> Vocabulary:
    """Load (and cache) the vocabulary.

    Parameters
    ----------
    path
        TOML file; default :data:`evaluation.config.VOCABULARY_PATH`.

    Raises
    ------
    VocabularyError
        If the file is missing, not TOML, lacks a section, or an alias is ambiguous.
    """
    p = Path(path) if path is not None else config.VOCABULARY_PATH
    try:
        mtime = p.stat().st_mtime
    except FileNotFoundError:
        raise VocabularyError(f"Vocabulary file not found: {p}") from None
    return _load(p, mtime)
