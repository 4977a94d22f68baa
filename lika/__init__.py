"""Lika: gender-equal försörjningsstöd and grants for Swedish municipalities."""

__version__ = "0.1.0"
