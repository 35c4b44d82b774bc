"""The report parameters: one definition, used by the command line, the notebooks and the analysis.

:data:`PARAMS` lists every parameter a report accepts with its type, allowed range, default
and help text (Bahasa Indonesia, the analysts' language). Everything else follows from it:

- the command line's ``-p NAME=VALUE`` values and ``--as-of``/``--lang`` go through
  :func:`check_params` before any work, and ``evaluation report --help`` lists the
  parameters from here (:func:`describe`);
- papermill receives :meth:`ReportParams.to_notebook`, and each notebook's ``parameters``
  cell must declare exactly these parameters with these defaults
  (:func:`check_notebook_parameters`, through ``papermill.inspect_notebook``);
- the analysis receives values already checked here; :func:`check_value` is the one check
  of a single value, so a value the command line accepts is never refused after ingestion.

papermill only warns about unknown parameters; a misspelt ``grace_month=18`` would silently be
ignored and the meeting would see figures computed with the default. Here every parameter is
checked by name, type and value, and a bad one is refused (exit status 2) with a message
naming the parameter and what is allowed. Each refusal carries a message code and its fields
(``error.param_*`` of ``translations.toml``), so the command line words it in the reader's
language; its own text (``str()``) is the Bahasa Indonesia one.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path

from evaluation import config
from evaluation.errors import ParameterError
from evaluation.vocab.loader import load_vocabulary

LANGS = ("id", "en")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NONE_TEXT = ("", "None", "none")


@dataclass(frozen=True)
class Param:
    """One report parameter.

    ``kind`` is ``date`` (``YYYY-MM-DD``), ``int`` (whole number in ``[low, high]``),
    ``fraction`` (number in ``[low, high]``, decimal comma allowed), ``lang`` (one of
    :data:`LANGS`) or ``category`` (a partner category of the vocabulary, aliases allowed).
    ``optional`` parameters also accept None (written ``None`` or left empty). ``option``
    names the command-line option that sets it instead of ``-p`` (``--as-of``).
    """

    name: str
    kind: str
    default: object
    help: str
    low: float | None = None
    high: float | None = None
    unit: str = ""
    optional: bool = False
    option: str | None = None

    def allowed(self) -> str:
        """What the parameter accepts, in Bahasa Indonesia (for messages and ``--help``)."""
        if self.kind == "int":
            text = f"bilangan bulat {self.low}–{self.high}"
            return f"{text} {self.unit}".rstrip()
        if self.kind == "fraction":
            return f"pecahan {self.low}–{self.high} (misalnya 0.5)"
        if self.kind == "date":
            return "tanggal YYYY-MM-DD (misalnya 2024-03-14)"
        if self.kind == "lang":
            return " atau ".join(LANGS)
        if self.kind == "category":
            return "kategori mitra dari vocabulary.toml"
        raise AssertionError(self.kind)  # pragma: no cover - the table below is fixed


#: Every parameter a report accepts, in the order of the notebooks' ``parameters`` cell.
PARAMS: tuple[Param, ...] = (
    Param(
        "as_of", "date", None,
        "tanggal evaluasi; kosong: 14 Maret 2024 untuk data contoh, selain itu hari ini",
        optional=True, option="--as-of",
    ),
    Param(
        "since", "date", config.DEFAULT_SINCE,
        "hanya perjanjian yang ditandatangani pada atau setelah tanggal ini yang dihitung",
    ),
    Param(
        "lang", "lang", "id", "bahasa laporan: id (Bahasa Indonesia) atau en (Inggris)",
        option="--lang",
    ),
    Param(
        "category", "category", None,
        "satu kategori mitra (laporan per kategori); kosong: semua kategori", optional=True,
    ),
    Param(
        "grace_months", "int", config.GRACE_MONTHS,
        "perlu asistensi bila belum ada tindak lanjut terlaksana selama ini sejak penandatanganan",
        low=0, high=120, unit="bulan",
    ),
    Param(
        "stale_months", "int", config.STALE_MONTHS,
        "perlu asistensi bila tidak ada kegiatan apa pun selama ini (periode minimal 1 bulan)",
        low=1, high=120, unit="bulan",
    ),
    Param(
        "expiry_months", "int", config.EXPIRY_MONTHS,
        "perjanjian yang berakhir dalam sekian bulan dengan pelaksanaan rendah",
        low=0, high=120, unit="bulan",
    ),
    Param(
        "low_rate", "fraction", config.LOW_RATE,
        "batas 'pelaksanaan rendah' (tingkat pelaksanaan ruang lingkup di bawah ini)",
        low=0, high=1,
    ),
    Param(
        "top_n", "int", 25,
        "tabel terpanjang di PDF dipotong sampai sekian baris (tabel lengkap di ringkasan.xlsx)",
        low=1, high=10_000, unit="baris",
    ),
)  # fmt: skip
SPEC: dict[str, Param] = {p.name: p for p in PARAMS}
PARAM_NAMES = tuple(SPEC)
#: Parameters of the notebooks' ``parameters`` cell that the report run sets itself (where the
#: processed tables and the previous report are), not report parameters.
RUN_PARAMS: dict[str, str | None] = {
    "tables_dir": None,
    "processed_dir": "../data/processed",
    "previous_dir": None,
}


@dataclass(frozen=True)
class ReportParams:
    """Checked values of every parameter of :data:`PARAMS` (same names, same defaults).

    ``as_of`` None means: 2024-03-14 for the bundled sample, today otherwise.
    """

    as_of: date | None = SPEC["as_of"].default
    since: date = SPEC["since"].default
    lang: str = SPEC["lang"].default
    category: str | None = SPEC["category"].default
    grace_months: int = SPEC["grace_months"].default
    stale_months: int = SPEC["stale_months"].default
    expiry_months: int = SPEC["expiry_months"].default
    low_rate: float = SPEC["low_rate"].default
    top_n: int = SPEC["top_n"].default

    def to_notebook(self) -> dict[str, object]:
        """Parameters as papermill receives them (dates as ISO text)."""
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = v.isoformat() if isinstance(v, date) else v
        return out


#: Message of a number outside its range, by the parameter's kind and unit.
_RANGE_CODES = {
    ("int", "bulan"): "param_months",
    ("int", "baris"): "param_rows",
    ("int", ""): "param_int",
    ("fraction", ""): "param_fraction",
}


def _valid(names) -> str:
    """Valid values as one message field (``id, en``)."""
    return ", ".join(str(n) for n in names)


def _refuse(p: Param, value: object) -> ParameterError:
    """A number of the wrong type or outside its range."""
    shown = value if isinstance(value, str) else repr(value)
    return ParameterError(
        f"Parameter '{p.name}' harus {p.allowed()}, bukan '{shown}'.",
        name=p.name,
        code=_RANGE_CODES.get((p.kind, p.unit)),  # none: shown with its own text
        fields={"name": p.name, "low": p.low, "high": p.high, "value": shown},
    )


def parse_date_param(name: str, value: object) -> date:
    """``YYYY-MM-DD`` text (or a date) to a date.

    Raises
    ------
    ParameterError
        If the text is not a real date in that format.
    """
    if isinstance(value, date):
        return value
    s = str(value).strip()
    if not _DATE.match(s):
        raise ParameterError(
            f"Parameter '{name}' harus tanggal YYYY-MM-DD (misalnya 2024-03-14), bukan '{value}'.",
            name=name,
            code="param_date_format",
            fields={"name": name, "value": value},
        )
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise ParameterError(
            f"Parameter '{name}': '{value}' bukan tanggal yang ada di kalender. Periksa hari "
            "dan bulannya (misalnya Februari hanya 28 atau 29 hari).",
            name=name,
            code="param_date_impossible",
            fields={"name": name, "value": value},
        ) from None


def check_value(name: str, value: object) -> object:
    """One parameter's value, converted to its type and checked against its range.

    Text as written on the command line (``"18"``, ``"0,4"``, ``"2024-03-14"``) and values
    of the right type are both accepted.

    Raises
    ------
    ParameterError
        Unknown name, wrong type or a value outside the allowed range; the message names
        the parameter and what is allowed.
    """
    p = SPEC.get(name)
    if p is None:
        raise ParameterError(
            f"Parameter '{name}' tidak dikenal.",
            name=name,
            valid=list(PARAM_NAMES),
            code="param_unknown",
            fields={"name": name, "valid": _valid(PARAM_NAMES)},
        )
    if p.optional and (value is None or (isinstance(value, str) and value.strip() in _NONE_TEXT)):
        return None
    if p.kind == "date":
        return parse_date_param(name, value)
    if p.kind == "lang":
        v = str(value).strip().lower()
        if v not in LANGS:
            raise ParameterError(
                f"Bahasa laporan '{value}' tidak dikenal.",
                name=name,
                valid=list(LANGS),
                code="param_lang_unknown",
                fields={"value": value, "valid": _valid(LANGS)},
            )
        return v
    if p.kind == "category":
        vocab = load_vocabulary()
        label = vocab.partner_categories.canonical(value)
        if label is None:
            labels = vocab.partner_categories.labels
            raise ParameterError(
                f"Kategori mitra '{value}' tidak dikenal.",
                name=name,
                valid=labels,
                code="param_category_unknown",
                fields={"value": value, "valid": _valid(labels)},
            )
        return label
    if p.kind == "int":
        if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
            raise _refuse(p, value)
        try:
            n = int(str(value).strip()) if not isinstance(value, int | float) else int(value)
        except ValueError:
            raise _refuse(p, value) from None
        if not p.low <= n <= p.high:
            raise _refuse(p, n)
        return n
    if p.kind == "fraction":
        if isinstance(value, bool):
            raise _refuse(p, value)
        try:
            x = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise _refuse(p, value) from None
        if not p.low <= x <= p.high:  # also refuses NaN
            raise _refuse(p, value)
        return x
    raise AssertionError(p.kind)  # pragma: no cover


def check_params(raw: Mapping[str, object], base: ReportParams | None = None) -> ReportParams:
    """Validate ``raw`` (name -> value, values may be text from the command line).

    Parameters
    ----------
    raw
        Parameters to set; unknown names are refused.
    base
        Starting values (default :class:`ReportParams` defaults).

    Returns
    -------
    ReportParams

    Raises
    ------
    ParameterError
        Unknown name, wrong type, malformed date, a value outside its range, unknown
        category or language, ``as_of`` in the future (after today), or ``as_of`` before
        ``since`` (the message suggests ``-p since=``). The message names the parameter
        and what is valid.
    """
    params = base or ReportParams()
    changes = {name: check_value(name, value) for name, value in raw.items()}
    params = replace(params, **changes)
    today = date.today()
    if params.as_of is not None and params.as_of > today:
        raise ParameterError(
            f"Tanggal evaluasi {params.as_of} ada di masa depan (hari ini {today}): belum ada "
            "kegiatan yang tercatat sesudah hari ini, sehingga semua angka akan salah "
            "(misalnya perjanjian yang masih berlaku dihitung sudah berakhir). Tulis tanggal "
            f"rapat evaluasi yang sudah lewat atau hari ini, misalnya --as-of {today}, atau "
            "hilangkan --as-of untuk memakai hari ini.",
            name="as_of",
            code="param_as_of_future",
            fields={"as_of": params.as_of.isoformat(), "today": today.isoformat()},
        )
    if params.as_of is not None and params.as_of < params.since:
        raise ParameterError(
            f"Tanggal evaluasi as_of ({params.as_of}) lebih awal dari since ({params.since}), "
            "awal periode perjanjian yang dihitung. Pilih tanggal evaluasi sesudah "
            f"{params.since}, atau mulai periode lebih awal dengan "
            f"-p since={params.as_of.year}-01-01.",
            name="as_of",
            code="param_as_of_before_since",
            fields={
                "as_of": params.as_of.isoformat(),
                "since": params.since.isoformat(),
                "start": f"{params.as_of.year}-01-01",
            },
        )
    return params


def parse_cli_pairs(pairs: list[str]) -> dict[str, str]:
    """``["grace_months=18", ...]`` to a dict.

    Raises
    ------
    ParameterError
        If an item is not ``NAME=VALUE``, or names a parameter that has its own option
        (``as_of`` is given as ``--as-of``).
    """
    out = {}
    for item in pairs:
        if "=" not in item:
            raise ParameterError(
                f"Parameter '{item}' harus ditulis NAMA=NILAI (NAME=VALUE), "
                "misalnya -p grace_months=18.",
                valid=list(PARAM_NAMES),
                code="param_no_equals",
                fields={"item": item, "valid": _valid(PARAM_NAMES)},
            )
        k, v = item.split("=", 1)
        k = k.strip()
        option = SPEC[k].option if k in SPEC else None
        if option:
            raise ParameterError(
                f"Tulis '{k}' sebagai {option}, bukan -p {k}=….",
                name=k,
                code="param_reserved",
                fields={"name": k, "option": option},
            )
        out[k] = v.strip()
    return out


def describe() -> str:
    """Every parameter with what it accepts, its default and its help (``--help`` text)."""
    lines = []
    for p in PARAMS:
        default = p.default.isoformat() if isinstance(p.default, date) else p.default
        default = "kosong" if default is None else default
        how = p.option or f"-p {p.name}=…"
        lines.append(f"  {p.name:<14} {how}: {p.allowed()}; bawaan {default}")
        lines.append(f"  {'':<14} {p.help}")
    return "\n".join(lines)


def check_notebook_parameters(path: str | Path) -> dict[str, object]:
    """Check a notebook's ``parameters`` cell against :data:`PARAMS`.

    The cell must assign every report parameter, with a default :func:`check_value` accepts
    and that equals the default here, plus the run's own :data:`RUN_PARAMS`; nothing else.
    Read with ``papermill.inspect_notebook`` (what papermill itself will inject into).

    Returns
    -------
    dict
        The notebook's report parameters and their (checked) defaults.

    Raises
    ------
    ParameterError
        The notebook has no parameters cell, lacks a parameter, declares an unknown one or
        gives a default that differs from the definition.
    """
    import papermill

    path = Path(path)
    found = papermill.inspect_notebook(str(path))
    if not found:
        raise ParameterError(
            f"{path.name}: tidak ada sel bertanda 'parameters'. Beri tag 'parameters' pada "
            "sel yang menetapkan parameter laporan (JupyterLab: Property Inspector, Cell Tags).",
            code="notebook_no_parameters",
            fields={"notebook": path.name},
        )
    declared = set(found)
    missing = [n for n in (*PARAM_NAMES, *RUN_PARAMS) if n not in declared]
    unknown = sorted(declared - set(PARAM_NAMES) - set(RUN_PARAMS))
    if missing or unknown:
        raise ParameterError(
            f"{path.name}: sel 'parameters' tidak sesuai dengan definisi parameter "
            f"(kurang: {', '.join(missing) or '-'}; tidak dikenal: {', '.join(unknown) or '-'}).",
            valid=[*PARAM_NAMES, *RUN_PARAMS],
            code="notebook_parameters_mismatch",
            fields={
                "notebook": path.name,
                "missing": ", ".join(missing) or "-",
                "unknown": ", ".join(unknown) or "-",
                "valid": _valid([*PARAM_NAMES, *RUN_PARAMS]),
            },
        )
    out = {}
    for name in PARAM_NAMES:
        text = found[name]["default"]
        try:
            literal = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            raise ParameterError(
                f"{path.name}: bawaan parameter '{name}' harus nilai tetap (angka, teks dalam "
                f"tanda kutip, atau None), bukan {text}.",
                name=name,
                code="notebook_default_not_literal",
                fields={"notebook": path.name, "name": name, "text": text},
            ) from None
        value = check_value(name, literal)
        if value != SPEC[name].default:
            raise ParameterError(
                f"{path.name}: bawaan parameter '{name}' adalah {text}, "
                f"sedangkan definisinya {SPEC[name].default!r}. Samakan bawaan di notebook "
                "dengan definisinya.",
                name=name,
                code="notebook_default_differs",
                fields={
                    "notebook": path.name,
                    "name": name,
                    "text": text,
                    "default": repr(SPEC[name].default),
                },
            )
        out[name] = value
    return out
