"""Outcome indicators of local-government partners (Perda, training budget, LTSA, Satgas)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from evaluation.analysis.core import _core
from evaluation.analysis.frames import _astype, _frame_of, _mask, _sort_groups
from evaluation.analysis.inputs import Params
from evaluation.vocab.loader import match_key

#: Partner category whose outcome indicators are reported (canonical vocabulary label).
LOCAL_GOVERNMENT = "Pemerintah Daerah"
#: Outcome types (canonical vocabulary labels) used by :func:`outcome_indicators`.
OUTCOME_PERDA = "Perda"
OUTCOME_TRAINING_BUDGET = "Anggaran Diklat"
OUTCOME_LTSA = "LTSA"
OUTCOME_SATGAS = "Satgas"

OUTCOME_COLUMNS = [
    "province",
    "partners",
    "partners_with_perda",
    "training_budget",
    "ltsa",
    "satgas",
]
OUTCOME_PARTNER_COLUMNS = [
    "partner_name",
    "province",
    "agreements",
    "has_perda",
    "training_budget",
    "has_ltsa",
    "has_satgas",
]


def outcome_indicators(tables: Any, params: Params) -> dict[str, pd.DataFrame]:
    """Outcome indicators of local-government partners (category ``Pemerintah Daerah``).

    Only counted (dated on or before ``as_of``) Terlaksana activities of agreements in the
    window count. A partner is a distinct partner name (compared case-, space- and
    punctuation-insensitively) within a province; a partner "has" an outcome when any of its
    agreements has a Terlaksana activity of that outcome type.

    Parameters
    ----------
    tables, params
        As :func:`rates`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``by_province``: ``province`` (vocabulary order; only provinces with partners),
        ``partners``, ``partners_with_perda``, ``training_budget`` (sum of ``value`` of
        Terlaksana *Anggaran Diklat* activities, float, 0 when none), ``ltsa``, ``satgas``
        (partners with a Terlaksana activity of that outcome). ``total``: the same columns in
        one row with ``province`` missing and ``is_total`` True (partners counted once). ``by_partner``:
        ``partner_name``, ``province``, ``agreements``, ``has_perda``, ``training_budget``,
        ``has_ltsa``, ``has_satgas``.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    core = _core(tables, params)
    s = core.summary
    ag = s[_mask(s["partner_category"] == LOCAL_GOVERNMENT)][
        ["agreement_id", "partner_name", "province"]
    ].copy()
    key = ag["partner_name"].astype("object").map(lambda v: match_key(v) if pd.notna(v) else "")
    ag["_partner"] = key.where(key != "", "id:" + ag["agreement_id"].astype("object"))
    ag["_pkey"] = ag["_partner"] + "|" + ag["province"].astype("object").fillna("").astype(str)
    acts = core.activities[core.activities["_done"]][["agreement_id", "outcome_type", "value"]]
    acts = acts.merge(ag[["agreement_id", "_pkey"]], on="agreement_id", how="inner")
    outcome = acts["outcome_type"].astype("object")
    acts = acts.assign(
        _perda=(outcome == OUTCOME_PERDA),
        _ltsa=(outcome == OUTCOME_LTSA),
        _satgas=(outcome == OUTCOME_SATGAS),
        _budget=acts["value"].where(outcome == OUTCOME_TRAINING_BUDGET, 0.0).fillna(0.0),
    )
    g = acts.groupby("_pkey", sort=False)
    per_act = _frame_of(
        has_perda=g["_perda"].any(),
        has_ltsa=g["_ltsa"].any(),
        has_satgas=g["_satgas"].any(),
        training_budget=g["_budget"].sum(),
    )
    g = ag.groupby("_pkey", sort=False)
    partners = _frame_of(
        partner_name=g["partner_name"].first(),
        province=g["province"].first(),
        agreements=g.size(),
        _partner=g["_partner"].first(),
    ).merge(per_act, on="_pkey", how="left")
    for c in ("has_perda", "has_ltsa", "has_satgas"):
        partners[c] = partners[c].astype("object").fillna(False).astype(bool)
    partners["training_budget"] = pd.to_numeric(partners["training_budget"]).fillna(0.0)
    partners["agreements"] = partners["agreements"].astype("int64")
    for c in ("partner_name", "province"):
        partners[c] = partners[c].astype("string")

    def _summ(df: pd.DataFrame) -> dict[str, Any]:
        return {
            "partners": df["_partner"].nunique(),
            "partners_with_perda": df.loc[df["has_perda"], "_partner"].nunique(),
            "training_budget": float(df["training_budget"].sum()),
            "ltsa": df.loc[df["has_ltsa"], "_partner"].nunique(),
            "satgas": df.loc[df["has_satgas"], "_partner"].nunique(),
        }

    # _summ per province, without a sub-frame per province (same numbers: the budget is
    # summed by pandas over the same rows in the same order)
    groups: dict[object, list[int]] = {}
    for i, prov in enumerate(partners["province"].astype("object").tolist()):
        groups.setdefault(None if pd.isna(prov) else prov, []).append(i)
    who = partners["_partner"].tolist()
    flags = {c: partners[c].tolist() for c in ("has_perda", "has_ltsa", "has_satgas")}
    budget = partners["training_budget"]

    def _distinct(rows: list[int], flag: str | None = None) -> int:
        return len({who[i] for i in rows if flag is None or flags[flag][i]})

    prov_rows = [
        {
            "province": pd.NA if prov is None else prov,
            "partners": _distinct(rows),
            "partners_with_perda": _distinct(rows, "has_perda"),
            "training_budget": float(budget.take(rows).sum()),
            "ltsa": _distinct(rows, "has_ltsa"),
            "satgas": _distinct(rows, "has_satgas"),
        }
        for prov, rows in groups.items()
    ]
    by_province = pd.DataFrame(prov_rows, columns=OUTCOME_COLUMNS)
    total = pd.DataFrame([{"province": pd.NA, **_summ(partners)}], columns=OUTCOME_COLUMNS)
    dtypes = {
        "province": "string",
        "partners": "int64",
        "partners_with_perda": "int64",
        "training_budget": "float64",
        "ltsa": "int64",
        "satgas": "int64",
    }
    by_province = _sort_groups(_astype(by_province, dtypes), ["province"], core.vocab)
    by_partner = _sort_groups(
        partners.sort_values("partner_name", kind="stable"), ["province"], core.vocab
    )
    return {
        "by_province": by_province,
        "total": _astype(total, dtypes).assign(is_total=True),
        "by_partner": by_partner[OUTCOME_PARTNER_COLUMNS],
    }
