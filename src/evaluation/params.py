"""Strict checking of report parameters, before papermill runs anything.

papermill only warns about unknown parameters; a misspelt ``grace_month=18`` would silently be
ignored and the meeting would see figures computed with the default. Here every parameter is
checked by name, type and value, and a bad one is refused with the list of valid choices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date

from evaluation import config
from evaluation.errors import ParameterError
from evaluation.vocab.loader import load_vocabulary

LANGS = ("id", "en")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ReportParams:
    """Every parameter a report notebook accepts (the notebooks' ``parameters`` cell mirrors it).

    ``as_of`` None means: 2024-03-14 for the bundled sample, today otherwise.
    """

    as_of: date | None = None
    since: date = config.DEFAULT_SINCE
    lang: str = "id"
    category: str | None = None
    grace_months: int = config.GRACE_MONTHS
    stale_months: int = config.STALE_MONTHS
    expiry_months: int = config.EXPIRY_MONTHS
    low_rate: float = config.LOW_RATE
    top_n: int = 25

    def to_notebook(self) -> dict[str, object]:
        """Parameters as papermill receives them (dates as ISO text)."""
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = v.isoformat() if isinstance(v, date) else v
        return out


PARAM_NAMES = tuple(f.name for f in fields(ReportParams))


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
            f"Parameter '{name}' must be a date written YYYY-MM-DD (e.g. 2024-03-14), not '{value}'."
        )
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise ParameterError(
            f"Parameter '{name}': '{value}' is not a real calendar date."
        ) from None


def _int(name: str, value: object, lo: int, hi: int) -> int:
    try:
        n = int(str(value).strip())
    except ValueError:
        raise ParameterError(f"Parameter '{name}' must be a whole number, not '{value}'.") from None
    if not lo <= n <= hi:
        raise ParameterError(f"Parameter '{name}' must be between {lo} and {hi}, not {n}.")
    return n


def check_params(raw: dict[str, object], base: ReportParams | None = None) -> ReportParams:
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
        Unknown name, wrong type, malformed date, unknown category or language, or
        ``as_of`` before ``since``. The message lists what is valid.
    """
    params = base or ReportParams()
    changes: dict[str, object] = {}
    for name, value in raw.items():
        if name not in PARAM_NAMES:
            raise ParameterError(f"Unknown parameter '{name}'.", name=name, valid=list(PARAM_NAMES))
        if name in ("as_of", "since"):
            changes[name] = (
                None if value in (None, "") and name == "as_of" else parse_date_param(name, value)
            )
        elif name == "lang":
            v = str(value).strip().lower()
            if v not in LANGS:
                raise ParameterError(f"Unknown language '{value}'.", name=name, valid=list(LANGS))
            changes[name] = v
        elif name == "category":
            if value in (None, "", "None"):
                changes[name] = None
                continue
            vocab = load_vocabulary()
            label = vocab.partner_categories.canonical(value)
            if label is None:
                raise ParameterError(
                    f"Unknown partner category '{value}'.",
                    name=name,
                    valid=vocab.partner_categories.labels,
                )
            changes[name] = label
        elif name in ("grace_months", "stale_months", "expiry_months"):
            changes[name] = _int(name, value, 0, 120)
        elif name == "top_n":
            changes[name] = _int(name, value, 1, 10_000)
        elif name == "low_rate":
            try:
                x = float(str(value).replace(",", "."))
            except ValueError:
                raise ParameterError(
                    f"Parameter 'low_rate' must be a fraction such as 0.5, not '{value}'."
                ) from None
            if not 0 <= x <= 1:
                raise ParameterError(f"Parameter 'low_rate' must be between 0 and 1, not {x}.")
            changes[name] = x
    params = replace(params, **changes)
    if params.as_of is not None and params.as_of < params.since:
        raise ParameterError(
            f"The evaluation date as_of ({params.as_of}) is before since ({params.since})."
        )
    return params


def parse_cli_pairs(pairs: list[str]) -> dict[str, str]:
    """``["grace_months=18", ...]`` to a dict.

    Raises
    ------
    ParameterError
        If an item is not ``NAME=VALUE``.
    """
    out = {}
    for item in pairs:
        if "=" not in item:
            raise ParameterError(
                f"Parameter '{item}' must be written NAME=VALUE.", valid=list(PARAM_NAMES)
            )
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out
