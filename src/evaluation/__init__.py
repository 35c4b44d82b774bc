"""Evaluation of BP2MI cooperation agreements: ingestion, implementation rates, reports."""

import sys as _sys

from evaluation.config import VERSION as __version__
from evaluation.errors import (
    EvaluationError,
    InputError,
    NotebookError,
    ParameterError,
    RenderError,
)
from evaluation.vocab.loader import load_vocabulary

# jsonschema, which nbformat imports (so papermill, nbclient and nbconvert too), imports the
# optional package rfc3987_syntax to check the "iri" string format; that package compiles a
# Lark grammar when imported, about 2 s on a 2-core machine, in every process that reads a
# notebook (the report process, each notebook worker, each test run). Nothing here checks
# IRIs, so the package is marked absent (jsonschema then skips that one format) unless
# something imported it already.
_sys.modules.setdefault("rfc3987_syntax", None)

__all__ = [
    "__version__",
    "EvaluationError",
    "InputError",
    "NotebookError",
    "ParameterError",
    "RenderError",
    "load_vocabulary",
]
