"""Cell parsers for what analysts really type: dates and numbers, Indonesian style.

Each parser returns ``(value, note)``: the parsed value (or None) and, when the text could not
be read, a short English :class:`Note` for the data-quality log. A note is a ``str`` (its English
text) that also carries a stable ``code`` and the ``params`` of its message ``dq.<code>`` in
``translations.toml``, so the log can show it in Bahasa Indonesia too.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from dataclasses import dataclass
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
#: Bidirectional controls and zero-width characters: invisible, never meant as content.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
#: Two-digit years from 00 to this are read as 20yy (the evaluation window starts in 2018);
#: larger ones (70..99: 1970s-1990s or 2070s-2090s?) are ambiguous and not read.
TWO_DIGIT_YEAR_MAX = 69


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


class _AmbiguousYear(ValueError):
    """A two-digit year that cannot be placed (see :data:`TWO_DIGIT_YEAR_MAX`)."""


def _year(y: str) -> int:
    n = int(y)
    if len(y) != 2:
        return n
    if n > TWO_DIGIT_YEAR_MAX:
        raise _AmbiguousYear(y)
    return 2000 + n


def _ambiguous_year(value: object, yy: str) -> Note:
    shown = _show(value)
    return Note(
        f"two-digit year '{yy}' in '{shown}' is ambiguous; write the year in full (e.g. 2024)",
        code="date_two_digit_year",
        value=shown,
        year=yy,
    )


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
    text = _normal_text(value)
    if not text:
        return None, None
    try:
        return _parse_date_text(text, value)
    except _AmbiguousYear as exc:
        return None, _ambiguous_year(value, str(exc))


def _normal_text(value: object) -> str:
    """Cell text as the parsers read it: NFKC, invisible characters removed, lower case."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value))).strip().lower()


def _parse_date_text(text: str, value: object) -> tuple[date | None, Note | None]:
    """:func:`parse_date` of non-empty normalised text (``value`` is the cell as written)."""
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


# --------------------------------------------------------------------------- end dates
def add_years(d: date, years: int) -> date:
    """``d`` plus ``years`` years (29 February becomes 28 February), like pandas DateOffset."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def add_months(d: date, months: int) -> date:
    """``d`` plus ``months`` calendar months (the day is capped at the month's last day)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def default_end_date(signed_on: date, term_years: int) -> date:
    """The end date of an agreement that states none (and of one that states only its term):
    ``term_years`` years after signing, the day before the anniversary. The one place this
    rule is written.

    >>> default_end_date(date(2021, 3, 1), 5)
    datetime.date(2026, 2, 28)
    """
    return add_years(signed_on, term_years) - timedelta(days=1)


@dataclass(frozen=True)
class EndDate:
    """An end-date cell as read by :func:`parse_end_date`.

    ``on`` is the end date (None when empty, unreadable or open-ended); ``open_ended`` says
    the agreement states it has no end; ``note`` says why the cell could not be read and
    ``reading`` how a form other than a date was read (both :class:`Note` or None).
    """

    on: date | None
    open_ended: bool = False
    note: Note | None = None
    reading: Note | None = None


_NUMBER_WORDS = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11, "dua belas": 12,
    "dua puluh": 20, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10,
}  # fmt: skip
_UNITS = {
    "tahun": "years", "thn": "years", "th": "years", "year": "years", "years": "years",
    "bulan": "months", "bln": "months", "month": "months", "months": "months",
}  # fmt: skip
_NUMBER_WORD = "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True))
_RE_DURATION = re.compile(
    rf"^(?:(?:masa\s+)?berlaku\s+|selama\s+|jangka\s+waktu\s+)?(\d{{1,3}}|{_NUMBER_WORD})"
    rf"\s*(?:\(\s*({_NUMBER_WORD})\s*\))?\s*({'|'.join(_UNITS)})\.?"
    r"(?:\s+(?:sejak|terhitung|setelah|dari)\b.*)?$"
)
_RE_OPEN = re.compile(
    r"^(?:berlaku\s+)?(?:tidak\s+terbatas|tidak\s+ada\s+batas(?:\s+waktu)?|tanpa\s+batas"
    r"(?:\s+waktu)?|tidak\s+ada\s+masa\s+berakhir|selamanya|seterusnya|"
    r"sampai\s+(?:dengan\s+)?(?:dicabut|diakhiri)|unlimited|indefinite|open[\s-]?ended)\.?$"
)
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_RE_RANGE = re.compile(
    r"^(.+?)\s*(?:\bs\.?\s?/?\s?d\b\.?|\bsampai\s+dengan\b|\bsampai\b|\bhingga\b|"
    r"\buntil\b|\s-\s|(?<=\d)-(?=\d{4}$))\s*(.+)$"
)
_RE_MONTH_YEAR = re.compile(r"^([a-z']+)\.?[\s\-./,]+(\d{4})$")
_RE_NUMERIC_MONTH_YEAR = re.compile(r"^(\d{1,2})[\-./](\d{4})$")
_RE_YEAR = re.compile(r"^(?:(?:tahun|thn|th)\.?\s*)?(\d{4})$")
YEAR_MIN, YEAR_MAX = 1950, 2200


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _end_point(text: str) -> tuple[date, str] | None:
    """A date, month or year written as text: (its last day, ``"date"|"month"|"year"``)."""
    try:
        d, _ = _parse_date_text(text, text)
    except _AmbiguousYear:
        d = None
    if d is not None:
        return d, "date"
    m = _RE_MONTH_YEAR.match(text)
    if m and m.group(1).replace("'", "") in MONTHS and YEAR_MIN <= int(m.group(2)) <= YEAR_MAX:
        return _month_end(int(m.group(2)), MONTHS[m.group(1).replace("'", "")]), "month"
    m = _RE_NUMERIC_MONTH_YEAR.match(text)
    if m and 1 <= int(m.group(1)) <= 12 and YEAR_MIN <= int(m.group(2)) <= YEAR_MAX:
        return _month_end(int(m.group(2)), int(m.group(1))), "month"
    m = _RE_YEAR.match(text)
    if m and YEAR_MIN <= int(m.group(1)) <= YEAR_MAX:
        return date(int(m.group(1)), 12, 31), "year"
    return None


def _reading(value: object, kind: str, on: date, n: int = 0) -> Note:
    """How an end date written as a month, year, period or term was read."""
    shown = _show(int(value) if isinstance(value, float) else value)
    when = on.isoformat()
    if kind == "month":
        text = f"end date '{shown}' names a month; read as its last day ({when})"
        return Note(text, code="end_date_month", value=shown, date=on)
    if kind == "year":
        text = f"end date '{shown}' names a year; read as its last day ({when})"
        return Note(text, code="end_date_year", value=shown, date=on)
    if kind == "range":
        text = f"end date '{shown}' names a period; read as the end of the period ({when})"
        return Note(text, code="end_date_range", value=shown, date=on)
    if kind == "years":
        text = (
            f"end date '{shown}' is a term of {n} years; read as {n} years after signing ({when})"
        )
        return Note(text, code="end_date_years", value=shown, n=n, date=on)
    text = f"end date '{shown}' is a term of {n} months; read as {n} months after signing ({when})"
    return Note(text, code="end_date_months", value=shown, n=n, date=on)


def parse_end_date(value: object, signed_on: date | None) -> EndDate:
    """Read an end-date cell at the precision it is written.

    Besides every form of :func:`parse_date`: a month (``"Maret 2024"``, ``"03/2024"``: its
    last day), a year (``"2024"`` or the number 2024: 31 December), a period
    (``"2019 s.d. 2024"``, ``"1 Jan 2019 - 31 Des 2023"``: the end of its last part), a term
    (``"5 tahun"``, ``"5 (lima) tahun"``, ``"60 bulan"``: that term after ``signed_on``, the
    day before the anniversary, as :func:`default_end_date`) and an open end
    (``"Tidak terbatas"``, ``"tanpa batas waktu"``). Every form other than a date comes with
    a ``reading`` note that says how it was read.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        if (not isinstance(value, float) or value.is_integer()) and YEAR_MIN <= value <= YEAR_MAX:
            on = date(int(value), 12, 31)
            return EndDate(on, reading=_reading(value, "year", on))
    on, note = parse_date(value)
    if on is not None or note is None or isinstance(value, date | bool | int | float):
        return EndDate(on, note=note)
    text = _DASHES.sub("-", re.sub(r"\s+", " ", _normal_text(value)))
    if _RE_OPEN.match(text):
        shown = _show(value)
        return EndDate(
            None,
            open_ended=True,
            reading=Note(
                f"end date '{shown}': the agreement has no end; counted as active",
                code="end_date_open",
                value=shown,
            ),
        )
    m = _RE_DURATION.match(text)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBER_WORDS[m.group(1)]
        if m.group(2) is not None and _NUMBER_WORDS[m.group(2)] != n:
            return EndDate(None, note=note)  # "5 (enam) tahun": which one?
        if signed_on is None or n == 0:
            return EndDate(None, note=note)
        unit = _UNITS[m.group(3)]
        if unit == "years":
            on = default_end_date(signed_on, n)
        else:
            on = add_months(signed_on, n) - timedelta(days=1)
        return EndDate(on, reading=_reading(value, unit, on, n=n))
    point = _end_point(text)
    if point is not None:
        return EndDate(point[0], reading=_reading(value, point[1], point[0]))
    m = _RE_RANGE.match(text)
    if m:
        point = _end_point(m.group(2).strip())
        if point is not None and _end_point(m.group(1).strip()) is not None:
            return EndDate(point[0], reading=_reading(value, "range", point[0]))
    return EndDate(None, note=note)


def _not_a_date(value: object) -> Note:
    shown = _show(value)
    return Note(f"'{shown}' is not a date", code="date_not_a_date", value=shown)


def _invalid_date(value: object) -> Note:
    shown = _show(value)
    return Note(f"'{shown}' is not a valid date", code="date_invalid", value=shown)


def _not_a_number(value: object) -> Note:
    shown = _show(value)
    return Note(
        f"'{shown}' is not a number; write digits (1500000) or a form such as "
        "Rp 1.500.000 or 1,5 miliar",
        code="number_not_a_number",
        value=shown,
    )


#: Money and count forms the analysts' guide (docs/panduan_analis.md, section 1) and the
#: template's help sheet promise, with their values (``Rp -`` is nil: an empty cell);
#: tests/ingest/test_money.py writes each into a real workbook and checks that the guide
#: lists exactly these.
MONEY_EXAMPLES: dict[str, float | None] = {
    "1500000": 1_500_000.0,
    "Rp 1.500.000": 1_500_000.0,
    "Rp1.500.000,00": 1_500_000.0,
    "Rp. 1.500.000,-": 1_500_000.0,
    "IDR 1,500,000": 1_500_000.0,
    "1,5 juta": 1_500_000.0,
    "Rp 1,5 miliar": 1_500_000_000.0,
    "250 ribu": 250_000.0,
    "2,5 M": 2_500_000_000.0,
    "1,5 juta rupiah": 1_500_000.0,
    "Rp -": None,
    "120 orang": 120.0,
}


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
    text = _normal_text(value)
    if not text or text in {"-", "–"}:
        return None, None
    currency = re.match(r"^(rp\.?|idr)\s*", text)
    if currency:
        text = text[currency.end() :]
        if text in {"-", "–"}:  # "Rp -": nil, as in Indonesian accounts
            return None, None
    neg = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    text = text.strip("()-").strip()
    text = re.sub(r"^(rp\.?|idr)\s*", "", text)  # "-Rp 500.000", "(Rp 500.000)"
    text = re.sub(r"\s*(rupiah|idr)$", "", text)  # "1,5 juta rupiah"
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
