"""The synthetic sample generator: agreements, scopes and follow-up activities, all drawn
from one seeded random generator (see :mod:`evaluation.authoring.sample`)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from evaluation import config
from evaluation.authoring.sample_data import (
    _ACTIVITIES,
    _AGENCIES,
    _BUREAU,
    _DATA_CENTRE,
    _DIR_PROTECTION_AA,
    _DIR_PROTECTION_EME,
    _DIR_STRATEGY_AA,
    _FINANCIAL,
    _GENERIC_ACTIVITIES,
    _HOSPITALS,
    _PROOFS,
    _ROMAN,
    _UNIVERSITIES,
    _YEAR_WEIGHTS,
    ACTIVITY_COLUMNS,
    AGREEMENT_COLUMNS,
    ARTICLE_COUNTS,
    AS_OF,
    DATA_END,
    DATE_HEADERS,
    INFO_COLUMNS,
    SAMPLE_NOTE,
    SCOPE_COLUMNS,
    SINCE,
    _labels,
    _load_regions,
    _other_partners,
    _Partner,
)
from evaluation.errors import ParameterError
from evaluation.vocab.loader import Vocabulary


# ---------------------------------------------------------------- small helpers
def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


class _Pool:
    """Weighted draws without replacement, refilled (re-shuffled) when exhausted."""

    def __init__(self, rng: random.Random, items: list[_Partner]):
        self._rng = rng
        self._items = items
        self._queue: list[_Partner] = []

    def draw(self) -> _Partner:
        if not self._queue:
            keyed = [
                (self._rng.random() ** (1.0 / max(p.weight, 1e-9)), i)
                for i, p in enumerate(self._items)
            ]
            keyed.sort(reverse=True)
            self._queue = [self._items[i] for _, i in reversed(keyed)]
        return self._queue.pop()


@dataclass
class _Agreement:
    category: str
    partner: _Partner
    doc_type: str
    signed: date
    ends: date | None = None
    unit: str = ""
    notes: str = ""
    scopes: list[str] = field(default_factory=list)
    parent: _Agreement | None = None
    number: str = ""
    order: int = 0


# ---------------------------------------------------------------- the generator
class _Generator:
    def __init__(self, scale: int, seed: int, vocab: Vocabulary):
        self.rng = random.Random(seed)
        self.scale = scale
        self.seed = seed
        self.vocab = vocab
        self.lab = _labels(vocab)
        regions = _load_regions(vocab)
        self.regions = regions
        c = self.lab.categories
        sending = [p for p in regions if p.kind != "provinsi" and p.weight >= 3]
        schools = [
            _Partner(
                f"SMK Negeri {k} {p.region.split(' ', 1)[1]}",
                p.province,
                p.weight / k,
                region=p.region,
            )
            for p in sending
            for k in (1, 2, 3)
        ]
        rsud = [
            _Partner(f"RSUD {p.region}", p.province, p.weight / 4, region=p.region)
            for p in sending
            if p.kind == "kabupaten"
        ]
        self.pools = {
            c["Pemerintah Daerah"]: _Pool(self.rng, regions),
            c["Lembaga Pendidikan"]: _Pool(
                self.rng, _other_partners(_UNIVERSITIES, vocab) + schools
            ),
            c["Lembaga Kesehatan"]: _Pool(self.rng, _other_partners(_HOSPITALS, vocab) + rsud),
            c["Lembaga Keuangan"]: _Pool(self.rng, _other_partners(_FINANCIAL, vocab)),
            c["Lembaga Pemerintah"]: _Pool(self.rng, _other_partners(_AGENCIES, vocab)),
        }
        self.pks_share = {
            c["Pemerintah Daerah"]: 0.14,
            c["Lembaga Pendidikan"]: 0.25,
            c["Lembaga Kesehatan"]: 0.2,
            c["Lembaga Keuangan"]: 0.3,
            c["Lembaga Pemerintah"]: 0.2,
        }
        # Share of agreements with real follow-up, with only preparatory activity, or none.
        self.engagement = {
            c["Pemerintah Daerah"]: (0.60, 0.15),
            c["Lembaga Pendidikan"]: (0.55, 0.15),
            c["Lembaga Kesehatan"]: (0.55, 0.20),
            c["Lembaga Keuangan"]: (0.70, 0.15),
            c["Lembaga Pemerintah"]: (0.70, 0.15),
        }
        self.seq_per_year: dict[int, int] = {}

    # -- agreements -------------------------------------------------------------------------
    def signing_date(self) -> date:
        rng = self.rng
        years = list(_YEAR_WEIGHTS)
        year = rng.choices(years, weights=[_YEAR_WEIGHTS[y] for y in years])[0]
        start = max(date(year, 1, 1), SINCE)
        end = min(date(year, 12, 31), AS_OF)
        d = start + timedelta(days=rng.randrange((end - start).days + 1))
        if d.weekday() == 5:  # Saturday -> Friday
            d -= timedelta(days=1)
        elif d.weekday() == 6:  # Sunday -> Monday
            d += timedelta(days=1)
        return d

    def end_date(self, signed: date, doc_type: str) -> date | None:
        u = self.rng.random()
        if doc_type == self.lab.nk:
            years = 5 if u < 0.84 else 3 if u < 0.90 else 2 if u < 0.94 else None
        else:
            years = 2 if u < 0.35 else 3 if u < 0.75 else 5 if u < 0.95 else None
        if years is None:
            return None
        return _add_years(signed, years) - timedelta(days=1)

    def unit(self, category: str, partner: _Partner) -> str:
        rng = self.rng
        c = self.lab.categories
        u = rng.random()
        if u < 0.03:
            return ""
        if category == c["Pemerintah Daerah"]:
            if partner.bp3mi and u < 0.55:
                return f"BP3MI {partner.province}"
            return _BUREAU if u < 0.85 else _DIR_PROTECTION_AA
        if category == c["Lembaga Pendidikan"]:
            return rng.choice([_BUREAU, _BUREAU, _DIR_STRATEGY_AA, _DIR_PROTECTION_EME])
        if category == c["Lembaga Kesehatan"]:
            return rng.choice([_BUREAU, _DIR_PROTECTION_AA, _DIR_PROTECTION_EME])
        if category == c["Lembaga Keuangan"]:
            return rng.choice([_BUREAU, _DIR_PROTECTION_AA])
        return rng.choice([_BUREAU, _BUREAU, _DATA_CENTRE, _DIR_STRATEGY_AA])

    def scopes(self, category: str, doc_type: str, parent: _Agreement | None) -> list[str]:
        rng = self.rng
        typical = list(self.lab.typical_scopes[category])
        if parent is not None and parent.scopes:
            pool = [s for s in typical if s in parent.scopes] or typical
            k = min(len(pool), rng.choice([1, 1, 2, 2, 3]))
        elif doc_type == self.lab.pks:
            pool = typical
            k = min(len(pool), rng.choice([1, 2, 2, 3]))
        else:
            pool = typical
            n = min(len(pool), 5)
            u = rng.random()
            k = n if u < 0.6 else max(1, n - 1) if u < 0.85 else max(1, n - 2)
        chosen = rng.sample(pool, k)
        return sorted(chosen, key=lambda s: self.lab.scope_code.get(s, 99))

    def agreements(self) -> list[_Agreement]:
        rng = self.rng
        out: list[_Agreement] = []
        for name, base in ARTICLE_COUNTS.items():
            category = self.lab.categories[name]
            n = base * self.scale
            n_pks = sum(rng.random() < self.pks_share[category] for _ in range(n))
            made: list[_Agreement] = []
            for _ in range(n - n_pks):
                partner = self.pools[category].draw()
                signed = self.signing_date()
                made.append(_Agreement(category, partner, self.lab.nk, signed))
            parents = [a for a in made if a.signed <= AS_OF - timedelta(days=90)]
            for _ in range(n_pks):
                if parents and rng.random() < 0.6:
                    parent = rng.choice(parents)
                    room = min(720, (AS_OF - parent.signed).days)
                    signed = parent.signed + timedelta(days=rng.randint(30, room))
                    if signed.weekday() >= 5:
                        signed -= timedelta(days=signed.weekday() - 4)
                    made.append(
                        _Agreement(category, parent.partner, self.lab.pks, signed, parent=parent)
                    )
                else:
                    partner = self.pools[category].draw()
                    made.append(_Agreement(category, partner, self.lab.pks, self.signing_date()))
            for a in made:
                a.ends = self.end_date(a.signed, a.doc_type)
                a.unit = self.unit(category, a.partner)
            out.extend(made)
        # Parents first so that children can copy a subset of their scopes.
        for a in out:
            if a.parent is None:
                a.scopes = self.scopes(a.category, a.doc_type, None)
        for a in out:
            if a.parent is not None:
                a.scopes = self.scopes(a.category, a.doc_type, a.parent)
        # A few agreements whose scope was never entered (an edge case for the metrics).
        n_empty = max(1, round(len(out) / 170))
        candidates = [a for a in out if a.parent is None and a.signed.year >= 2019]
        for a in rng.sample(candidates, min(n_empty, len(candidates))):
            a.scopes = []
            a.notes = "Ruang lingkup belum diinput; naskah sedang ditelusuri"
        self.number(out)
        for a in out:
            if a.parent is not None:
                a.notes = f"Turunan dari Nota Kesepahaman Nomor {a.parent.number}"
            elif not a.notes:
                u = rng.random()
                if a.ends is None and u < 0.5:
                    a.notes = "Jangka waktu tidak dicantumkan dalam naskah"
                elif u < 0.05:
                    a.notes = "Perpanjangan dari kerja sama periode sebelumnya"
                elif u < 0.08:
                    a.notes = f"Ditandatangani pada Rapat Koordinasi Nasional BP2MI {a.signed.year}"
        out.sort(key=lambda a: a.order)
        return out

    def number(self, agreements: list[_Agreement]) -> None:
        """Letter numbers ``B.<n>/KS.0x.01/<month>/<year>``, running per year in date order."""
        rng = self.rng
        keyed = sorted(((a.signed, rng.random(), i) for i, a in enumerate(agreements)))
        for order, (signed, _, i) in enumerate(keyed):
            a = agreements[i]
            seq = self.seq_per_year.get(signed.year, rng.randint(3, 40)) + rng.randint(1, 30)
            self.seq_per_year[signed.year] = seq
            code = "KS.01.01" if a.doc_type == self.lab.nk else "KS.02.01"
            a.number = f"B.{seq}/{code}/{_ROMAN[signed.month - 1]}/{signed.year}"
            a.order = order

    # -- activities -------------------------------------------------------------------------
    def text(self, scope: str, stage: int, a: _Agreement) -> str:
        code = self.lab.scope_code.get(scope)
        texts = _ACTIVITIES.get(code, _GENERIC_ACTIVITIES)[stage] if code else None
        texts = texts or _GENERIC_ACTIVITIES[stage]
        return self.rng.choice(texts).format(w=a.partner.region, s=scope.lower())

    def proof(self, d: date, status: str) -> str:
        if status == self.lab.not_started:
            return ""
        if status == self.lab.in_progress and self.rng.random() < 0.5:
            return ""
        return f"{self.rng.choice(_PROOFS)} {_fmt(d)}"

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def activities(self, a: _Agreement) -> list[tuple]:
        """Activity rows ``(scope, date, text, status, outcome, value, proof)`` of ``a``."""
        rng = self.rng
        lab = self.lab
        if not a.scopes:
            return []
        ends = a.ends or (_add_years(a.signed, config.DEFAULT_TERM_YEARS) - timedelta(days=1))
        horizon = min(DATA_END, ends)
        if horizon <= a.signed:
            return []
        engaged_p, weak_p = self.engagement[a.category]
        u = rng.random()
        rows: list[tuple] = []

        def add(scope, d, stage, status, outcome="", value=None, proof=None):
            if d > horizon:
                return
            rows.append(
                (
                    scope,
                    d,
                    self.text(scope, stage, a),
                    status,
                    outcome,
                    value,
                    self.proof(d, status) if proof is None else proof,
                )
            )

        if u >= engaged_p + weak_p:
            return []  # dormant: nothing happened after signing
        if u >= engaged_p:  # only preparatory steps
            for scope in rng.sample(a.scopes, min(len(a.scopes), rng.choice([1, 1, 2]))):
                d = a.signed + timedelta(days=rng.randint(20, 420))
                status = lab.in_progress if rng.random() < 0.6 else lab.not_started
                add(scope, d, 0 if status == lab.not_started else 1, status)
            return rows
        for scope in a.scopes:
            if rng.random() < 0.66:
                delay = int(rng.lognormvariate(math.log(230), 0.75))
                done_on = a.signed + timedelta(days=max(14, delay))
                if done_on <= horizon:
                    if rng.random() < 0.45:
                        add(scope, self.day_between(a.signed, done_on), 1, lab.in_progress)
                    add(scope, done_on, 2, lab.done)
                    d = done_on
                    for _ in range(rng.choice([0, 0, 1, 2, 3])):
                        d = d + timedelta(days=rng.randint(120, 400))
                        add(scope, d, 2, lab.done)
                    continue
            v = rng.random()
            if v < 0.35:
                add(scope, a.signed + timedelta(days=rng.randint(30, 600)), 1, lab.in_progress)
            elif v < 0.5:
                add(scope, a.signed + timedelta(days=rng.randint(30, 600)), 0, lab.not_started)
        rows.extend(self.outcomes(a, horizon))
        return rows

    def outcomes(self, a: _Agreement, horizon: date) -> list[tuple]:
        """Outcome rows (Perda, training budget, LTSA, Satgas, people trained)."""
        rng = self.rng
        lab = self.lab
        c = lab.categories
        code_of = {lab.scope_code.get(s): s for s in a.scopes}
        rows = []
        if a.category == c["Pemerintah Daerah"] and a.parent is None:
            p = a.partner
            head = {"provinsi": "Gubernur", "kabupaten": "Bupati", "kota": "Wali Kota"}[p.kind]
            short = p.region.replace("Kabupaten ", "Kab. ")
            if 3 in code_of and rng.random() < 0.3:
                d = a.signed + timedelta(days=int(rng.lognormvariate(math.log(420), 0.4)))
                if d <= horizon:
                    no = rng.randint(1, 12)
                    text = (
                        f"Penetapan Peraturan Daerah {p.region} Nomor {no} Tahun {d.year} "
                        "tentang Pelindungan Pekerja Migran Indonesia"
                    )
                    proof = f"Perda {short} No. {no} Tahun {d.year}"
                    rows.append((code_of[3], d, text, lab.done, lab.perda, None, proof))
            if 2 in code_of and rng.random() < 0.3:
                first = a.signed + timedelta(days=rng.randint(90, 500))
                for k in range(rng.choice([1, 1, 2, 3])):
                    d = date(first.year + k, rng.randint(1, 4), rng.randint(2, 28))
                    if d <= a.signed or d > horizon:
                        continue
                    value = float(rng.randint(30, 500) * 5_000_000)
                    text = (
                        f"Alokasi APBD Tahun Anggaran {d.year} untuk pendidikan dan pelatihan "
                        f"CPMI {p.region}"
                    )
                    proof = f"DPA Dinas Tenaga Kerja {short} TA {d.year}"
                    rows.append((code_of[2], d, text, lab.done, lab.budget, value, proof))
            if 4 in code_of and rng.random() < 0.1:
                d = a.signed + timedelta(days=rng.randint(180, 900))
                if d <= horizon:
                    text = f"Peresmian Layanan Terpadu Satu Atap (LTSA) P2MI {p.region}"
                    proof = f"Berita acara peresmian {_fmt(d)}"
                    rows.append((code_of[4], d, text, lab.done, lab.ltsa, None, proof))
            if 1 in code_of and rng.random() < 0.12:
                d = a.signed + timedelta(days=rng.randint(60, 700))
                if d <= horizon:
                    text = f"Pembentukan Satgas Pencegahan PMI Nonprosedural {p.region}"
                    proof = (
                        f"SK {head} {short} No. {rng.randint(100, 599)}/"
                        f"{rng.randint(1, 300)}/KEP/{d.year}"
                    )
                    rows.append((code_of[1], d, text, lab.done, lab.task_force, None, proof))
        elif a.category == c["Lembaga Pendidikan"]:
            for code in (2, 8):
                if code in code_of and rng.random() < 0.25:
                    d = a.signed + timedelta(days=rng.randint(60, 800))
                    if d <= horizon:
                        people = rng.randint(20, 300)
                        text = f"Pelatihan dan sosialisasi migrasi aman bagi {people} peserta"
                        proof = f"Laporan kegiatan {_fmt(d)}"
                        rows.append((code_of[code], d, text, lab.done, lab.other, people, proof))
        return rows

    # -- tables -----------------------------------------------------------------------------
    def tables(self) -> dict[str, pd.DataFrame]:
        agreements = self.agreements()
        agr_rows, scope_rows, act_rows = [], [], []
        for a in agreements:
            agr_rows.append(
                (
                    a.number,
                    a.doc_type,
                    a.partner.name,
                    a.category,
                    a.partner.province or None,
                    a.signed,
                    a.ends,
                    a.unit or None,
                    a.notes or None,
                )
            )
            for s in a.scopes:
                scope_rows.append((a.number, s))
            acts = self.activities(a)
            acts.sort(key=lambda r: (r[1], self.lab.scope_code.get(r[0], 99)))
            for scope, d, text, status, outcome, value, proof in acts:
                act_rows.append(
                    (a.number, scope, d, text, status, outcome or None, value, proof or None)
                )
        info = [
            ("dataset", "sample"),
            ("keterangan", SAMPLE_NOTE),
            ("scale", self.scale),
            ("seed", self.seed),
        ]
        return {
            "Perjanjian": _frame(agr_rows, AGREEMENT_COLUMNS),
            "Ruang Lingkup": _frame(scope_rows, SCOPE_COLUMNS),
            "Tindak Lanjut": _frame(act_rows, ACTIVITY_COLUMNS),
            "Info": pd.DataFrame(info, columns=INFO_COLUMNS, dtype=object),
        }


def _frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns, dtype=object)
    out = {}
    for col in columns:
        if col in DATE_HEADERS:
            out[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
        elif col == "Nilai":
            out[col] = pd.to_numeric(df[col]).astype("float64")
        else:
            out[col] = df[col].astype("string")
    return pd.DataFrame(out, columns=columns)


def _check_args(scale: object, seed: object) -> None:
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ParameterError(f"scale must be a whole number of at least 1, not {scale!r}.")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ParameterError(f"seed must be a whole number, not {seed!r}.")
