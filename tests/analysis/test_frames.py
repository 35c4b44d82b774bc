"""The frame helpers that stand in for pandas operations give what pandas gives.

``_isin``, ``_positions``, ``_astype`` and ``_frame_of`` replace ``Series.isin``, a left
merge, ``DataFrame.astype`` with a mapping and a named aggregation, because those cost
milliseconds on the small frames of a register. Each is compared with the pandas operation,
with missing values, absent keys, empty frames and columns that need a conversion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis import frames


def _ids(values: list) -> pd.Series:
    return pd.Series(values, dtype="string")


@pytest.mark.parametrize(
    ("values", "wanted"),
    [
        (["A1", "A2", None, "A3", "A2"], ["A2", None, "A9"]),
        (["A1", None], []),
        ([], ["A1"]),
        (["A1", "A2"], ["A1", "A2"]),
    ],
)
def test_isin_is_series_isin_with_missing_false(values, wanted):
    s, v = _ids(values), _ids(wanted)
    got = frames._isin(s, v)
    want = s.isin(v.dropna()).fillna(False).astype(bool)
    pd.testing.assert_series_equal(got, want, check_names=False)
    assert got.dtype == bool


def test_isin_keeps_the_index():
    s = pd.Series(["A1", "A2", "A3"], index=[10, 20, 30], dtype="string")
    got = frames._isin(s, _ids(["A3"]))
    assert got.index.tolist() == [10, 20, 30]
    assert got.tolist() == [False, False, True]


def _merged_positions(table: pd.DataFrame, keys: pd.DataFrame) -> np.ndarray:
    """What a left merge on unique keys brings: the table row of each key row, or -1."""
    t = table.assign(_pos=np.arange(len(table)))
    merged = keys.merge(t[[*keys.columns, "_pos"]], on=list(keys.columns), how="left")
    return merged["_pos"].fillna(-1).astype("int64").to_numpy()


@pytest.mark.parametrize("cols", [["agreement_id"], ["agreement_id", "scope"]])
def test_positions_are_a_left_merge_on_unique_keys(cols):
    table = pd.DataFrame(
        {
            "agreement_id": _ids(["A1", "A1", "A2", "A3", None]),
            "scope": _ids(["S1", "S2", "S1", None, "S1"]),
        }
    ).drop_duplicates(cols)
    keys = pd.DataFrame(
        {
            "agreement_id": _ids(["A3", "A1", "A9", None, "A1", "A2"]),
            "scope": _ids([None, "S2", "S1", "S1", "S3", "S1"]),
        }
    )[cols]
    got = frames._positions(table, keys)
    np.testing.assert_array_equal(got, _merged_positions(table, keys))
    assert (got == -1).any() and (got >= 0).any()


def test_positions_of_nothing_and_in_nothing():
    empty = pd.DataFrame({"agreement_id": _ids([])})
    some = pd.DataFrame({"agreement_id": _ids(["A1", "A2"])})
    assert frames._positions(some, empty).tolist() == []
    assert frames._positions(empty, some).tolist() == [-1, -1]


def test_astype_equals_dataframe_astype():
    df = pd.DataFrame(
        {
            "code": ["a", "b"],
            "label": pd.Series(["x", None], dtype="string"),
            "rows": [1, 2],
            "share": [0.5, None],
            "maybe": [None, 3],
            "kept": [True, False],
        }
    )
    dtypes = {
        "code": "string",
        "label": "string",
        "rows": "int64",
        "share": "float64",
        "maybe": "Int64",
    }
    before = df.copy()
    got = frames._astype(df, dtypes)
    pd.testing.assert_frame_equal(got, df.astype(dtypes), check_exact=True)
    assert got["code"].dtype == pd.StringDtype()  # "str" (NaN missing) became "string"
    pd.testing.assert_frame_equal(df, before, check_exact=True)  # the input is not changed


def test_astype_of_an_empty_frame_from_records():
    df = pd.DataFrame([], columns=["code", "rows"])
    dtypes = {"code": "string", "rows": "int64"}
    pd.testing.assert_frame_equal(frames._astype(df, dtypes), df.astype(dtypes))
    with pytest.raises(KeyError):
        frames._astype(df, {"absent": "int64"})


@pytest.mark.parametrize("n", [0, 7])
def test_frame_of_equals_named_aggregation(n):
    rng = np.random.default_rng(5)
    df = pd.DataFrame(
        {
            "agreement_id": _ids([f"A{i % 3}" for i in range(n)]),
            "done": rng.random(n) > 0.5,
            "rank": rng.integers(0, 3, n),
            "on": pd.to_datetime("2023-01-01") + pd.to_timedelta(rng.integers(0, 90, n), "D"),
        }
    )
    g = df.groupby("agreement_id", sort=False)
    got = frames._frame_of(
        followed_up=g["done"].any(),
        top=g["rank"].max(),
        first=g["on"].min(),
        n=g.size(),
        done=g["done"].sum(),
    )
    want = g.agg(
        followed_up=("done", "any"),
        top=("rank", "max"),
        first=("on", "min"),
        n=("rank", "size"),
        done=("done", "sum"),
    ).reset_index()
    pd.testing.assert_frame_equal(got, want, check_exact=True)
