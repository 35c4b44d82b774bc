"""Tests of evaluation.presentation.comparisons: the funnel plot's note, worded from its table."""

from __future__ import annotations

import pandas as pd

from evaluation.presentation.comparisons import catatan_corong


def test_catatan_corong_counts_groups_beyond_the_limits():
    df = pd.DataFrame(
        {
            "province": ["A", "B", "C", "D"],
            "overall_rate": [0.4737] * 4,
            "position": ["within", "above_95", "below_998", "within"],
        }
    )
    html = catatan_corong(df)._repr_html_()
    assert "tingkat keseluruhan (47,4%)" in html
    # beyond 95% counts the groups beyond 99.8% too
    assert "Di luar 95%: 2; di luar 99,8%: 1 dari 4 kelompok." in html
    assert catatan_corong(df.iloc[0:0]) is None
