"""Vocabulary: the canonical labels, their aliases and keywords, and the regions.

``vocabulary.toml`` (categories, scopes, statuses, outcome types, document types, provinces,
input sheets and header aliases) is the one file that validation, the input template and the
reports read; ``wilayah.toml`` lists regencies and cities for the synthetic sample.
:mod:`evaluation.vocab.loader` loads and matches them.
"""
