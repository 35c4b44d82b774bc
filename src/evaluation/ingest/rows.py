"""Agreement rows: checked cell by cell, defaults applied, duplicates across files resolved."""

from __future__ import annotations

from datetime import date

from evaluation.ingest.cell_errors import required_note
from evaluation.ingest.cells import Note, default_end_date, parse_end_date
from evaluation.ingest.common import (
    _AG,
    _AGREEMENT_DETAILS,
    _SLOW,
    _SPACES,
    EXCEL_CELL_LIMIT,
    _clean_text,
    _has_hidden,
    _id_key,
    _is_blank,
    _Lookups,
    _Record,
    _same,
)
from evaluation.ingest.keys import _Agreements  # noqa: F401  (re-exported for the pipeline)
from evaluation.ingest.quality import QualityLog
from evaluation.vocab.loader import (
    Section,
    SheetSpec,
    Vocabulary,
)
from evaluation.vocab.matching import LabelMatch


# --------------------------------------------------------------------------- row checks
class _Row:
    """Reads the fields of one record, reporting every problem at its cell."""

    def __init__(self, rec: _Record, log: QualityLog, spec: SheetSpec, labels: _Lookups):
        self.rec, self.log, self.labels = rec, log, labels
        self.spec = spec

    def col(self, fld: str) -> str:
        """The column's header as written in the file (else the canonical header)."""
        if fld in self.rec.headers:
            return self.rec.headers[fld]
        for c in self.spec.columns:
            if c.field == fld:
                return c.header
        return fld

    def report(self, fld: str, value: object, problem: Note, action: str) -> None:
        """Log ``problem`` (English text with its message code) at this row's ``fld`` cell."""
        r = self.rec
        if action == "quarantined":
            r.ok = False
        self.log.add(
            r.file, r.sheet, r.row, self.col(fld) if fld else "", value, str(problem), action,
            code=problem.code, params=problem.params,
        )  # fmt: skip

    def text(self, fld: str) -> str | None:
        raw = self.rec.cell(fld)
        s, notes = _clean_text(raw)
        for n in notes:
            self.report(fld, raw, n, "fixed")
        return s

    def hidden(self, fld: str, raw: object) -> None:
        """Report the hidden characters (control, text-direction, zero-width) of a label
        cell: matching ignores them, the log says they were there."""
        if isinstance(raw, str) and _has_hidden(raw):
            for n in _clean_text(raw)[1]:
                if n.code != "text_truncated":
                    self.report(fld, raw, n, "fixed")

    def _empty(self, fld: str) -> Note:
        column = self.col(fld)
        error = required_note(self.rec.cell(fld), column)  # an Excel error is not "empty"
        if error is not None:
            return error
        return Note(f"'{column}' is empty; fill it in", code="required_empty", column=column)

    def required_text(self, fld: str) -> str | None:
        s = self.text(fld)
        if s is None:
            self.report(fld, None, self._empty(fld), "quarantined")
        return s

    def label(self, fld: str, section: Section, *, required: bool) -> str | None:
        raw = self.rec.cell(fld)
        if _is_blank(raw):
            if required:
                self.report(fld, raw, self._empty(fld), "quarantined")
            return None
        self.hidden(fld, raw)
        label = self.labels.canonical(section, raw)
        if label is None and (found := self.labels.match(section, raw)) is not None:
            return self._read_as(fld, raw, found)
        if label is None:
            shown, _ = _clean_text(raw)
            shown = (shown or "")[:60]
            column, labels = self.col(fld), ", ".join(section.labels)
            self.report(
                fld,
                raw,
                Note(
                    f"unknown {column} '{shown}'; use one of: {labels} "
                    "(or add an alias in vocabulary.toml)",
                    code="unknown_label",
                    column=column,
                    value=shown,
                    labels=labels,
                ),
                "quarantined",
            )
        return label

    def _read_as(self, fld: str, raw: object, found: LabelMatch) -> str | None:
        """Report how a cell that is no label or alias was read (fixed), or that it is
        ambiguous (quarantined); return the label read."""
        shown = (_clean_text(raw)[0] or "")[:60]
        column, label = self.col(fld), found.label
        if found.how == "ambiguous":
            candidates = list(found.candidates)
            problem = Note(
                f"{column} '{shown}' has keywords of several labels; did you mean "
                f"'{'; '.join(candidates)}'? Write one of them",
                code="label_ambiguous",
                column=column,
                value=shown,
                candidates=candidates,
            )
            self.report(fld, raw, problem, "quarantined")
            return None
        if found.how == "number":
            problem = Note(
                f"{column} '{shown}' read as number {found.evidence}: '{label}'",
                code="label_number",
                column=column,
                value=shown,
                number=found.evidence,
                label=label,
            )
        elif found.how == "numbered":
            problem = Note(
                f"{column} '{shown}' read as '{label}' (list numbering removed)",
                code="label_numbered",
                column=column,
                value=shown,
                label=label,
            )
        elif found.how == "reported":
            problem = Note(
                f"{column} '{shown}' counted as '{label}'; check that this is what is meant",
                code="label_reported",
                column=column,
                value=shown,
                label=label,
            )
        else:
            problem = Note(
                f"{column} '{shown}' read as '{label}' (keyword '{found.evidence}')",
                code="label_keyword",
                column=column,
                value=shown,
                label=label,
                keyword=found.evidence,
            )
        self.report(fld, raw, problem, "fixed")
        return label

    def date(self, fld: str, *, required: bool) -> date | None:
        raw = self.rec.cell(fld)
        d, note = self.labels.date(raw)
        if d is None and required:
            if note:
                problem = Note(
                    f"{note}; fill in a date", code="date_unreadable_required", reason=note
                )
            else:
                column = self.col(fld)
                problem = required_note(raw, column) or Note(
                    f"'{column}' is empty; fill in a date", code="date_empty", column=column
                )
            self.report(fld, raw, problem, "quarantined")
        elif d is None and note and note.code == "date_two_digit_year":
            self.report(fld, raw, note, "quarantined")
        elif d is None and note:
            problem = Note(f"{note}; left empty", code="date_unreadable", reason=note)
            self.report(fld, raw, problem, "fixed")
        return d

    def end_date(self, signed: date | None, term_years: int) -> date | None:
        """The agreement's end date at the precision it is written (see
        :func:`evaluation.ingest.cells.parse_end_date`); the default term when the cell is
        empty or unreadable; None when it states an open end. Each reading is reported."""
        raw = self.rec.cell("ends_on")
        end = parse_end_date(raw, signed)
        note = end.note
        if note is not None and note.code == "date_two_digit_year":
            self.report("ends_on", raw, note, "quarantined")
            return None
        if note is not None:
            problem = Note(f"{note}; left empty", code="date_unreadable", reason=note)
            self.report("ends_on", raw, problem, "fixed")
        if end.reading is not None:
            self.report("ends_on", raw, end.reading, "fixed")
            self.rec.ends_on_basis = _BASIS_OF_READING[end.reading.code]
        if end.on is not None or end.open_ended or signed is None:
            return end.on
        self.rec.ends_on_basis = "default_term"
        ends = default_end_date(signed, term_years)
        self.report(
            "ends_on",
            raw,
            Note(
                f"no end date; assumed {term_years} years after signing ({ends.isoformat()})",
                code="no_end_date",
                years=term_years,
                date=ends,
            ),
            "fixed",
        )
        return ends


#: ``ends_on_basis`` of each way :func:`evaluation.ingest.cells.parse_end_date` reads an end
#: date that is not a plain date (by the code of its ``reading`` note).
_BASIS_OF_READING = {
    "end_date_open": "open",
    "end_date_month": "month",
    "end_date_year": "year",
    "end_date_range": "range",
    "end_date_years": "term",
    "end_date_months": "term",
}


# --------------------------------------------------------------------------- tables
def _plain_text(v: object) -> object:
    """:func:`_clean_text` of a cell when it gives no note (the text, or None when empty);
    :data:`_SLOW` when it gives one."""
    if v.__class__ is str and v.isascii() and v.isprintable() and len(v) <= EXCEL_CELL_LIMIT:
        s = v.strip()
        if "  " in s:
            s = _SPACES.sub(" ", s)
        return s or None
    if v is None:
        return None
    s, notes = _clean_text(v)
    return _SLOW if notes else s


def _agreements(
    records: list[_Record],
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    term_years: int,
) -> list[_Record]:
    """Read each agreement row (``values`` in the order of :data:`_FIELDS`). A row whose
    every cell reads cleanly takes the fast path; any other row is read by
    :func:`_agreement_checked`, which reports each problem at its cell."""
    categories, provinces, documents = (
        vocab.partner_categories,
        vocab.provinces,
        vocab.document_types,
    )
    category_map = labels.text_labels(categories)
    province_map = labels.text_labels(provinces)
    document_map = labels.text_labels(documents)
    needs_province = {t.label for t in categories.terms if t.requires_province}
    p = _AG
    i_id, i_doc, i_name, i_cat = (
        p["agreement_id"],
        p["document_type"],
        p["partner_name"],
        p["partner_category"],
    )
    i_prov, i_signed, i_ends, i_unit, i_notes = (
        p["province"],
        p["signed_on"],
        p["ends_on"],
        p["unit"],
        p["notes"],
    )
    date_of = labels.date
    for rec in records:
        c = rec.cells
        aid = _plain_text(c[i_id])
        name = _plain_text(c[i_name])
        raw_cat = c[i_cat]
        cat = category_map.get(raw_cat) if raw_cat.__class__ is str else None
        if cat is None and raw_cat.__class__ is str:
            cat = labels.text_label(categories, raw_cat)
        raw_prov = c[i_prov]
        if raw_prov is None or raw_prov == "":
            raw_prov = None
            province = None if cat not in needs_province else _SLOW
        elif raw_prov.__class__ is str:
            province = province_map.get(raw_prov) or labels.text_label(provinces, raw_prov)
        else:
            province = None
        raw_doc = c[i_doc]
        if raw_doc is None or raw_doc == "":
            raw_doc = doc = None
        elif raw_doc.__class__ is str:
            doc = document_map.get(raw_doc) or labels.text_label(documents, raw_doc)
        else:
            doc = None
        signed = date_of(c[i_signed])[0]
        ends = date_of(c[i_ends])[0]
        unit = _plain_text(c[i_unit])
        notes = _plain_text(c[i_notes])
        if (
            aid is None
            or aid is _SLOW
            or name is None
            or name is _SLOW
            or cat is None
            or province is _SLOW
            or (province is None and raw_prov is not None)
            or (doc is None and raw_doc is not None)
            or signed is None
            or ends is None
            or ends < signed
            or unit is _SLOW
            or notes is _SLOW
        ):
            _agreement_checked(rec, vocab, log, spec, labels, term_years)
            continue
        rec.values = (aid, doc, name, cat, province, signed, ends, unit, notes)
    return records


def _agreement_checked(
    rec: _Record,
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    term_years: int,
) -> None:
    """Read one agreement row cell by cell, reporting every problem."""
    chk = _Row(rec, log, spec, labels)
    aid = chk.required_text("agreement_id")
    name = chk.required_text("partner_name")
    cat = chk.label("partner_category", vocab.partner_categories, required=True)
    province = None
    raw_prov = rec.cell("province")
    if not _is_blank(raw_prov):
        chk.hidden("province", raw_prov)
        province = labels.canonical(vocab.provinces, raw_prov)
        if province is None:
            shown = (_clean_text(raw_prov)[0] or "")[:60]
            chk.report(
                "province",
                raw_prov,
                Note(
                    f"unknown province '{shown}'; left empty",
                    code="unknown_province",
                    value=shown,
                ),
                "fixed",
            )
    elif cat is not None and vocab.partner_categories.term(cat).requires_province:
        column = chk.col("province")
        chk.report(
            "province",
            None,
            Note(
                f"'{column}' is empty (expected for {cat})",
                code="province_empty",
                column=column,
                category=cat,
            ),
            "used",
        )
    doc = None
    raw_doc = rec.cell("document_type")
    if not _is_blank(raw_doc):
        doc = labels.canonical(vocab.document_types, raw_doc)
        if doc is not None:
            chk.hidden("document_type", raw_doc)
        else:
            doc = chk.text("document_type")
            chk.report(
                "document_type",
                raw_doc,
                Note("unknown document type; kept as written", code="unknown_document_type"),
                "used",
            )
    signed = chk.date("signed_on", required=True)
    ends = chk.end_date(signed, term_years)
    if signed is not None and ends is not None and ends < signed:
        chk.report(
            "ends_on",
            rec.cell("ends_on"),
            Note("end date is before the signing date", code="end_before_signing"),
            "quarantined",
        )
    rec.values = (aid, doc, name, cat, province, signed, ends, chk.text("unit"), chk.text("notes"))


def _dedupe_agreements(
    recs: list[_Record], log: QualityLog, spec: SheetSpec, labels: _Lookups
) -> dict[str, _Record]:
    """One record per agreement number (case and spacing ignored): identical repeats are
    ignored (kept once), differing ones are all quarantined with every location named."""
    groups: dict[str, list[_Record]] = {}
    for r in recs:
        if r.ok:
            groups.setdefault(_id_key(r.values[0]), []).append(r)
    kept: dict[str, _Record] = {}
    headers = {c.field: c.header for c in spec.columns}
    for group in groups.values():
        first = group[0]
        if len(group) == 1:
            kept[first.values[0]] = first
            continue
        differing = [
            f
            for f in _AGREEMENT_DETAILS
            if any(not _same(r.values[_AG[f]], first.values[_AG[f]]) for r in group[1:])
        ]
        if not differing:
            kept[first.values[0]] = first
            for r in group[1:]:
                _Row(r, log, spec, labels).report(
                    "agreement_id",
                    r.values[0],
                    Note(
                        f"same agreement already listed in {first.file}, sheet '{first.sheet}', "
                        f"row {first.row}; kept once",
                        code="duplicate_agreement",
                        file=first.file,
                        sheet=first.sheet,
                        row=first.row,
                    ),
                    "ignored",
                )
            continue
        places = [
            Note(
                f"{r.file} sheet '{r.sheet}' row {r.row}",
                code="place",
                file=r.file,
                sheet=r.sheet,
                row=r.row,
            )
            for r in group
        ]
        names = ", ".join(headers[f] for f in differing)
        problem = Note(
            f"agreement number listed more than once with different details ({names}): "
            f"{'; '.join(places)}. Keep one version and delete the others",
            code="conflicting_agreement",
            columns=names,
            places=places,
        )
        for r in group:
            _Row(r, log, spec, labels).report("agreement_id", r.values[0], problem, "quarantined")
    return kept
