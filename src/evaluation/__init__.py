"""Evaluation of BP2MI cooperation agreements: ingestion, implementation rates, reports."""

from evaluation.errors import (
    EvaluationError,
    InputError,
    NotebookError,
    ParameterError,
    RenderError,
)
from evaluation.vocab.loader import load_vocabulary

__all__ = [
    "EvaluationError",
    "InputError",
    "NotebookError",
    "ParameterError",
    "RenderError",
    "load_vocabulary",
]
__version__ = "0.1.0"
