"""One parameter model: the definition in evaluation.params drives the command line, the
notebooks' parameters cells (read with papermill) and what the analysis receives."""

import dataclasses
import shutil
from datetime import date
from pathlib import Path

import nbformat
import pytest

from evaluation.analysis.tables import metric_params
from evaluation.errors import ParameterError
from evaluation.params import (
    PARAM_NAMES,
    PARAMS,
    RUN_PARAMS,
    SPEC,
    ReportParams,
    check_notebook_parameters,
    check_params,
    describe,
    parse_cli_pairs,
)

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_defaults_follow_the_methodology():
    p = check_params({})
    assert p.since == date(2018, 1, 1)
    assert (p.grace_months, p.stale_months, p.expiry_months, p.low_rate) == (12, 12, 6, 0.5)
    assert p.as_of is None and p.lang == "id"


def test_report_params_are_the_definition():
    assert [f.name for f in dataclasses.fields(ReportParams)] == list(PARAM_NAMES)
    assert {f.name: f.default for f in dataclasses.fields(ReportParams)} == {
        p.name: p.default for p in PARAMS
    }
    for p in PARAMS:
        assert p.help.strip(), p.name
        if p.kind in ("int", "fraction"):
            assert p.low is not None and p.high is not None and p.low <= p.default <= p.high


def test_text_values_are_converted():
    p = check_params(
        {"as_of": "2024-03-14", "grace_months": "18", "low_rate": "0,4", "category": "pemkab"}
    )
    assert p.as_of == date(2024, 3, 14)
    assert p.grace_months == 18
    assert p.low_rate == pytest.approx(0.4)
    assert p.category == "Pemerintah Daerah"
    assert check_params({"category": "None", "as_of": ""}).category is None


def test_unknown_parameter_lists_the_valid_names():
    with pytest.raises(ParameterError) as err:
        check_params({"grace_month": "18"})
    assert "'grace_month' tidak dikenal" in str(err.value)
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
    with pytest.raises(ParameterError, match="'grace_months' harus bilangan bulat 0–120 bulan"):
        check_params({"grace_months": "-1"})
    with pytest.raises(ParameterError, match="'stale_months' harus bilangan bulat 1–120"):
        check_params({"stale_months": "1.5"})
    with pytest.raises(ParameterError, match="'low_rate' harus pecahan 0–1"):
        check_params({"low_rate": "2"})
    with pytest.raises(ParameterError, match="low_rate"):
        check_params({"low_rate": "nan"})


def test_stale_months_zero_is_refused_naming_the_range():
    with pytest.raises(ParameterError) as err:
        check_params(parse_cli_pairs(["stale_months=0"]))
    assert str(err.value) == "Parameter 'stale_months' harus bilangan bulat 1–120 bulan, bukan '0'."
    assert err.value.exit_code == 2 and err.value.name == "stale_months"


def test_as_of_before_since_is_refused():
    with pytest.raises(ParameterError, match="lebih awal dari since"):
        check_params({"as_of": "2017-12-31"})


def test_cli_pairs():
    assert parse_cli_pairs(["grace_months=18", "category = Pemda"]) == {
        "grace_months": "18",
        "category": "Pemda",
    }
    with pytest.raises(ParameterError, match="NAME=VALUE"):
        parse_cli_pairs(["grace_months"])
    with pytest.raises(ParameterError, match="--as-of"):
        parse_cli_pairs(["as_of=2024-03-14"])


def test_help_lists_every_parameter_with_its_range_and_default():
    text = describe()
    for p in PARAMS:
        assert p.name in text and p.help in text and p.allowed() in text
    assert "bilangan bulat 1–120 bulan; bawaan 12" in text


def test_to_notebook_gives_iso_dates():
    p = ReportParams(as_of=date(2024, 3, 14))
    d = p.to_notebook()
    assert d["as_of"] == "2024-03-14" and d["since"] == "2018-01-01"
    assert set(d) == set(PARAM_NAMES)


# ------------------------------------------------------------------------------ the analysis
def _boundaries(p) -> list[object]:
    if p.kind == "int":
        return [p.low - 1, p.low, p.default, p.high, p.high + 1]
    return [p.low - 0.01, p.low, p.default, p.high, p.high + 0.01]


@pytest.mark.parametrize("name", [p.name for p in PARAMS if p.kind in ("int", "fraction")])
def test_what_the_definition_accepts_the_analysis_accepts(name):
    """No value passes the command line and then fails after ingestion (stale_months=0 did)."""
    accepted = 0
    for value in _boundaries(SPEC[name]):
        try:
            checked = check_params({"as_of": "2024-03-14", name: value})
        except ParameterError:
            continue
        metric_params(checked).validate()  # must not raise
        accepted += 1
    assert accepted == 3  # low, default, high; the values outside were refused


# ------------------------------------------------------------------------------ the notebooks
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_each_notebook_declares_exactly_the_parameters(notebook):
    assert check_notebook_parameters(notebook) == {p.name: p.default for p in PARAMS}


def _with_parameters_cell(tmp_path: Path, edit) -> Path:
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = edit(cell.source)
    out = tmp_path / NOTEBOOKS[0].name
    nbformat.write(nb, out)
    return out


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda s: s.replace("stale_months = 12", "stale_months = 0"),
            "harus bilangan bulat 1–120",
        ),
        (lambda s: s.replace("grace_months = 12", "grace_months = 18"), "definisinya 12"),
        (
            lambda s: s.replace("top_n = 25", "top_rows = 25"),
            "kurang: top_n; tidak dikenal: top_rows",
        ),
        (lambda s: "", "tidak ada sel bertanda 'parameters'"),
    ],
    ids=["out-of-range", "other-default", "renamed", "empty"],
)
def test_a_parameters_cell_that_disagrees_is_refused(tmp_path, edit, expected):
    path = _with_parameters_cell(tmp_path, edit)
    with pytest.raises(ParameterError, match=expected):
        check_notebook_parameters(path)


def test_run_parameters_are_declared_by_the_notebooks():
    assert set(RUN_PARAMS) == {"tables_dir", "processed_dir", "previous_dir"}


def test_a_report_whose_notebook_disagrees_with_the_model_is_refused_before_any_work(tmp_path):
    """`evaluation report` checks the pack's notebooks against the parameter model first:
    nothing is ingested and no report folder is made."""
    from evaluation import config
    from evaluation.publish.run import run_report

    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    for nb in NOTEBOOKS:
        shutil.copy(nb, nb_dir / nb.name)
    _with_parameters_cell(nb_dir, lambda s: s.replace("stale_months = 12", "stale_months = 9"))
    with pytest.raises(ParameterError, match="stale_months"):
        run_report(
            raw_dir=config.RAW_DIR,
            processed_dir=tmp_path / "processed",
            out_dir=tmp_path / "reports",
            notebooks_dir=nb_dir,
            echo=lambda m: None,
        )
    assert not (tmp_path / "processed").exists() and not (tmp_path / "reports").exists()


def test_every_number_parameter_has_a_message_in_both_languages():
    """A range refusal is worded by the parameter's kind and unit (a new unit needs its
    message in translations.toml)."""
    from evaluation.params import _RANGE_CODES
    from evaluation.presentation.text import load_translations

    table = load_translations()
    for p in PARAMS:
        if p.kind in ("int", "fraction"):
            code = _RANGE_CODES.get((p.kind, p.unit))
            assert code and {"id", "en"} <= set(table[f"error.{code}"]), p.name
            with pytest.raises(ParameterError) as err:
                check_params({p.name: p.high + 1})
            assert err.value.code == code and err.value.fields["name"] == p.name
