"""Strict report parameters: unknown names, bad dates, categories and languages are refused."""

from datetime import date

import pytest

from evaluation.errors import ParameterError
from evaluation.params import PARAM_NAMES, ReportParams, check_params, parse_cli_pairs


def test_defaults_follow_the_methodology():
    p = check_params({})
    assert p.since == date(2018, 1, 1)
    assert (p.grace_months, p.stale_months, p.expiry_months, p.low_rate) == (12, 12, 6, 0.5)
    assert p.as_of is None and p.lang == "id"


def test_text_values_are_converted():
    p = check_params(
        {"as_of": "2024-03-14", "grace_months": "18", "low_rate": "0,4", "category": "pemkab"}
    )
    assert p.as_of == date(2024, 3, 14)
    assert p.grace_months == 18
    assert p.low_rate == pytest.approx(0.4)
    assert p.category == "Pemerintah Daerah"


def test_unknown_parameter_lists_the_valid_names():
    with pytest.raises(ParameterError) as err:
        check_params({"grace_month": "18"})
    assert "grace_month" in str(err.value)
    for name in PARAM_NAMES:
        assert name in str(err.value)


@pytest.mark.parametrize("bad", ["14-03-2024", "2024-13-01", "2024-02-30", "kemarin", "2024/03/14"])
def test_malformed_date_is_refused(bad):
    with pytest.raises(ParameterError, match="as_of"):
        check_params({"as_of": bad})


def test_unknown_category_lists_categories():
    with pytest.raises(ParameterError) as err:
        check_params({"category": "Koperasi"})
    assert "Pemerintah Daerah" in str(err.value) and "Lembaga Keuangan" in str(err.value)


def test_unknown_language_and_ranges():
    with pytest.raises(ParameterError, match="id, en"):
        check_params({"lang": "fr"})
    with pytest.raises(ParameterError, match="between 0 and 120"):
        check_params({"grace_months": "-1"})
    with pytest.raises(ParameterError, match="whole number"):
        check_params({"stale_months": "1.5"})
    with pytest.raises(ParameterError, match="between 0 and 1"):
        check_params({"low_rate": "2"})


def test_as_of_before_since_is_refused():
    with pytest.raises(ParameterError, match="before since"):
        check_params({"as_of": "2017-12-31"})


def test_cli_pairs():
    assert parse_cli_pairs(["grace_months=18", "category = Pemda"]) == {
        "grace_months": "18",
        "category": "Pemda",
    }
    with pytest.raises(ParameterError, match="NAME=VALUE"):
        parse_cli_pairs(["grace_months"])


def test_to_notebook_gives_iso_dates():
    p = ReportParams(as_of=date(2024, 3, 14))
    d = p.to_notebook()
    assert d["as_of"] == "2024-03-14" and d["since"] == "2018-01-01"
    assert set(d) == set(PARAM_NAMES)
