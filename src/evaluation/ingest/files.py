"""Finding the input files in the raw folder and fingerprinting them."""

from __future__ import annotations

import hashlib
from pathlib import Path

from evaluation import config
from evaluation.errors import InputError


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, as hex."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def list_inputs(raw_dir: Path) -> list[Path]:
    """Input files of ``raw_dir`` in a stable order (Excel lock files ``~$…`` skipped).

    Raises
    ------
    InputError
        If the folder does not exist or holds no input file.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputError(f"the input folder {raw_dir} does not exist.")
    files = sorted(
        p
        for p in raw_dir.iterdir()
        if p.is_file()
        and p.suffix.lower() in config.INPUT_SUFFIXES
        and not p.name.startswith(("~$", ".~lock", "."))
    )
    if not files:
        raise InputError(
            f"no workbook found in {raw_dir}. Put the agreement workbooks (.xlsx, .xlsm, .ods "
            "or .csv) there, or run 'evaluation template' for a blank one."
        )
    return files
