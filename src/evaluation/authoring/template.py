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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from evaluation import config
from evaluation.presentation.workbook import atomic_path
from evaluation.vocab.loader import ColumnSpec, SheetSpec, Vocabulary, load_vocabulary

#: Rows 2..TEMPLATE_ROWS of each data sheet carry the drop-downs and checks.
TEMPLATE_ROWS = 5000
INSTRUCTIONS_SHEET = "Petunjuk"
LISTS_SHEET = "Daftar"
DATE_FORMAT = "DD/MM/YYYY"
VALUE_FORMAT = "#,##0"
TEXT_FORMAT = "@"
#: Dates must be after this day (checked by Excel's data validation).
MIN_DATE = date(2000, 1, 1)
_EXCEL_EPOCH = date(1899, 12, 30)

#: Value lists: processed-table field -> vocabulary section behind its drop-down.
LIST_FIELDS = {
    "partner_category": "partner_categories",
    "province": "provinces",
    "document_type": "document_types",
    "scope": "scopes",
    "status": "statuses",
    "outcome_type": "outcome_types",
}
#: Header of each value list in the ``Daftar`` sheet.
LIST_TITLES = {
    "partner_categories": "Kategori Mitra",
    "provinces": "Provinsi",
    "document_types": "Jenis Dokumen",
    "scopes": "Ruang Lingkup",
    "statuses": "Status",
    "outcome_types": "Jenis Luaran",
}
DATE_FIELDS = {"signed_on", "ends_on", "activity_date"}
NUMBER_FIELDS = {"value"}
ID_FIELD = "agreement_id"

REQUIRED_FILL = PatternFill("solid", fgColor="1F4E79")
REQUIRED_FONT = Font(bold=True, color="FFFFFF")
OPTIONAL_FILL = PatternFill("solid", fgColor="BDD7EE")
OPTIONAL_FONT = Font(bold=True, color="000000")
EXAMPLE_FONT = Font(italic=True, color="808080")
EXAMPLE_LABEL_FONT = Font(bold=True, italic=True, color="C00000")
TITLE_FONT = Font(bold=True, size=14)
HEADING_FONT = Font(bold=True, size=12, color="1F4E79")
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")

_SHEET_PURPOSE = {
    "agreements": "satu baris per perjanjian ({documents})",
    "scope_items": (
        "satu baris per ruang lingkup sebuah perjanjian; perjanjian dengan tiga ruang "
        "lingkup ditulis dalam tiga baris"
    ),
    "activities": "satu baris per kegiatan tindak lanjut sebuah ruang lingkup perjanjian",
}

#: Explanation of each column for the ``Petunjuk`` sheet and the header comments.
_HELP = {
    "agreement_id": (
        "Nomor dokumen NK/PKS. Harus unik, dan ditulis sama persis di lembar Perjanjian, "
        "Ruang Lingkup dan Tindak Lanjut."
    ),
    "document_type": "Jenis dokumen kerja sama.",
    "partner_name": "Nama lengkap instansi mitra, misalnya 'Pemerintah Kabupaten Lombok Timur'.",
    "partner_category": "Kelompok mitra kerja sama.",
    "province": "Provinsi tempat mitra berada.",
    "signed_on": "Tanggal perjanjian ditandatangani.",
    "ends_on": (
        "Tanggal perjanjian berakhir. Bila dikosongkan, perjanjian dianggap berlaku "
        f"{config.DEFAULT_TERM_YEARS} tahun sejak ditandatangani."
    ),
    "unit": "Unit kerja BP2MI yang mengampu perjanjian.",
    "notes": "Catatan bebas.",
    "scope": "Ruang lingkup kerja sama yang tercantum dalam perjanjian.",
    "activity_date": "Tanggal kegiatan tindak lanjut dilaksanakan.",
    "description": "Uraian singkat kegiatan, misalnya 'Rapat koordinasi penyusunan Raperda'.",
    "status": "Status pelaksanaan kegiatan.",
    "outcome_type": "Luaran yang dihasilkan kegiatan, bila ada.",
    "value": (
        "Angka saja, tanpa 'Rp': anggaran dalam Rupiah (misalnya 1500000000) atau jumlah "
        "orang yang dilatih."
    ),
    "evidence": "Rujukan bukti dukung: nomor surat, tautan atau nama berkas dokumen.",
}

_GENERAL_INSTRUCTIONS = (
    "Jangan ubah judul kolom (baris pertama) maupun nama lembar; jangan menyisipkan, "
    "menghapus atau memindahkan kolom.",
    "Isi data mulai baris 2, satu baris per data. Jangan menambahkan baris judul, baris "
    "jumlah/total atau baris kosong di tengah data.",
    "Kolom berjudul biru tua wajib diisi; kolom berjudul biru muda boleh dikosongkan.",
    f"Tanggal diisi sebagai tanggal dengan format DD/MM/YYYY (misalnya 14/03/2024), setelah "
    f"{MIN_DATE:%d/%m/%Y}.",
    "Kolom dengan daftar pilihan (panah di samping sel): pilih nilai dari daftar, jangan "
    "mengetik ejaan lain.",
    "Nomor Perjanjian harus unik dan ditulis sama persis di ketiga lembar data.",
    "Simpan sebagai .xlsx di folder data/raw (boleh beberapa berkas, misalnya satu per unit), "
    "lalu jalankan 'make report'.",
    "Contoh pengisian ada di bagian bawah lembar ini. Contoh tidak ikut dihitung; jangan "
    "menyalinnya ke lembar data.",
)


@dataclass(frozen=True)
class _ListRange:
    """Where a value list sits in the ``Daftar`` sheet."""

    title: str
    column: int
    count: int

    @property
    def reference(self) -> str:
        letter = get_column_letter(self.column)
        return f"{_quote_sheet(LISTS_SHEET)}!${letter}$2:${letter}${self.count + 1}"


def _quote_sheet(name: str) -> str:
    return f"'{name}'" if not name.isalnum() else name


def _excel_serial(d: date) -> int:
    return (d - _EXCEL_EPOCH).days


def _kind(col: ColumnSpec) -> str:
    if col.field in LIST_FIELDS:
        return "list"
    if col.field in DATE_FIELDS:
        return "date"
    if col.field in NUMBER_FIELDS:
        return "number"
    if col.field == ID_FIELD:
        return "id"
    return "text"


def _province_categories(vocab: Vocabulary) -> list[str]:
    return [t.label for t in vocab.partner_categories.terms if t.requires_province]


def _required_text(col: ColumnSpec, vocab: Vocabulary) -> str:
    if col.required:
        return "Wajib"
    if col.field == "province" and _province_categories(vocab):
        return "Wajib untuk " + ", ".join(_province_categories(vocab))
    return "Tidak wajib"


def _allowed_text(col: ColumnSpec, vocab: Vocabulary) -> str:
    kind = _kind(col)
    if kind == "list":
        section = vocab.section(LIST_FIELDS[col.field])
        if len(section.labels) > 12:
            return (
                f"Pilih dari daftar ({len(section.labels)} pilihan, misalnya {section.labels[0]})."
            )
        return "Pilih dari daftar: " + "; ".join(section.labels) + "."
    if kind == "date":
        return f"Tanggal, format DD/MM/YYYY, setelah {MIN_DATE:%d/%m/%Y}."
    if kind == "number":
        return "Angka 0 atau lebih, tanpa 'Rp' dan tanpa teks."
    if kind == "id":
        return "Teks; sama persis di ketiga lembar."
    return "Teks bebas."


def _help_text(col: ColumnSpec) -> str:
    return _HELP.get(col.field, "")


def _column_width(col: ColumnSpec, vocab: Vocabulary) -> float:
    kind = _kind(col)
    width = len(col.header) + 4
    if kind == "list":
        width = max(width, max(len(v) for v in vocab.section(LIST_FIELDS[col.field]).labels) + 4)
    elif kind == "date":
        width = max(width, 14)
    elif kind == "number":
        width = max(width, 18)
    elif kind == "id":
        width = max(width, 28)
    elif col.field in {"partner_name", "description", "notes"}:
        width = max(width, 45)
    else:
        width = max(width, 24)
    return float(min(width, 60))


# ------------------------------------------------------------------------------ sheets
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
        dv = DataValidation(
            type="date",
            operator="greaterThan",
            formula1=str(_excel_serial(MIN_DATE)),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle="Tanggal tidak valid",
            error=(
                f"Isi {col.header} dengan tanggal setelah {MIN_DATE:%d/%m/%Y}, "
                "format DD/MM/YYYY (misalnya 14/03/2024)."
            ),
        )
    elif kind == "number":
        dv = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle="Nilai tidak valid",
            error=f"Isi {col.header} dengan angka 0 atau lebih, tanpa 'Rp' dan tanpa teks.",
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
    return ws


def _example_rows(vocab: Vocabulary) -> dict[str, list[dict[str, object]]]:
    """A small realistic filling, keyed by table, built from the vocabulary's labels."""
    cats = list(vocab.partner_categories.terms)
    docs = vocab.document_types.labels
    doc_nk, doc_pks = docs[0], docs[-1]

    def scopes_of(term, n: int) -> list[str]:
        out = []
        for code in term.typical_scopes:
            try:
                out.append(vocab.scope_by_code(code))
            except KeyError:
                continue
        if not out:
            out = vocab.scopes.labels
        return out[:n]

    done = vocab.done_status
    progress = vocab.in_progress_status
    not_started = vocab.not_started_status
    outcomes = vocab.outcome_types.labels

    def outcome(name: str, fallback: int) -> str | None:
        label = vocab.outcome_types.canonical(name)
        if label is not None:
            return label
        return outcomes[fallback] if fallback < len(outcomes) else None

    province = vocab.provinces.canonical("Nusa Tenggara Barat") or vocab.provinces.labels[0]
    c1 = next((c for c in cats if c.requires_province), cats[0])
    others = [c for c in cats if c is not c1]
    c2 = others[0] if others else c1
    c3 = others[1] if len(others) > 1 else c2

    a1, a2, a3 = "B.12/KA/PKS/V/2019", "PKS.07/BP2MI/IX/2021", "NK.03/BP2MI/I/2023"
    s1, s2, s3 = scopes_of(c1, 3), scopes_of(c2, 2), scopes_of(c3, 2)
    agreements = [
        {
            "agreement_id": a1,
            "document_type": doc_pks,
            "partner_name": f"Pemerintah Provinsi {province}",
            "partner_category": c1.label,
            "province": province,
            "signed_on": date(2019, 5, 20),
            "ends_on": date(2024, 5, 19),
            "unit": "Direktorat Pelindungan dan Pemberdayaan",
            "notes": None,
        },
        {
            "agreement_id": a2,
            "document_type": doc_pks,
            "partner_name": "Universitas Nusantara Raya",
            "partner_category": c2.label,
            "province": None,
            "signed_on": date(2021, 9, 14),
            "ends_on": date(2026, 9, 13),
            "unit": "Biro Perencanaan dan Kerja Sama",
            "notes": "Kerja sama pelatihan bahasa dan sosialisasi migrasi aman",
        },
        {
            "agreement_id": a3,
            "document_type": doc_nk,
            "partner_name": "RSUD Sehat Sentosa",
            "partner_category": c3.label,
            "province": None,
            "signed_on": date(2023, 1, 16),
            "ends_on": date(2028, 1, 15),
            "unit": "Direktorat Penempatan",
            "notes": None,
        },
    ]
    scope_items = [
        {"agreement_id": aid, "scope": s}
        for aid, scopes in ((a1, s1), (a2, s2), (a3, s3))
        for s in scopes
    ]
    activities = [
        {
            "agreement_id": a1,
            "scope": s1[0],
            "activity_date": date(2019, 11, 12),
            "description": "Pembentukan satuan tugas pencegahan penempatan nonprosedural",
            "status": done,
            "outcome_type": outcome("Satgas", 3),
            "value": None,
            "evidence": "SK Gubernur No. 560/123/2019",
        },
        {
            "agreement_id": a1,
            "scope": s1[min(1, len(s1) - 1)],
            "activity_date": date(2020, 8, 3),
            "description": "Penetapan anggaran pelatihan CPMI dalam APBD 2021",
            "status": done,
            "outcome_type": outcome("Anggaran Diklat", 1),
            "value": 1_500_000_000.0,
            "evidence": "DPA Disnakertrans 2021",
        },
        {
            "agreement_id": a1,
            "scope": s1[-1],
            "activity_date": date(2023, 10, 5),
            "description": "Penyusunan rancangan Perda pelindungan PMI",
            "status": progress,
            "outcome_type": None,
            "value": None,
            "evidence": None,
        },
        {
            "agreement_id": a2,
            "scope": s2[-1],
            "activity_date": date(2022, 3, 10),
            "description": "Sosialisasi migrasi aman kepada mahasiswa",
            "status": done,
            "outcome_type": None,
            "value": 250.0,
            "evidence": "Laporan kegiatan 10/03/2022",
        },
        {
            "agreement_id": a2,
            "scope": s2[0],
            "activity_date": date(2023, 2, 1),
            "description": "Rencana pelatihan bahasa Jepang bagi CPMI",
            "status": not_started,
            "outcome_type": None,
            "value": None,
            "evidence": None,
        },
        {
            "agreement_id": a3,
            "scope": s3[0],
            "activity_date": date(2023, 6, 20),
            "description": "Penyusunan standar pemeriksaan kesehatan CPMI",
            "status": progress,
            "outcome_type": None,
            "value": None,
            "evidence": None,
        },
    ]
    return {"agreements": agreements, "scope_items": scope_items, "activities": activities}


def _pick_examples(rows: Sequence[Mapping[str, object]], n: int) -> list[Mapping[str, object]]:
    """Up to ``n`` rows, the first of each agreement before a second of any."""
    firsts, rest, seen = [], [], set()
    for row in rows:
        aid = row.get(ID_FIELD)
        (rest if aid in seen else firsts).append(row)
        seen.add(aid)
    return (firsts + rest)[:n]


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
