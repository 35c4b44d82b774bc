"""A small hand-made processed register with known history (:func:`make_register`), shared by
the baseline, imputation, assumptions and coverage tests (tests/analysis) and the methodology
section tests (tests/presentation/test_methodology.py).

as_of 2024-03-14; the 12-month baseline is 2023-03-14; since 2018-01-01.

Agreements (sheet Perjanjian, Excel row):
    r2 A1 Pemerintah Daerah  signed 2021-01-10 ends 2026-01-09  (remark no_end_date)
    r3 A2 Lembaga Pendidikan signed 2022-02-01 ends 2023-12-31  (end_date_month)
    r4 A3 Lembaga Pendidikan signed 2023-05-01 ends 2028-04-30  (end_date_years)
    r5 A4 Pemerintah Daerah  signed 2023-03-14 no end           (end_date_open)
    r6 A5 Pemerintah Daerah  signed 2017-06-01 ends 2022-05-31  (no_end_date; before since)
    r7 A6 Lembaga Pendidikan signed 2023-01-15 ends 2028-01-14  (no scope at all)
    (a no_end_date remark on row 9, a quarantined row: not in the processed table)
Scope items: A1 S1, A1 S2, A2 S2, A3 S8, A4 S1, A5 S1.
Activities (sheet Tindak Lanjut):
    r2 A1 S1   Terlaksana   2022-05-01 evidence
    r3 A1 S2   Terlaksana   2023-06-01 no evidence
    r4 A2 S2   Dalam Proses 2022-08-01           (status read by keyword: label_keyword)
    r5 A3 S8   Terlaksana   2023-11-01 evidence  (followup_scope_inferred)
    r6 A4 none Dalam Proses 2024-01-05           (no scope)
    r7 A1 none Terlaksana   2024-05-01           (no scope; after as_of)
    (label_keyword also on Perjanjian r6, A5's category: outside the window)
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from evaluation.ingest import schema

AS_OF = date(2024, 3, 14)
BASELINE = date(2023, 3, 14)
S1 = "Pemberantasan Sindikasi Penempatan Nonprosedural"
S2 = "Pendidikan dan Pelatihan Calon PMI"
S8 = "Penelitian, Sosialisasi dan Pengabdian Masyarakat"
PD, LP = "Pemerintah Daerah", "Lembaga Pendidikan"
FILE = "register.xlsx"


def _frame(name: str, rows: list[dict], sheet: str) -> pd.DataFrame:
    cols = [c for c in schema.TABLES[name] if c not in schema.PROVENANCE]
    df = pd.DataFrame(rows, columns=cols)
    df = df.assign(source_file=FILE, source_sheet=sheet, source_row=range(2, len(df) + 2))
    return schema.coerce(df, name)


def _ag(aid, cat, signed, ends):
    return {
        "agreement_id": aid,
        "document_type": "Perjanjian Kerja Sama",
        "partner_name": f"Mitra {aid}",
        "partner_category": cat,
        "province": "Jawa Barat" if cat == PD else None,
        "signed_on": signed,
        "ends_on": ends,
        "unit": "Biro Perencanaan dan Kerja Sama",
    }


def _act(aid, scope, when, status, evidence=None):
    return {
        "agreement_id": aid,
        "scope": scope,
        "activity_date": when,
        "description": "kegiatan",
        "status": status,
        "evidence": evidence,
    }


def _remark(sheet, row, column, code):
    return [FILE, sheet, str(row), column, "", f"remark {code}", "fixed", code, "{}"]


def make_register() -> dict[str, pd.DataFrame]:
    agreements = _frame(
        "agreements",
        [
            _ag("A1", PD, "2021-01-10", "2026-01-09"),
            _ag("A2", LP, "2022-02-01", "2023-12-31"),
            _ag("A3", LP, "2023-05-01", "2028-04-30"),
            _ag("A4", PD, "2023-03-14", None),
            _ag("A5", PD, "2017-06-01", "2022-05-31"),
            _ag("A6", LP, "2023-01-15", "2028-01-14"),
        ],
        "Perjanjian",
    )
    scope_items = _frame(
        "scope_items",
        [
            {"agreement_id": a, "scope": s}
            for a, s in (("A1", S1), ("A1", S2), ("A2", S2), ("A3", S8), ("A4", S1), ("A5", S1))
        ],
        "Ruang Lingkup",
    )
    activities = _frame(
        "activities",
        [
            _act("A1", S1, "2022-05-01", "Terlaksana", "foto"),
            _act("A1", S2, "2023-06-01", "Terlaksana"),
            _act("A2", S2, "2022-08-01", "Dalam Proses"),
            _act("A3", S8, "2023-11-01", "Terlaksana", "laporan"),
            _act("A4", None, "2024-01-05", "Dalam Proses"),
            _act("A1", None, "2024-05-01", "Terlaksana"),
        ],
        "Tindak Lanjut",
    )
    dq = pd.DataFrame(
        [
            _remark("Perjanjian", 2, "Tanggal Berakhir", "no_end_date"),
            _remark("Perjanjian", 3, "Tanggal Berakhir", "end_date_month"),
            _remark("Perjanjian", 4, "Tanggal Berakhir", "end_date_years"),
            _remark("Perjanjian", 5, "Tanggal Berakhir", "end_date_open"),
            _remark("Perjanjian", 6, "Tanggal Berakhir", "no_end_date"),
            _remark("Perjanjian", 9, "Tanggal Berakhir", "no_end_date"),
            _remark("Perjanjian", 6, "Kategori Mitra", "label_keyword"),
            _remark("Tindak Lanjut", 4, "Status", "label_keyword"),
            _remark("Tindak Lanjut", 5, "Ruang Lingkup", "followup_scope_inferred"),
        ],
        columns=schema.DATA_QUALITY,
    )
    return {
        "agreements": agreements,
        "scope_items": scope_items,
        "activities": activities,
        "data_quality": dq,
    }
