"""What the input template says and how its columns look: sheet and column help texts in Bahasa
Indonesia, formats, fills and fonts, and the text helpers of the instructions sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from evaluation import config
from evaluation.vocab.loader import ColumnSpec, Vocabulary

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
        "Anggaran dalam Rupiah atau jumlah orang yang dilatih: sebaiknya angka saja "
        "(misalnya 1500000000); juga dibaca 'Rp 1.500.000', 'Rp1.500.000,00', "
        "'Rp. 1.500.000,-', '1,5 juta', 'Rp 1,5 miliar', '250 ribu' dan '120 orang'; "
        "'Rp -' berarti kosong."
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
        return (
            f"Tanggal, format DD/MM/YYYY, setelah {MIN_DATE:%d/%m/%Y}; teks seperti "
            "'14 Maret 2024' juga dibaca."
        )
    if kind == "number":
        return "Angka 0 atau lebih; 'Rp 1.500.000', '1,5 juta' atau '1,5 miliar' juga dibaca."
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
