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


def test_template_prints_landscape_one_page_wide_with_filters(tmp_path):
    """Autofilter on the header row; landscape A4, fit to width, header row repeated."""
    path = write_template(tmp_path / "template.xlsx")
    wb = load_workbook(path)
    for spec in load_vocabulary().sheets:
        ws = wb[spec.name]
        last = ws.cell(row=1, column=len(spec.columns)).column_letter
        assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith(f"A1:{last}")
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
        assert ws.print_title_rows == "$1:$1"
        assert ws.oddHeader.left.text.endswith("&A") and "&P" in ws.oddFooter.center.text
    help_sheet = wb.worksheets[0]  # the instructions print the same way, without filters
    assert help_sheet.page_setup.orientation == "landscape"
    assert help_sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert "Halaman &P dari &N" == help_sheet.oddFooter.center.text


def test_what_the_guide_accepts_is_accepted_by_template_and_ingestion(tmp_path):
    """The analysts' guide says values may be written "Rp 1.500.000" or "1,5 miliar" and dates
    as text: the template warns (it does not refuse) and ingestion reads them."""
    raw = tmp_path / "raw"
    raw.mkdir()
    path = write_filled_example(raw / "isian.xlsx")
    wb = load_workbook(path)
    for ws in (wb["Perjanjian"], wb["Tindak Lanjut"]):
        for dv in ws.data_validations.dataValidation:
            if dv.type in ("date", "decimal"):
                assert dv.errorStyle == "warning", (ws.title, dv.sqref)
    ws = wb["Tindak Lanjut"]
    headers = [c.value for c in ws[1]]
    value_col = headers.index("Nilai") + 1
    date_col = headers.index("Tanggal Kegiatan") + 1
    ws.cell(row=2, column=value_col).value = "Rp 1.500.000"
    ws.cell(row=3, column=value_col).value = "1,5 miliar"
    ws.cell(row=2, column=date_col).value = "14 Maret 2024"
    wb.save(path)
    result = ingest(raw)
    # the only remarks: the template's help sheets, not read (their rows counted)
    assert set(result.quality["code"]) == {"auxiliary_sheet_not_read"}, result.quality.to_string()
    values = result.activities["value"].tolist()
    assert 1_500_000 in values and 1_500_000_000 in values
    assert str(result.activities["activity_date"].iloc[0])[:10] == "2024-03-14"
