"""Stage 2 — analysis: processed tables → the tables of record (pure DataFrame functions).

Never imports presentation or publishing: it returns numbers and codes, not words.
"""
