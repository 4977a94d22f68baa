"""Lika's pure core: money, riksnorm tables, the benefit calculation, the payment split.

Standard library only.  Nothing here reads a clock, a setting, a file or a
database: everything comes in as arguments (enforced by import-linter and
``tests/core/test_purity.py``).
"""
