"""The example filling of the input template (the rows shown on its instructions sheet and
written by :func:`evaluation.authoring.template.write_filled_example`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from evaluation.authoring.template_text import ID_FIELD
from evaluation.vocab.loader import Vocabulary


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
