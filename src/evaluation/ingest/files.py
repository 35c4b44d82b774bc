"""Finding the input files in the raw folder, naming every other entry, fingerprinting."""

from __future__ import annotations

import hashlib
from pathlib import Path

from evaluation import config
from evaluation.errors import InputError
from evaluation.ingest.cells import Note
from evaluation.ingest.quality import QualityLog

#: Excel's lock file beside an open workbook (``~$Perjanjian.xlsx``).
_EXCEL_LOCK = "~$"
#: LibreOffice's lock file (``.~lock.Perjanjian.xlsx#``).
_LIBRE_LOCK = ".~lock."


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, as hex."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _is_input(p: Path) -> bool:
    return (
        p.is_file()
        and p.suffix.lower() in config.INPUT_SUFFIXES
        and not p.name.startswith((_EXCEL_LOCK, ".", _LIBRE_LOCK))
    )


def list_inputs(raw_dir: Path) -> list[Path]:
    """Input files of ``raw_dir`` in a stable order; every other entry of the folder is named
    by :func:`not_read` (lock files ``~$…``, other file types, sub-folders).

    Raises
    ------
    InputError
        If the folder does not exist or holds no input file.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputError(f"the input folder {raw_dir} does not exist.")
    files = sorted(p for p in raw_dir.iterdir() if _is_input(p))
    if not files:
        others = [name for name, _ in not_read(raw_dir)]
        found = f" (found but not read: {', '.join(others[:10])})" if others else ""
        raise InputError(
            f"no workbook found in {raw_dir}{found}. Put the agreement workbooks (.xlsx, .xlsm, "
            ".xls, .ods or .csv) there, or run 'evaluation template' for a blank one."
        )
    return files


def _lock_note(name: str, inputs: list[str]) -> Note:
    """The remark on a lock file: which workbook is open, when it can be told."""
    if name.startswith(_LIBRE_LOCK):
        target = name[len(_LIBRE_LOCK) :].rstrip("#")
    else:
        # Excel writes "~$" + the name, replacing its first two characters when long.
        rest = name[len(_EXCEL_LOCK) :]
        target = next((n for n in inputs if n == rest), None) or next(
            (n for n in inputs if len(rest) > 4 and n.endswith(rest)), rest
        )
    return Note(
        f"lock file: the workbook '{target}' is open in Excel or LibreOffice; save and close it, "
        "then run again (its last saved version was read)",
        code="file_open_in_excel",
        workbook=target,
    )


def not_read(raw_dir: Path) -> list[tuple[str, Note]]:
    """Every entry of ``raw_dir`` that is not an input file, with the reason, by name."""
    raw_dir = Path(raw_dir)
    entries = sorted(raw_dir.iterdir()) if raw_dir.is_dir() else []
    inputs = [p.name for p in entries if _is_input(p)]
    out = []
    for p in entries:
        name = p.name
        if name in inputs:
            continue
        if name.startswith((_EXCEL_LOCK, _LIBRE_LOCK)):
            note = _lock_note(name, inputs)
        elif p.is_dir():
            note = Note(
                "folder: files in sub-folders are not read; put the workbooks directly in "
                "the input folder",
                code="folder_not_read",
            )
        elif name.startswith("."):
            note = Note("hidden file; not read", code="hidden_file_not_read")
        else:
            suffixes = ", ".join(config.INPUT_SUFFIXES)
            note = Note(
                f"ignored: not an input file type ({suffixes}); not read",
                code="file_not_input",
                suffixes=suffixes,
            )
        out.append((name, note))
    return out


def log_not_read(raw_dir: Path, log: QualityLog) -> None:
    """One remark (action ``ignored``, no sheet) per entry of ``raw_dir`` not read."""
    for name, note in not_read(raw_dir):
        log.add(name, "", None, "", "", str(note), "ignored", code=note.code, params=note.params)
