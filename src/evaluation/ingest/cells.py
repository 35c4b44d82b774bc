"""Cell parsers for what analysts really type: dates and numbers, Indonesian style.

Each parser returns ``(value, note)``: the parsed value (or None) and, when the text could not
be read, a short English :class:`Note` for the data-quality log. A note is a ``str`` (its English
text) that also carries a stable ``code`` and the ``params`` of its message ``dq.<code>`` in
``translations.toml``, so the log can show it in Bahasa Indonesia too.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta

#: Excel's 1900 date system: serial 1 = 1900-01-01, with the 1900 leap-year bug.
EXCEL_EPOCH = date(1899, 12, 30)
#: Serial numbers outside this range are not read as dates (1954-10-08 .. 2119-12-31).
SERIAL_MIN, SERIAL_MAX = 20000, 80000

MONTHS = {
    # Indonesian
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3,
    "mar": 3, "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "agus": 8, "ags": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "aug": 8, "october": 10, "oct": 10, "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = r"(senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_RE_WEEKDAY = re.compile(rf"^\s*{_WEEKDAYS}\s*,?\s*", re.IGNORECASE)
_RE_TEXT_MONTH = re.compile(r"^(\d{1,2})[\s\-./]+([a-z']+)\.?[\s\-./,]+(\d{2}|\d{4})$")
_RE_NUMERIC_DMY = re.compile(r"^(\d{1,2})[\-./](\d{1,2})[\-./](\d{2}|\d{4})$")
_RE_MONTH_FIRST = re.compile(r"^([a-z']+)\.?[\s\-./]+(\d{1,2}),?[\s\-./,]+(\d{4})$")
_RE_ISO = re.compile(
    r"^(\d{4})[\-./](\d{1,2})[\-./](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_RE_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.0+)?$")


class Note(str):
    """English remark text that also carries its message code and parameters.

    Behaves as the plain English ``str``; ``code`` names the message ``dq.<code>`` of
    ``translations.toml`` and ``params`` holds the values of its placeholders.

    Parameters
    ----------
    text
        The English text (what ``str(note)`` gives).
    code
        Message code, e.g. ``"date_unknown_month"``.
    **params
        Placeholder values of the message.

    Examples
    --------
    >>> n = Note("unknown month name 'maretto'", code="date_unknown_month", month="maretto")
    >>> n, n.code, n.params
    ("unknown month name 'maretto'", 'date_unknown_month', {'month': 'maretto'})
    """

    code: str
    params: dict[str, object]

    def __new__(cls, text: str, *, code: str, **params: object) -> Note:
        self = super().__new__(cls, text)
        self.code = code
        self.params = params
        return self

    def __reduce__(self):  # keep code and params through pickling (multiprocessing)
        return (_make_note, (str(self), self.code, self.params))


def _make_note(text: str, code: str, params: dict[str, object]) -> Note:
    return Note(text, code=code, **params)


def _show(value: object, limit: int = 60) -> str:
    """Value as quoted in a note: one line, at most ``limit`` characters."""
    s = re.sub(r"\s+", " ", str(value))
    s = re.sub(r"[\x00-\x1f\x7f]", "?", s)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _year(y: str) -> int:
    n = int(y)
    return 2000 + n if len(y) == 2 else n


def _make(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _from_serial(x: float) -> date | None:
    if math.isfinite(x) and SERIAL_MIN <= x <= SERIAL_MAX:
        return EXCEL_EPOCH + timedelta(days=int(math.floor(x)))
    return None


def parse_date(value: object) -> tuple[date | None, Note | None]:
    """Read a date cell.

    Accepts Excel dates (``date``/``datetime``), Excel serial numbers (typed as numbers or as
    text), and text in Indonesian or English: ``"14 Maret 2024"``, ``"3 Agu 2023"``,
    ``"Kamis, 14 Maret 2024"``, ``"14-03-2024"``, ``"14/03/24"`` (day first), ``"2024-03-14"``.

    Returns
    -------
    (date or None, note or None)
        ``(None, None)`` for an empty cell; ``(None, note)`` when the text is not a date
        (``note`` is a :class:`Note`: English text with a message code).
    """
    if value is None:
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, bool):
        return None, _not_a_date(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None, None
        try:
            d = _from_serial(float(value))
        except OverflowError:
            d = None
        if d is None:
            shown = _show(value)
            return None, Note(
                f"number {shown} is not a plausible Excel date",
                code="date_serial_implausible",
                value=shown,
            )
        return d, None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if not text:
        return None, None
    text = _RE_WEEKDAY.sub("", text).strip()
    text = re.sub(r"\s+", " ", text)
    if _RE_SERIAL_TEXT.match(text):
        d = _from_serial(float(text))
        if d is not None:
            return d, None
    m = _RE_TEXT_MONTH.match(text)
    if m:
        month = MONTHS.get(m.group(2).replace("'", ""))
        if month is None:
            shown = _show(m.group(2))
            return None, Note(
                f"unknown month name '{shown}'", code="date_unknown_month", month=shown
            )
        d = _make(_year(m.group(3)), month, int(m.group(1)))
        return (d, None) if d else (None, _invalid_date(value))
    m = _RE_MONTH_FIRST.match(text)
    if m and m.group(1).replace("'", "") in MONTHS:
        d = _make(int(m.group(3)), MONTHS[m.group(1).replace("'", "")], int(m.group(2)))
        return (d, None) if d else (None, _invalid_date(value))
    m = _RE_ISO.match(text)
    if m:
        d = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return (d, None) if d else (None, _invalid_date(value))
    m = _RE_NUMERIC_DMY.match(text)
    if m:
        d = _make(_year(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d:
            return d, None
        shown = _show(value)
        return None, Note(
            f"'{shown}' is not a valid day-month-year date", code="date_invalid_dmy", value=shown
        )
    shown = _show(value)
    return None, Note(
        f"'{shown}' is not a date (write e.g. 14/03/2024 or 14 Maret 2024)",
        code="date_unrecognised",
        value=shown,
    )


def _not_a_date(value: object) -> Note:
    shown = _show(value)
    return Note(f"'{shown}' is not a date", code="date_not_a_date", value=shown)


def _invalid_date(value: object) -> Note:
    shown = _show(value)
    return Note(f"'{shown}' is not a valid date", code="date_invalid", value=shown)


def _not_a_number(value: object) -> Note:
    shown = _show(value)
    return Note(f"'{shown}' is not a number", code="number_not_a_number", value=shown)


_SCALE_WORDS = {
    "ribu": 1e3, "rb": 1e3, "k": 1e3, "juta": 1e6, "jt": 1e6, "million": 1e6,
    "miliar": 1e9, "milyar": 1e9, "m": 1e9, "billion": 1e9, "triliun": 1e12, "t": 1e12,
}  # fmt: skip
_RE_NUMBER_WORD = re.compile(r"^([0-9.,]+)\s*([a-z]+)?$")


def _plain_number(s: str) -> float | None:
    """Digits with Indonesian (1.500.000,50) or English (1,500,000.50) separators."""
    if not s or not re.fullmatch(r"[0-9.,]+", s) or not re.search(r"\d", s):
        return None
    if "." in s and "," in s:
        if s.rfind(",") > s.rfind("."):  # 1.500.000,50
            s = s.replace(".", "").replace(",", ".")
        else:  # 1,500,000.50
            s = s.replace(",", "")
    elif "." in s:
        parts = s.split(".")
        if len(parts) > 2 or (len(parts[-1]) == 3 and parts[0] != "0"):
            s = s.replace(".", "")  # 1.500.000 or 1.500 -> thousands
    elif "," in s:
        parts = s.split(",")
        if len(parts) > 2 or (len(parts[-1]) == 3 and parts[0] != "0"):
            s = s.replace(",", "")  # 1,500,000 -> thousands
        else:
            s = s.replace(",", ".")  # 2,5 -> decimal comma
    try:
        return float(s)
    except ValueError:
        return None


def parse_number(value: object) -> tuple[float | None, Note | None]:
    """Read a number cell: ``1500000``, ``"Rp 1.500.000"``, ``"1,5 miliar"``, ``"2,5"``.

    Returns
    -------
    (float or None, note or None)
        ``(None, None)`` for an empty cell; ``(None, note)`` when it is not a number
        (``note`` is a :class:`Note`: English text with a message code).
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, _not_a_number(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None, None
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            shown = _show(value)
            return None, Note(
                f"'{shown}' is not a finite number", code="number_not_finite", value=shown
            )
        return number, None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if not text or text in {"-", "–"}:
        return None, None
    neg = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    text = text.strip("()-").strip()
    text = re.sub(r"^(rp\.?|idr)\s*", "", text)
    text = text.replace(" ", "").replace("\u00a0", "") if not re.search(r"[a-z]", text) else text
    text = re.sub(r"\s*(orang|org|peserta|people)$", "", text)
    m = _RE_NUMBER_WORD.match(text.replace(" ", "") if text.count(" ") > 1 else text)
    if not m:
        return None, _not_a_number(value)
    base = _plain_number(m.group(1))
    if base is None:
        return None, _not_a_number(value)
    if m.group(2):
        factor = _SCALE_WORDS.get(m.group(2))
        if factor is None:
            return None, _not_a_number(value)
        base *= factor
    if not math.isfinite(base):
        shown = _show(value)
        return None, Note(
            f"'{shown}' is too large to be a number", code="number_too_large", value=shown
        )
    return (-base if neg else base), None
