"""Exceptions. One root, specific subclasses carrying structured fields.

Everything an analyst can cause derives from :class:`EvaluationError`; the command line turns
it into a plain message and exit status 2 (input) or 1 (a step failed), never a traceback.

An error is worded in the reader's language when it is shown, not when it is raised: it
carries a message ``code`` and its ``fields`` (the message ``error.<code>`` of
``translations.toml``, placeholders filled from the fields, saying what went wrong and what
to fix) beside its English ``message`` (what ``str()`` and logs give).
:func:`evaluation.presentation.remarks.error_text` words it; an error without a code is shown
with its own text. For example::

    raise RenderError(
        f"Cannot print {path} to PDF: {detail}",
        code="pdf_print_failed",
        fields={"path": path, "detail": detail},
    )

with ``[error] pdf_print_failed.id = "..." / .en = "..."`` in ``translations.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Characters that would break or disguise a line of console output: C0/C1 controls (line
#: breaks included), bidirectional controls and zero-width characters.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: object) -> str:
    """``text`` safe to print on one console line: a line break in a file name becomes
    ``\\n``, other control, bidirectional and zero-width characters ``\\xNN``/``\\uNNNN``."""
    s = str(text)
    if not _UNPRINTABLE.search(s):
        return s
    return _UNPRINTABLE.sub(
        lambda m: _ESCAPES.get(
            c := m.group(), f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
        ),
        s,
    )


def first_line(detail: object) -> str:
    """The first non-empty line of an error's text (Playwright's and nbconvert's messages go
    on with a call log or a traceback), for a one-line message field."""
    for line in str(detail).splitlines():
        if line.strip():
            return line.strip()
    return type(detail).__name__ if isinstance(detail, BaseException) else ""


class EvaluationError(Exception):
    """Root of every error the tool reports to an analyst."""

    exit_code = 1

    def __init__(
        self, message: str, *, code: str | None = None, fields: Mapping[str, object] | None = None
    ):
        super().__init__(message)
        self.message = message
        #: Message ``error.<code>`` of translations.toml that words the error (None: its text).
        self.code = code
        #: Placeholder values of that message.
        self.fields = dict(fields or {})

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class InputError(EvaluationError):
    """Input that cannot be used at all (exit status 2).

    Parameters
    ----------
    message
        What is wrong and what to fix, in plain language.
    file, sheet, row, column
        Where, as far as known. ``row`` is the Excel row number (1-based).
    remarks
        The message as remarks (code + fields, :class:`evaluation.ingest.cells.Note`): a
        headline and its items, worded in the reader's language when shown
        (:func:`evaluation.presentation.remarks.error_text`); ``message`` is their English.
    code, fields
        Or the message as one ``error.<code>`` message (see :class:`EvaluationError`).
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        remarks: list | None = None,
        code: str | None = None,
        fields: Mapping[str, object] | None = None,
    ):
        self.remarks = list(remarks or [])
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        where = []
        if file:
            where.append(f"file {printable(file)}")
        if sheet:
            where.append(f"sheet '{printable(sheet)}'")
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(f"column '{column}'")
        full = f"{', '.join(where)}: {message}" if where else message
        super().__init__(full, code=code, fields=fields)
        self.detail = message


class UnsafeFileError(InputError):
    """A file refused before parsing (zip bomb, entity bomb, encrypted, absurd size)."""


class VocabularyError(EvaluationError):
    """The vocabulary file is malformed."""

    exit_code = 2


class ParameterError(EvaluationError):
    """A report parameter is unknown or has a bad value (exit status 2)."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        name: str | None = None,
        valid: list[str] | None = None,
        code: str | None = None,
        fields: Mapping[str, object] | None = None,
    ):
        self.name = name
        self.valid = valid
        if valid:
            message = f"{message} Valid: {', '.join(valid)}."
        super().__init__(message, code=code, fields=fields)


class NotebookError(EvaluationError):
    """A report notebook cell failed; the failed executed notebook is kept for diagnosis."""

    def __init__(
        self,
        message: str,
        *,
        notebook: str,
        cell: int | None,
        kept_at: str | None,
        error: str = "",
        previous: str | None = None,
    ):
        self.notebook = notebook
        self.cell = cell
        self.kept_at = kept_at
        self.error = error  # the cell's exception, as the kernel reported it
        self.previous = previous  # the earlier report left untouched, if there is one
        super().__init__(message)


class RenderError(EvaluationError):
    """HTML or PDF rendering failed (for instance no Chromium found)."""
