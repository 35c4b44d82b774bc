"""The findings rules on small hand-made dicts of tables of record.

Each fixture is the handful of tables a rule reads, with numbers chosen so that the expected
finding (or its absence) follows by hand:

- categories A (20 agreements, 30% [20–40%]) and B (10, 35% [25–45%]) overlap: no claim;
  C (3 agreements, 0% [0–10%]) clears both but is too small to be compared;
- A at 10% [5–20%] against B 50% [40–60%] and C 55% [45–65%]: A is clearly lowest
  (20% < 40%); C's 45% is below B's 60%, so no highest; with C at 80% [70–90%] C is clearly
  highest (70% > 60%);
- tiers: 3 tier-1, 4 tier-2 (units U1, U1, U2, none; partners P1, p1, P2, P3 -> 3 distinct
  ignoring case), 2 tier-3 (unit U2).
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from evaluation.analysis import findings as fnd
from evaluation.analysis.findings import DECISION_CODES, FINDING_CODES, Item, findings
from findings_fixtures import (
    CLEAR_HIGH,
    CLEAR_LOW,
    OVERLAP,
    _assistance,
    _facts,
    _params,
    _tier_tables,
)


def _run(tables, rules) -> pd.DataFrame:
    return findings(tables, min_n=5, rules=rules)


def _only(df: pd.DataFrame, code: str) -> dict:
    rows = df[df["code"] == code]
    assert len(rows) == 1, df
    return json.loads(rows["fields"].iloc[0])


# --------------------------------------------------------------------------- follow-up
def test_followup_overall_copies_counts_rate_and_interval():
    overall = pd.DataFrame(
        [
            {
                "agreements": 12,
                "agreements_followed_up": 7,
                "followup_rate": 7 / 12,
                "followup_rate_low": 0.3195,
                "followup_rate_high": 0.8067,
            }
        ]
    )
    df = _run({"rates_overall": overall}, [fnd.followup_overall])
    assert list(df["kind"]) == ["finding"] and list(df["rank"]) == [1]
    assert _only(df, "followup_overall") == {
        "done": 7,
        "n": 12,
        "rate": 7 / 12,
        "low": 0.3195,
        "high": 0.8067,
    }


def test_followup_overall_does_not_fire_without_agreements():
    overall = pd.DataFrame(
        [
            {
                "agreements": 0,
                "agreements_followed_up": 0,
                "followup_rate": math.nan,
                "followup_rate_low": math.nan,
                "followup_rate_high": math.nan,
            }
        ]
    )
    assert _run({"rates_overall": overall}, [fnd.followup_overall]).empty
    assert _run({}, [fnd.followup_overall]).empty


# --------------------------------------------------------------------------- comparisons
def test_overlapping_intervals_give_no_lowest_claim():
    tables = {
        "rates_by_category": OVERLAP,
        "summary_facts": _facts(lowest_category="A"),
        "report_parameters": _params(),
    }
    df = _run(tables, [fnd.category_comparison])
    assert list(df["code"]) == ["category_no_clear_difference"]
    assert _only(df, "category_no_clear_difference") == {
        "groups": 2,  # A and B; C (3 agreements) and D (none) are not compared
        "min_rate": 0.30,
        "max_rate": 0.35,
        "small_groups": 1,  # C
        "min_n": 5,
        "clustered": False,
    }


def test_a_small_group_is_never_named_even_when_its_interval_clears():
    # C (3 agreements, 0-10%) sits below every other interval, but is under min_n.
    tables = {
        "rates_by_category": OVERLAP,
        "summary_facts": _facts(lowest_category="C"),
        "report_parameters": _params(),
    }
    df = _run(tables, [fnd.category_comparison])
    assert "category_lowest" not in set(df["code"])


def test_a_clearly_lowest_category_is_named_with_its_interval():
    tables = {
        "rates_by_category": CLEAR_LOW,
        "summary_facts": _facts(lowest_category="A"),
        "report_parameters": _params(),
    }
    df = _run(tables, [fnd.category_comparison])
    assert list(df["code"]) == ["category_lowest"]  # C (45-65%) overlaps B (40-60%)
    assert _only(df, "category_lowest") == {
        "category": "A",
        "rate": 0.10,
        "low": 0.05,
        "high": 0.20,
        "n": 20,
        "others": 2,
        "min_n": 5,
        "others_low": 0.40,
        "others_high": 0.65,
        "clustered": False,
    }


def test_a_clearly_highest_category_is_named():
    tables = {
        "rates_by_category": CLEAR_HIGH,
        "summary_facts": _facts(lowest_category="A"),
        "report_parameters": _params(),
    }
    df = _run(tables, [fnd.category_comparison])
    assert list(df["code"]) == ["category_lowest", "category_highest"]
    high = _only(df, "category_highest")
    assert (high["category"], high["low"], high["others_high"]) == ("C", 0.70, 0.60)


def test_summary_facts_naming_no_group_means_no_claim():
    # Once summary_facts carries highest_* and leaves a group unnamed, the rule follows it.
    tables = {
        "rates_by_category": CLEAR_HIGH,
        "summary_facts": _facts(lowest_category=None, highest_category=None),
        "report_parameters": _params(),
    }
    df = _run(tables, [fnd.category_comparison])
    assert list(df["code"]) == ["category_no_clear_difference"]


def test_cluster_intervals_are_used_when_the_table_has_them():
    # Wilson says A (5-20%) clears B (40-60%); the wider cluster-aware intervals overlap.
    wide = CLEAR_LOW.assign(
        scope_rate_cl_low=[0.02, 0.15, 0.20], scope_rate_cl_high=[0.30, 0.80, 0.85]
    )
    tables = {
        "rates_by_category": wide,
        "summary_facts": _facts(lowest_category="A"),
        "report_parameters": _params(),
    }
    df = _run(tables, [fnd.category_comparison])
    assert list(df["code"]) == ["category_no_clear_difference"]
    assert _only(df, "category_no_clear_difference")["clustered"] is True


def test_no_category_comparison_in_a_one_category_report_or_with_one_group():
    one_cat = {
        "rates_by_category": CLEAR_LOW,
        "summary_facts": _facts(lowest_category="A"),
        "report_parameters": _params(category="A"),
    }
    assert _run(one_cat, [fnd.category_comparison]).empty
    one_group = {
        "rates_by_category": CLEAR_LOW.iloc[:1],
        "summary_facts": _facts(lowest_category="A"),
        "report_parameters": _params(),
    }
    assert _run(one_group, [fnd.category_comparison]).empty


def test_scope_comparison_counts_scope_items():
    scopes = pd.DataFrame(
        {
            "scope": ["S1", "S2", "S3"],
            "scope_items": [40, 50, 4],
            "scope_rate": [0.05, 0.60, 0.0],
            "scope_rate_low": [0.01, 0.46, 0.0],
            "scope_rate_high": [0.17, 0.72, 0.49],
        }
    )
    tables = {
        "rates_by_scope": scopes,
        "summary_facts": _facts(lowest_scope="S1"),
        "report_parameters": _params(category="A"),  # scopes are compared in any report
    }
    df = _run(tables, [fnd.scope_comparison])
    assert list(df["code"]) == ["scope_lowest", "scope_highest"]
    low = _only(df, "scope_lowest")
    assert (low["scope"], low["n"], low["others"]) == ("S1", 40, 1)
    assert _only(df, "scope_highest")["scope"] == "S2"


# --------------------------------------------------------------------------- tiers
def test_tier_findings_and_decisions_by_hand():
    rules = [fnd.expiring_low, fnd.no_realisation, fnd.watch_tier3]
    df = _run(_tier_tables(_assistance()), rules)
    assert list(zip(df["kind"], df["code"], df["rank"], strict=True)) == [
        ("finding", "expiring_low", 1),
        ("finding", "no_realisation_unit", 2),
        ("decision", "decide_tier1", 1),
        ("decision", "assign_tier2", 2),
        ("decision", "confirm_tier3", 3),
    ]
    assert _only(df, "expiring_low") == {"n": 3, "ending": 5, "months": 6, "low_rate": 0.5}
    assert _only(df, "no_realisation_unit") == {
        "n": 4,
        "partners": 3,
        "months": 12,
        "unit": "U1",
        "unit_n": 2,
    }
    assert _only(df, "decide_tier1")["units"] == [["U2", 2], ["U1", 1]]
    t2 = _only(df, "assign_tier2")
    # U1 2, then U2 1 and the unrecorded unit 1 (named units first on a tie)
    assert t2["units"] == [["U1", 2], ["U2", 1], [None, 1]]
    assert (t2["other_units"], t2["other_n"]) == (0, 0)
    assert _only(df, "confirm_tier3") == {"n": 2, "months": 12}


def test_no_most_in_unit_on_a_tie_and_units_beyond_the_top_are_counted():
    assist = _assistance()
    assist.loc[assist["agreement_id"] == "b2", "unit"] = "U3"  # U1, U3, U2, none: 1 each
    extra = pd.DataFrame(
        [("b5", "P5", "U4", 2)], columns=["agreement_id", "partner_name", "unit", "tier"]
    )
    assist = pd.concat([assist, extra.astype({"unit": "string"})], ignore_index=True)
    df = _run(_tier_tables(assist), [fnd.no_realisation])
    assert list(df["code"]) == ["no_realisation", "assign_tier2"]
    t2 = _only(df, "assign_tier2")
    assert t2["units"] == [["U1", 1], ["U2", 1], ["U3", 1]]
    assert (t2["other_units"], t2["other_n"]) == (2, 2)  # U4 and the unrecorded unit


def test_tier_rules_do_not_fire_without_tiers():
    empty = _assistance().iloc[:0]
    rules = [fnd.expiring_low, fnd.no_realisation, fnd.watch_tier3]
    assert _run(_tier_tables(empty), rules).empty
    no_tier = _assistance().drop(columns="tier")
    assert _run({"needs_assistance": no_tier}, rules).empty
    only_t3 = _assistance()[lambda d: d["tier"] == 3]
    assert list(_run(_tier_tables(only_t3), rules)["code"]) == ["confirm_tier3"]


# --------------------------------------------------------------------------- the table
def test_rules_plug_in_findings_are_capped_and_ranked():
    def many(ctx):
        for i in range(7):
            yield Item("finding", f"x{i}", 100 - i, {"n": i})
        yield Item("decision", "d", 1, {"n": 1})

    df = findings({}, rules=[many])
    found = df[df["kind"] == "finding"]
    assert len(found) == fnd.MAX_FINDINGS
    assert list(found["code"]) == ["x6", "x5", "x4", "x3", "x2"]  # lowest priority first
    assert list(found["rank"]) == [1, 2, 3, 4, 5]
    assert list(df["kind"]) == ["finding"] * 5 + ["decision"]
    assert list(df.columns) == fnd.FINDINGS_COLUMNS


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        findings({}, rules=[lambda ctx: [Item("remark", "x", 1)]])


def test_fields_are_plain_json_numbers_and_labels():
    overall = pd.DataFrame(
        {
            "agreements": pd.array([3], dtype="Int64"),
            "agreements_followed_up": pd.array([pd.NA], dtype="Int64"),
            "followup_rate": [float("nan")],
            "followup_rate_low": [0.1],
            "followup_rate_high": [0.9],
        }
    )
    df = _run({"rates_overall": overall}, [fnd.followup_overall])
    assert df["fields"].iloc[0] == ('{"done": null, "n": 3, "rate": null, "low": 0.1, "high": 0.9}')


def test_every_rule_code_is_listed():
    # The translation test finds finding.<code> messages through these literal lists.
    assert len(set(FINDING_CODES)) == len(FINDING_CODES)
    assert set(DECISION_CODES) == {"decide_tier1", "assign_tier2", "confirm_tier3"}
    assert fnd.RULES[:2] == [fnd.followup_overall, fnd.category_comparison]
