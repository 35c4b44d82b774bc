"""Evaluation of BP2MI cooperation agreements: ingestion, implementation rates, reports."""

from evaluation.config import VERSION as __version__
from evaluation.errors import (
    EvaluationError,
    InputError,
    NotebookError,
    ParameterError,
    RenderError,
)
from evaluation.vocab.loader import load_vocabulary

__all__ = [
    "__version__",
    "EvaluationError",
    "InputError",
    "NotebookError",
    "ParameterError",
    "RenderError",
    "load_vocabulary",
]
