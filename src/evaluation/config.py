"""Project paths and methodology defaults: the one place that knows where things live.

Every path can be overridden from the command line; these are only the defaults.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The version of the source (pyproject.toml reads it from here; ``evaluation.__version__``).
VERSION = "0.1.0"


def _find_project_root() -> Path:
    """The project checkout (folder holding ``pyproject.toml``), else the working folder."""
    env = os.environ.get("EVALUATION_PROJECT_ROOT")
    if env:
        return Path(env).resolve()
    for parent in PACKAGE_DIR.parents:
        if (parent / "pyproject.toml").exists() and (parent / "notebooks").is_dir():
            return parent
    return Path.cwd()


PROJECT_ROOT = _find_project_root()
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = PROJECT_ROOT / "reports"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"

#: Vocabulary file (categories, scopes, statuses, outcome types, provinces).
#: Analysts extend it without code changes; ``EVALUATION_VOCABULARY`` points elsewhere.
VOCABULARY_PATH = Path(
    os.environ.get("EVALUATION_VOCABULARY", PACKAGE_DIR / "vocab" / "vocabulary.toml")
)

# --- methodology defaults (README, "Methodology") ------------------------------------------
#: Agreements signed on or after this date count.
DEFAULT_SINCE = date(2018, 1, 1)
#: Evaluation date for the bundled sample: the meeting reported in the source article.
SAMPLE_AS_OF = date(2024, 3, 14)
#: When "Tanggal Berakhir" is empty the agreement is assumed to run this many years.
DEFAULT_TERM_YEARS = 5
#: An active agreement with no realised activity this long after signing needs assistance.
GRACE_MONTHS = 12
#: No activity of any kind for this long: needs assistance.
STALE_MONTHS = 12
#: Ending within this many months with scope implementation below LOW_RATE: needs assistance.
EXPIRY_MONTHS = 6
LOW_RATE = 0.5

#: Workbook file types read from the raw folder.
INPUT_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def package_version() -> str:
    """The installed version of the package (its metadata), else the source's
    ``evaluation.__version__`` (running from a checkout that is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("evaluation")
    except PackageNotFoundError:
        return VERSION
