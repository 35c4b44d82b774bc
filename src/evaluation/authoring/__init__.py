"""Authoring tools beside the flow: the blank input template, the synthetic sample and the
notebook hygiene check."""
