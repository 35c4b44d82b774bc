"""The command line's language: Bahasa Indonesia by default, English on request.

The language is chosen before the parser is built, so that ``--help`` is in it too:
``--lang en`` (or ``--lang=en``) anywhere on the command line, else the environment variable
``EVALUATION_LANG``, else Indonesian. Every text comes from ``translations.toml`` (the
``cli.*`` and ``argparse.*`` messages).

argparse writes its own messages (``usage:``, ``error:``, "the following arguments are
required", "invalid choice" …) through ``gettext``; :func:`argparse_language` points
argparse's message lookup at the ``argparse.*`` translations while the command line builds
and runs its parser, and restores it afterwards. :class:`Parser` ends every argparse error
with what to do next (``evaluation report --help``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence

# The message table is read without pandas or Babel, so that `evaluation --help` stays fast.
from evaluation.presentation.messages import (
    LANGS,
    fmt_number,
    fmt_seconds,
    message,
)

#: Environment variable choosing the language of the command line's messages.
LANG_ENV = "EVALUATION_LANG"


#: Text of message ``key`` (``cli.*``/``argparse.*``) in ``lang`` (Indonesian if missing).
t = message


#: argparse's message ids (Python 3.11–3.13) and their translations.
_ARGPARSE = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positional",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "show program's version number and exit": "argparse.version",
    "%(prog)s: error: %(message)s\n": "argparse.error",
    "the following arguments are required: %s": "argparse.required",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid_choice",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "invalid %(type)s value: %(value)r": "argparse.invalid_value",
    "expected one argument": "argparse.expected_one",
    "expected at most one argument": "argparse.expected_at_most_one",
    "expected at least one argument": "argparse.expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "argparse.ambiguous",
    "not allowed with argument %s": "argparse.not_allowed",
    "one of the arguments %s is required": "argparse.one_required",
    "ignored explicit argument %r": "argparse.ignored_explicit",
}
_ARGPARSE_PLURAL = {"expected %s argument": "argparse.expected_n"}


def choose_lang(argv: Sequence[str] | None = None, environ=None) -> str:
    """The language of the messages: ``--lang`` on the command line, else ``EVALUATION_LANG``.

    An unknown value is ignored here (``id`` is used; the report's ``--lang`` is checked
    later with its own message).

    Parameters
    ----------
    argv
        The arguments (default ``sys.argv[1:]``).
    environ
        The environment (default ``os.environ``).

    Returns
    -------
    str
        ``"id"`` or ``"en"``.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    env = os.environ if environ is None else environ
    chosen = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            chosen = args[i + 1]
        elif arg.startswith("--lang="):
            chosen = arg.split("=", 1)[1]
    if chosen is None:
        chosen = env.get(LANG_ENV, "")
    chosen = chosen.strip().lower()
    return chosen if chosen in LANGS else "id"


@contextlib.contextmanager
def argparse_language(lang: str) -> Iterator[None]:
    """Within the block, argparse writes its messages in ``lang``; restored afterwards."""
    saved = argparse._, argparse.ngettext

    def gettext(message: str) -> str:
        key = _ARGPARSE.get(message)
        return t(key, lang) if key else message

    def ngettext(singular: str, plural: str, n: int) -> str:
        key = _ARGPARSE_PLURAL.get(singular)
        return t(key, lang) if key else (singular if n == 1 else plural)

    argparse._, argparse.ngettext = gettext, ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors say how to get help, in the chosen language.

    Parameters
    ----------
    lang
        Language of the hint (``"id"`` or ``"en"``); the other arguments are argparse's.
    """

    def __init__(self, *args, lang: str = "id", **kwargs):
        self.lang = lang
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # noqa: D401 - argparse's signature
        """Print usage, the message and where to look for help; exit with status 2."""
        self.print_usage(sys.stderr)
        hint = t("cli.see_help", self.lang, command=f"{self.prog} --help")
        self.exit(2, argparse._("%(prog)s: error: %(message)s\n") % {
            "prog": self.prog,
            "message": f"{message}\n{hint}",
        })  # fmt: skip


__all__ = [
    "LANG_ENV",
    "Parser",
    "argparse_language",
    "choose_lang",
    "fmt_number",
    "fmt_seconds",
    "t",
]
