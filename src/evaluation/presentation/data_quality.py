"""The data-quality appendix: every input row accounted for, remarks grouped by kind.

One function, :func:`kualitas_data`, reading the tables ``data_quality_summary`` and
``data_quality`` of the report (written by ingestion, copied as tables of record), and the scope
coverage checks ``agreements_without_scope`` and ``expected_scopes`` (computed in analysis).
"""

from __future__ import annotations

import re

import pandas as pd

from evaluation.presentation.display import Html, bagian, esc, tabel, table_html
from evaluation.presentation.remarks import remark_texts
from evaluation.presentation.report import Laporan
from evaluation.presentation.text import fmt_date, fmt_int, t
from evaluation.vocab.loader import load_vocabulary


def _problem_kind(problem: str, code: str | None = None) -> str:
    """Kind of a data-quality remark, for grouping: its ``code`` when it has one; else (a
    ``data_quality.csv`` written before codes existed) its English wording without the
    specific values."""
    if code is not None and not pd.isna(code) and str(code).strip():
        return str(code).strip()
    s = re.sub(r"'[^']*'", "'…'", str(problem))
    s = re.sub(r"\d[\d\-/.]*", "#", s)
    return "~" + s.split(";")[0].split(":")[0].strip()


def kualitas_data(L: Laporan) -> Html:
    """The data-quality section: rows read/used/fixed/quarantined/ignored per file and
    sheet, the remarks grouped by action and kind, and the quarantined rows."""
    lang = L.lang
    T = L.tabel
    parts: list = []
    summ = T.get("data_quality_summary")
    dq = T.get("data_quality")
    if summ is not None and len(summ):
        tot = summ[["read", "used", "fixed", "quarantined", "ignored"]].sum()
        adds_up = int(tot["read"]) == int(
            tot["used"] + tot["fixed"] + tot["quarantined"] + tot["ignored"]
        )
        text = t(
            "note.dq_accounted",
            lang,
            **{k: fmt_int(tot[k], lang) for k in ("read", "used", "fixed", "quarantined")},
            ignored=fmt_int(tot["ignored"], lang),
        )
        if not adds_up:
            text += " " + t("note.dq_not_adding_up", lang)
        parts.append(Html(f"<p>{esc(text)}</p>"))
        parts.append(
            tabel(
                summ,
                kolom=["file", "sheet", "read", "used", "fixed", "quarantined", "ignored"],
                jenis={c: "int" for c in ("read", "used", "fixed", "quarantined", "ignored")},
            )
        )
    if dq is not None and len(dq):
        # The remark worded in the report's language from its code and fields (the English
        # problem when a row has no code), grouped by its code.
        english = dq["problem"].fillna("").astype(str)
        shown = remark_texts(dq, lang)
        codes = (
            dq["code"].fillna("").astype(str)
            if "code" in dq.columns
            else pd.Series("", index=dq.index)
        )
        dq = dq.assign(
            problem=shown,
            kind=[_problem_kind(p, c) for p, c in zip(english, codes, strict=True)],
        )
        groups = (
            dq.groupby(["action", "kind"], sort=False)
            .agg(n=("problem", "size"), example=("problem", "first"))
            .reset_index()
        )
        order = {"quarantined": 0, "fixed": 1, "used": 2, "ignored": 3}
        groups = groups.sort_values(
            by=["action", "n"],
            key=lambda s: s.map(order) if s.name == "action" else -s,
            kind="stable",
        )
        rows = [
            (
                t(f"action.{g.action}", lang),
                fmt_int(g.n, lang),
                g.example,
                t(f"fix.{g.action}", lang),
            )
            for g in groups.itertuples()
        ]
        cols = [t(f"col.{c}", lang) for c in ("action", "count", "example", "what_to_do")]
        parts.append(Html(f"<h3>{esc(t('section.dq_groups', lang))}</h3>"))
        parts.append(Html(table_html(pd.DataFrame(rows, columns=cols), long=True)))
        quarantined = dq[dq["action"] == "quarantined"]
        if len(quarantined):
            parts.append(Html(f"<h3>{esc(t('section.dq_quarantined', lang))}</h3>"))
            parts.append(
                tabel(
                    quarantined,
                    kolom=["file", "sheet", "row", "column", "value", "problem"],
                    jenis={c: "text" for c in ("row", "column", "value", "problem")},
                    panjang=True,
                )
            )
    else:
        parts.append(Html(f"<p>{esc(t('note.dq_clean', lang))}</p>"))
    parts.extend(_scope_coverage(L))
    return bagian("section.data_quality", *parts)


def _scope_coverage(L: Laporan) -> list[Html]:
    """Agreements without any scope, and scopes a category is expected to carry that none of
    its agreements carries (tables ``agreements_without_scope``, ``expected_scopes``)."""
    T, lang = L.tabel, L.lang
    vocab = load_vocabulary()
    parts: list[Html] = []
    none = T.get("agreements_without_scope")
    if none is not None:
        parts.append(Html(f"<h3>{esc(t('section.dq_without_scope', lang))}</h3>"))
        if len(none):
            text = t("note.dq_without_scope", lang, n=fmt_int(len(none), lang))
            rows = [
                (
                    "" if pd.isna(r.partner_name) else str(r.partner_name),
                    str(r.agreement_id),
                    vocab.partner_categories.display(r.partner_category, lang, short=True),
                    fmt_date(r.signed_on, lang),
                    f"{r.source_file} / {r.source_sheet} / {fmt_int(r.source_row, lang)}",
                )
                for r in none.itertuples()
            ]
            cols = [
                t(f"col.{c}", lang)
                for c in (
                    "partner_name",
                    "agreement_id",
                    "category",
                    "signed_on",
                    "source_location",
                )
            ]
            parts.append(Html(f"<p>{esc(text)}</p>"))
            parts.append(Html(table_html(pd.DataFrame(rows, columns=cols), long=True)))
        else:
            parts.append(Html(f"<p>{esc(t('note.dq_without_scope_none', lang))}</p>"))
    expected = T.get("expected_scopes")
    if expected is not None:
        unused = expected[(expected["agreements"] > 0) & ~expected["used"].astype(bool)]
        parts.append(Html(f"<h3>{esc(t('section.dq_expected_scopes', lang))}</h3>"))
        if len(unused):
            text = t("note.dq_expected_scopes", lang, n=fmt_int(len(unused), lang))
            rows = [
                (
                    vocab.partner_categories.display(r.category, lang),
                    vocab.scopes.display(r.scope, lang),
                    fmt_int(r.agreements, lang),
                    fmt_int(r.agreements_with_scope, lang),
                )
                for r in unused.itertuples()
            ]
            cols = [
                t(f"col.{c}", lang)
                for c in ("category", "scope", "agreements", "agreements_with_scope")
            ]
            parts.append(Html(f"<p>{esc(text)}</p>"))
            parts.append(Html(table_html(pd.DataFrame(rows, columns=cols))))
        else:
            parts.append(Html(f"<p>{esc(t('note.dq_expected_scopes_none', lang))}</p>"))
    return parts


__all__ = ["kualitas_data"]
