"""Scope coverage checks for the data-quality appendix.

* :func:`agreements_without_scope`: agreements of the evaluation with no scope item at all (they
  count for the follow-up rate but for no scope rate).
* :func:`expected_scopes`: for each partner category, the scopes the vocabulary says its
  agreements usually carry (``typical_scopes`` in ``vocabulary.toml``) and how many of the
  category's agreements carry each; a category with agreements but none carrying an expected
  scope is worth checking in the register (a scope left out when the agreement was entered?).
"""

from __future__ import annotations

import pandas as pd

from evaluation.analysis.core import Prepared
from evaluation.analysis.frames import _astype

WITHOUT_SCOPE_COLUMNS = [
    "agreement_id",
    "partner_name",
    "partner_category",
    "unit",
    "signed_on",
    "source_file",
    "source_sheet",
    "source_row",
]
EXPECTED_COLUMNS = ["category", "scope", "agreements", "agreements_with_scope", "used"]


def agreements_without_scope(tbl: Prepared) -> pd.DataFrame:
    """Agreements of the evaluation without any scope item (table
    ``agreements_without_scope``), in signing order, with their provenance."""
    win = tbl.core.tables
    ag = win.agreements
    has = ag["agreement_id"].isin(win.scope_items["agreement_id"]).fillna(False).astype(bool)
    out = ag.loc[~has].reindex(columns=WITHOUT_SCOPE_COLUMNS)
    return out.sort_values(["signed_on", "agreement_id"], kind="stable").reset_index(drop=True)


def expected_scopes(tbl: Prepared) -> pd.DataFrame:
    """Expected scopes per category and their use (table ``expected_scopes``).

    One row per (category, expected scope) in vocabulary order, for the categories of the
    evaluation (one category in a per-category report): ``agreements`` of the category,
    ``agreements_with_scope`` carrying the scope, ``used`` (at least one does).
    """
    win, vocab = tbl.core.tables, tbl.core.vocab
    ag = win.agreements[["agreement_id", "partner_category"]]
    items = win.scope_items[["agreement_id", "scope"]].merge(ag, on="agreement_id", how="inner")
    n_cat = ag.groupby("partner_category").size()
    n_pair = items.groupby(["partner_category", "scope"])["agreement_id"].nunique()
    category = tbl.params.category
    rows = []
    for label in vocab.partner_categories.labels:
        if category is not None and label != category:
            continue
        for code in vocab.partner_categories.term(label).typical_scopes:
            scope = vocab.scope_by_code(code)
            k = int(n_pair.get((label, scope), 0))
            rows.append(
                {
                    "category": label,
                    "scope": scope,
                    "agreements": int(n_cat.get(label, 0)),
                    "agreements_with_scope": k,
                    "used": k > 0,
                }
            )
    out = pd.DataFrame(rows, columns=EXPECTED_COLUMNS)
    return _astype(
        out,
        {
            "category": "string",
            "scope": "string",
            "agreements": "int64",
            "agreements_with_scope": "int64",
            "used": "bool",
        },
    )


__all__ = [
    "EXPECTED_COLUMNS",
    "WITHOUT_SCOPE_COLUMNS",
    "agreements_without_scope",
    "expected_scopes",
]
