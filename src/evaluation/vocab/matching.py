"""Reading a label written in natural words: list numbering, scope numbers, reported aliases
and keywords (all from ``vocabulary.toml``).

:meth:`evaluation.vocab.loader.Section.canonical` reads a label or alias exactly (case, spaces
and punctuation ignored). What it does not read, :meth:`Matcher.match` tries next, in order:

1. a scope number: ``3``, ``"3"``, ``"Ruang Lingkup 3"``, ``"Lingkup ke-3"`` (sections whose
   terms have a ``code``);
2. list numbering or a bullet before a label or alias: ``"1. Diklat CPMI"``, ``"- Koordinasi"``;
3. a *reported alias* (``reported_aliases``): a spelling that means the label but must always
   be pointed out, e.g. ``"Batal"`` counted as ``Belum Dilaksanakan``;
4. keywords (``keywords``, ``weak_keywords``): words or phrases found as whole words in the
   text. A keyword inside a longer keyword found at the same place does not count
   ("tidak terlaksana" is not "terlaksana"); weak keywords (place words such as "kota")
   count only when no other keyword is found ("RSUD Kota Bandung" is a hospital). Keywords
   of exactly one label read the text as that label; keywords of several labels make it
   ambiguous.

Every such reading is non-exact: ingestion reports it with the text as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_WORD = re.compile(r"[0-9a-z]+")
_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}")
_LEAD = re.compile(
    r"^\s*(?:\(?\d{1,2}[.)]|\(\d{1,2}\)|[a-z][.)]|[-\u2022*\u00b7\u25aa\u2013\u2014>])\s*"
)
_SCOPE_NUMBER = re.compile(
    r"^(?:ruang\s*lingkup|lingkup|rl|scope|no|nomor)?\s*(?:ke)?\s*[-.:#]?\s*(\d{1,2})\.?$"
)


def words(text: object) -> list[str]:
    """Lower-case, accent-folded words (letters and digits) of ``text``."""
    s = unicodedata.normalize("NFKD", str(text)).casefold()
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = _INITIALS.sub(lambda m: m.group().replace(".", ""), s)  # "R.S." is the word "rs"
    return _WORD.findall(s)


@dataclass(frozen=True)
class LabelMatch:
    """How a text was read. ``how`` is ``"number"``, ``"numbered"``, ``"reported"``,
    ``"keyword"`` or ``"ambiguous"``; ``evidence`` the number or keyword found;
    ``candidates`` the labels an ambiguous text could be (``label`` is then None)."""

    label: str | None
    how: str
    evidence: str = ""
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Keyword:
    words: tuple[str, ...]
    label: str
    weak: bool = False


@dataclass
class Matcher:
    """The non-exact readings of one vocabulary section (built by the loader)."""

    exact: dict[str, str]  # match key -> label (labels and aliases)
    codes: dict[int, str] = field(default_factory=dict)
    reported: dict[str, str] = field(default_factory=dict)  # match key -> label
    keywords: dict[str, list[Keyword]] = field(default_factory=dict)  # first word -> keywords

    def add_keyword(self, phrase: str, label: str, weak: bool) -> Keyword | None:
        """Register a keyword; returns the keyword of another label it repeats, if any."""
        ws = tuple(words(phrase))
        if not ws:
            return None
        bucket = self.keywords.setdefault(ws[0], [])
        for k in bucket:
            if k.words == ws and k.label != label:
                return k
        bucket.append(Keyword(ws, label, weak))
        return None

    def match(self, value: object, key: str) -> LabelMatch | None:
        """The reading of ``value`` (whose match key is ``key``), or None if there is none."""
        number = _number(value)
        if number is not None and self.codes:
            label = self.codes.get(number)
            return LabelMatch(label, "number", str(number)) if label else None
        if not isinstance(value, str):
            return None
        text = unicodedata.normalize("NFKC", value).casefold().strip()
        if self.codes:
            m = _SCOPE_NUMBER.match(text)
            if m and int(m.group(1)) in self.codes:
                return LabelMatch(self.codes[int(m.group(1))], "number", m.group(1))
        lead = _LEAD.match(text)
        if lead and lead.end() < len(text):
            rest = text[lead.end() :]
            label = self.exact.get(_key(rest)) or self.reported.get(_key(rest))
            if label is not None:
                return LabelMatch(label, "numbered", lead.group(0).strip())
        else:
            rest = text
        if key in self.reported:
            return LabelMatch(self.reported[key], "reported")
        found = self._by_keywords(words(rest))
        if found is None and rest is not text:  # what looked like numbering may be a word
            found = self._by_keywords(words(text))
        return found

    def _by_keywords(self, ws: list[str]) -> LabelMatch | None:
        hits: list[tuple[int, int, Keyword]] = []
        for i, w in enumerate(ws):
            for k in self.keywords.get(w, ()):
                n = len(k.words)
                if tuple(ws[i : i + n]) == k.words:
                    hits.append((i, i + n, k))
        if not hits:
            return None
        # a keyword inside a longer one found at the same place does not count
        hits = [
            h
            for h in hits
            if not any(
                o is not h and o[0] <= h[0] and h[1] <= o[1] and (o[1] - o[0]) > (h[1] - h[0])
                for o in hits
            )
        ]
        strong = [h for h in hits if not h[2].weak]
        chosen = strong or hits
        labels: dict[str, str] = {}
        for _, _, k in chosen:
            labels.setdefault(k.label, " ".join(k.words))
        if len(labels) == 1:
            ((label, evidence),) = labels.items()
            return LabelMatch(label, "keyword", evidence)
        return LabelMatch(None, "ambiguous", candidates=tuple(labels))


#: A scope number as written: one to three ASCII digits.
_DIGITS = re.compile(r"[0-9]{1,3}")


def _number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):  # "³".isdigit() is True
        return int(value.strip())
    return None


def _key(text: str) -> str:
    """:func:`evaluation.vocab.loader.match_key` (the words of a text, joined)."""
    return "".join(words(text))
