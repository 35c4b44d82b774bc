"""The template, filled in as an analyst would, ingests without a single problem."""

import pytest
from openpyxl import load_workbook

from evaluation.authoring.template import write_filled_example, write_template
from evaluation.errors import InputError
from evaluation.ingest import ingest
from evaluation.vocab.loader import load_vocabulary


def test_filled_template_ingests_with_zero_problems(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_filled_example(raw / "isian.xlsx")
    result = ingest(raw)
    # The only remarks: the template's help sheets, not read, their rows counted.
    q = result.quality
    assert sorted(q["sheet"]) == ["Daftar", "Petunjuk"], q.to_string()
    assert set(q["code"]) == {"auxiliary_sheet_not_read"} and q["row"].isna().all()
    assert len(result.agreements) == 3
    assert set(result.agreements["partner_category"]) <= set(
        load_vocabulary().partner_categories.labels
    )
    assert len(result.activities) > 0
    s = result.summary.set_index("sheet")
    data = s.loc[["Perjanjian", "Ruang Lingkup", "Tindak Lanjut"]]
    assert (data["read"] == data["used"]).all()
    assert (s.loc[["Daftar", "Petunjuk"], "read"] == s.loc[["Daftar", "Petunjuk"], "ignored"]).all()


def test_blank_template_has_dropdowns_and_is_refused_by_the_gate(tmp_path):
    """A blank template reads cleanly (no remark), but zero agreements is no basis for a
    report: the sanity gate stops the run (see test_gate)."""
    path = write_template(tmp_path / "raw" / "template.xlsx")
    wb = load_workbook(path)
    sqrefs = " ".join(str(dv.sqref) for dv in wb["Perjanjian"].data_validations.dataValidation)
    assert "D2" in sqrefs  # Kategori Mitra dropdown
    with pytest.raises(InputError, match="not one agreement was read"):
        ingest(path.parent)
