"""The blank input workbook analysts fill in (``evaluation template PATH.xlsx``).

Everything in it comes from the vocabulary file (:func:`evaluation.vocab.loader.load_vocabulary`):
the data sheets and their headers (``[[sheets]]``, in that order) and the value lists behind
the drop-downs (categories, provinces, document types, scopes, statuses, outcome types).
Adding a category or scope to the vocabulary and running the command again gives a template
that offers it.

Sheets:

- ``Petunjuk``: instructions in Bahasa Indonesia: every sheet and column, required or not,
  allowed values and formats, and a few example rows (the ONLY place examples appear, so a
  filled template holds no example rows).
- ``Perjanjian``, ``Ruang Lingkup``, ``Tindak Lanjut``: header in row 1 (frozen), drop-downs,
  date and number checks on rows 2..5000.
- ``Daftar`` (hidden): the value lists the drop-downs refer to.

:func:`write_filled_example` writes the same workbook filled in as an analyst would (three
agreements of different categories, their scopes and activities) for tests and demos.

The texts, formats and styles live in :mod:`~evaluation.authoring.template_text`, the
example filling in :mod:`~evaluation.authoring.template_examples`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from evaluation.atomic import atomic_path
from evaluation.authoring.template_examples import _example_rows, _pick_examples
from evaluation.authoring.template_text import (  # noqa: F401  (public constants, re-exported)
    _GENERAL_INSTRUCTIONS,
    _SHEET_PURPOSE,
    DATE_FIELDS,
    DATE_FORMAT,
    EXAMPLE_FONT,
    EXAMPLE_LABEL_FONT,
    HEADER_ALIGNMENT,
    HEADING_FONT,
    ID_FIELD,
    INSTRUCTIONS_SHEET,
    LIST_FIELDS,
    LIST_TITLES,
    LISTS_SHEET,
    MIN_DATE,
    NUMBER_FIELDS,
    OPTIONAL_FILL,
    OPTIONAL_FONT,
    REQUIRED_FILL,
    REQUIRED_FONT,
    TEMPLATE_ROWS,
    TEXT_FORMAT,
    TITLE_FONT,
    VALUE_FORMAT,
    WRAP,
    _allowed_text,
    _column_width,
    _excel_serial,
    _help_text,
    _kind,
    _ListRange,
    _quote_sheet,
    _required_text,
)
from evaluation.vocab.loader import ColumnSpec, SheetSpec, Vocabulary, load_vocabulary

# ------------------------------------------------------------------------------ sheets
#: Left part of every printed page's header (the sheet name follows).
PRINT_TITLE = "Data Perjanjian Kerja Sama BP2MI"


def _write_lists(wb: Workbook, vocab: Vocabulary) -> dict[str, _ListRange]:
    ws = wb.create_sheet(LISTS_SHEET)
    ranges = {}
    for j, (section_name, title) in enumerate(LIST_TITLES.items(), start=1):
        labels = vocab.section(section_name).labels
        head = ws.cell(row=1, column=j, value=title)
        head.font = Font(bold=True)
        for i, label in enumerate(labels, start=2):
            cell = ws.cell(row=i, column=j, value=label)
            cell.data_type = "s"
        ws.column_dimensions[get_column_letter(j)].width = min(
            max(len(v) for v in [title, *labels]) + 2, 60
        )
        ranges[section_name] = _ListRange(title, j, len(labels))
    ws.freeze_panes = "A2"
    ws.sheet_state = "hidden"
    return ranges


def _validation_for(col: ColumnSpec, ranges: Mapping[str, _ListRange]) -> DataValidation | None:
    kind = _kind(col)
    if kind == "list":
        rng = ranges[LIST_FIELDS[col.field]]
        dv = DataValidation(
            type="list",
            formula1=f"={rng.reference}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle="Nilai tidak ada di daftar",
            error=f"Pilih {col.header} dari daftar pilihan (klik panah di samping sel).",
        )
    elif kind == "date":
        # A warning, not a stop: text dates ("14 Maret 2024") are read too (analysts' guide).
        dv = DataValidation(
            type="date",
            operator="greaterThan",
            formula1=str(_excel_serial(MIN_DATE)),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="Periksa tanggal",
            error=(
                f"Isi {col.header} dengan tanggal setelah {MIN_DATE:%d/%m/%Y}, "
                "format DD/MM/YYYY (misalnya 14/03/2024). Teks seperti '14 Maret 2024' juga "
                "dibaca: pilih Ya untuk menyimpannya."
            ),
        )
    elif kind == "number":
        # A warning, not a stop: "Rp 1.500.000" and "1,5 miliar" are read too.
        dv = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="Periksa nilai",
            error=(
                f"Isi {col.header} dengan angka 0 atau lebih (misalnya 1500000). Teks seperti "
                "'Rp 1.500.000' atau '1,5 miliar' juga dibaca: pilih Ya untuk menyimpannya."
            ),
        )
    else:
        return None
    help_text = _help_text(col)
    if help_text:
        dv.showInputMessage = True
        dv.promptTitle = col.header[:32]
        dv.prompt = help_text[:255]
    return dv


def _agreement_id_validation(spec_name: str) -> DataValidation:
    """Drop-down of the numbers typed in sheet ``spec_name``; other numbers only get a note."""
    letter = "A"
    return DataValidation(
        type="list",
        formula1=f"={_quote_sheet(spec_name)}!${letter}$2:${letter}${TEMPLATE_ROWS}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="information",
        errorTitle="Nomor Perjanjian",
        error="Nomor ini belum ada di lembar Perjanjian berkas ini. Periksa penulisannya.",
    )


def _style_header(cell, col: ColumnSpec) -> None:
    cell.font = REQUIRED_FONT if col.required else OPTIONAL_FONT
    cell.fill = REQUIRED_FILL if col.required else OPTIONAL_FILL
    cell.alignment = HEADER_ALIGNMENT


def _write_data_sheet(
    wb: Workbook,
    spec: SheetSpec,
    vocab: Vocabulary,
    ranges: Mapping[str, _ListRange],
    agreements_sheet: str | None,
) -> Worksheet:
    ws = wb.create_sheet(spec.name)
    last_row = TEMPLATE_ROWS
    for j, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(j)
        cell = ws.cell(row=1, column=j, value=col.header)
        cell.data_type = "s"
        _style_header(cell, col)
        comment = f"{_required_text(col, vocab)}. {_help_text(col)} {_allowed_text(col, vocab)}"
        cell.comment = Comment(comment.strip(), "Template", width=300, height=150)
        dim = ws.column_dimensions[letter]
        dim.width = _column_width(col, vocab)
        kind = _kind(col)
        if kind == "date":
            dim.number_format = DATE_FORMAT
        elif kind == "number":
            dim.number_format = VALUE_FORMAT
        elif kind == "id":
            dim.number_format = TEXT_FORMAT
        sqref = f"{letter}2:{letter}{last_row}"
        if kind == "id" and agreements_sheet and spec.name != agreements_sheet:
            dv = _agreement_id_validation(agreements_sheet)
        else:
            dv = _validation_for(col, ranges)
        if dv is not None:
            dv.add(sqref)
            ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"
    _print_setup(ws, f"A1:{get_column_letter(len(spec.columns))}{last_row}")
    return ws


def _print_setup(ws: Worksheet, ref: str | None) -> None:
    """Autofilter on the header row (``ref``; None: no table, no repeated header); printed
    landscape on A4, one page wide, header repeated, the sheet's name in the page header and
    "Halaman N dari M" in the footer."""
    _page_setup(ws)
    if ref is None:
        return
    ws.auto_filter.ref = ref
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True


def _page_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.left.text = f"{PRINT_TITLE} — &A"
    ws.oddFooter.center.text = "Halaman &P dari &N"


def _put(cell, value: object, kind: str) -> None:
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    elif kind == "date" and value is not None:
        cell.number_format = DATE_FORMAT
    elif kind == "number" and value is not None:
        cell.number_format = VALUE_FORMAT


def _write_instructions(ws: Worksheet, vocab: Vocabulary) -> None:
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 60
    ws.column_dimensions["D"].width = 60
    for letter in "EFGHI":
        ws.column_dimensions[letter].width = 22

    row = 1
    ws.cell(
        row=row, column=1, value="Petunjuk Pengisian Data Perjanjian Kerja Sama"
    ).font = TITLE_FONT
    row += 1
    ws.cell(
        row=row,
        column=1,
        value="Biro Perencanaan dan Kerja Sama, Badan Pelindungan Pekerja Migran Indonesia",
    )
    row += 2
    ws.cell(row=row, column=1, value="Ketentuan umum").font = HEADING_FONT
    row += 1
    sheets = ", ".join(s.name for s in vocab.sheets)
    lines = (f"Berkas ini memiliki lembar data: {sheets}.", *_GENERAL_INSTRUCTIONS)
    for i, text in enumerate(lines, start=1):
        ws.cell(row=row, column=1, value=f"{i}. {text}")
        row += 1
    row += 1
    legend_req = ws.cell(row=row, column=1, value="Judul biru tua")
    legend_req.fill, legend_req.font = REQUIRED_FILL, REQUIRED_FONT
    ws.cell(row=row, column=2, value="kolom wajib diisi")
    row += 1
    legend_opt = ws.cell(row=row, column=1, value="Judul biru muda")
    legend_opt.fill, legend_opt.font = OPTIONAL_FILL, OPTIONAL_FONT
    ws.cell(row=row, column=2, value="kolom boleh dikosongkan")
    row += 2

    for spec in vocab.sheets:
        documents = " atau ".join(vocab.document_types.labels)
        purpose = _SHEET_PURPOSE.get(spec.table, "").format(documents=documents)
        title = f"Lembar '{spec.name}'" + (f": {purpose}" if purpose else "")
        ws.cell(row=row, column=1, value=title).font = HEADING_FONT
        row += 1
        for j, head in enumerate(("Kolom", "Wajib?", "Penjelasan", "Isian"), start=1):
            c = ws.cell(row=row, column=j, value=head)
            c.font, c.fill = REQUIRED_FONT, REQUIRED_FILL
        row += 1
        for col in spec.columns:
            values = (col.header, _required_text(col, vocab), _help_text(col))
            values += (_allowed_text(col, vocab),)
            for j, v in enumerate(values, start=1):
                c = ws.cell(row=row, column=j, value=v)
                c.data_type = "s"
                c.alignment = WRAP
            ws.cell(row=row, column=1).font = Font(bold=True)
            row += 1
        row += 1

    ws.cell(row=row, column=1, value="Contoh pengisian").font = HEADING_FONT
    row += 1
    warn = ws.cell(
        row=row,
        column=1,
        value="CONTOH - jangan disalin ke lembar data. Baris contoh di bawah ini tidak dihitung.",
    )
    warn.font = EXAMPLE_LABEL_FONT
    row += 2
    examples = _example_rows(vocab)
    for spec in vocab.sheets:
        rows = _pick_examples(examples.get(spec.table, []), 3)
        ws.cell(row=row, column=1, value=f"CONTOH lembar '{spec.name}'").font = EXAMPLE_LABEL_FONT
        row += 1
        for j, col in enumerate(spec.columns, start=1):
            c = ws.cell(row=row, column=j, value=col.header)
            c.data_type = "s"
            _style_header(c, col)
        row += 1
        for record in rows:
            for j, col in enumerate(spec.columns, start=1):
                c = ws.cell(row=row, column=j)
                _put(c, record.get(col.field), _kind(col))
                c.font = EXAMPLE_FONT
            row += 1
        row += 1


def build_template(vocabulary: Vocabulary | None = None) -> Workbook:
    """The blank input workbook as an openpyxl ``Workbook`` (not saved).

    Parameters
    ----------
    vocabulary
        Vocabulary to build from; default :func:`evaluation.vocab.loader.load_vocabulary`.

    Returns
    -------
    openpyxl.Workbook
        Sheets ``Petunjuk``, the data sheets of ``vocabulary.sheets`` and hidden ``Daftar``.

    Raises
    ------
    VocabularyError
        If the vocabulary file cannot be read or describes no input sheets.
    """
    from evaluation.errors import VocabularyError

    vocab = vocabulary if vocabulary is not None else load_vocabulary()
    if not vocab.sheets:
        raise VocabularyError(f"{vocab.path}: no [[sheets]] describe the input workbook.")
    wb = Workbook()
    instructions = wb.active
    instructions.title = INSTRUCTIONS_SHEET
    ranges = _write_lists(wb, vocab)
    agreements_sheet = next((s.name for s in vocab.sheets if s.table == "agreements"), None)
    for spec in vocab.sheets:
        _write_data_sheet(wb, spec, vocab, ranges, agreements_sheet)
    lists = wb[LISTS_SHEET]
    wb.move_sheet(lists, offset=len(wb.sheetnames) - 1 - wb.index(lists))
    _write_instructions(instructions, vocab)
    _print_setup(instructions, None)
    wb.active = 0
    return wb


def write_template(path: str | Path, vocabulary: Vocabulary | None = None) -> Path:
    """Write the blank input workbook to ``path`` (atomically) and return ``path``.

    Parameters
    ----------
    path
        Output ``.xlsx`` file; its folder is created if needed.
    vocabulary
        Vocabulary to build from; default :func:`evaluation.vocab.loader.load_vocabulary`.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    VocabularyError
        If the vocabulary file cannot be read or describes no input sheets.
    OSError
        If the file cannot be written.
    """
    wb = build_template(vocabulary)
    target = Path(path)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def example_records(vocabulary: Vocabulary | None = None) -> dict[str, list[dict[str, object]]]:
    """The rows :func:`write_filled_example` writes, keyed by processed table name.

    Each row maps a processed-table field (``agreement_id``, ``scope``...) to its value
    (``datetime.date`` for dates, ``float`` for ``value``, ``None`` for an empty cell).
    """
    vocab = vocabulary if vocabulary is not None else load_vocabulary()
    return _example_rows(vocab)


def fill_workbook(
    wb: Workbook,
    records: Mapping[str, Sequence[Mapping[str, object]]],
    vocabulary: Vocabulary | None = None,
) -> Workbook:
    """Write ``records`` (``{table: [ {field: value} ]}``) into the data sheets of ``wb``.

    Rows start at 2 in the column order of the sheet's header; dates get the ``DD/MM/YYYY``
    format and values ``#,##0``, as if typed by an analyst. ``wb`` is modified and returned.

    Raises
    ------
    KeyError
        If a table of ``records`` has no sheet in the vocabulary or the workbook.
    """
    vocab = vocabulary if vocabulary is not None else load_vocabulary()
    for table, rows in records.items():
        spec = vocab.sheet_spec(table)
        ws = wb[spec.name]
        for i, record in enumerate(rows, start=2):
            for j, col in enumerate(spec.columns, start=1):
                _put(ws.cell(row=i, column=j), record.get(col.field), _kind(col))
    return wb


def write_filled_example(path: str | Path, vocabulary: Vocabulary | None = None) -> Path:
    """Write the template filled in as an analyst would, atomically, and return ``path``.

    Three agreements of three partner categories (one local government with its province),
    their scopes (typical scopes of each category) and six activities with each status, an
    outcome with a Rupiah value and one with a head count; the rows are those of
    :func:`example_records`. Labels come from the vocabulary. The current ingester reads it
    without a single data-quality remark.

    Raises
    ------
    VocabularyError
        If the vocabulary file cannot be read or describes no input sheets.
    OSError
        If the file cannot be written.
    """
    vocab = vocabulary if vocabulary is not None else load_vocabulary()
    wb = fill_workbook(build_template(vocab), _example_rows(vocab), vocab)
    target = Path(path)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target
