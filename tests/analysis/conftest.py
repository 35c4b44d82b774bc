"""Fixture ``register``: the hand-made register of tests/registers.py (a fresh copy per test)."""

from __future__ import annotations

import pandas as pd
import pytest

from registers import make_register


@pytest.fixture
def register() -> dict[str, pd.DataFrame]:
    """:func:`registers.make_register`."""
    return make_register()
