"""Counts for every unit and every month at once, protected together (docs/kpi.md,
"Linked tables").

A report shows one unit (or the whole municipality) for one period, but what it hides is
decided over everything it is linked to: each month is protected for **all units and the
whole municipality together** (``disclosure.protect_units``: whole = Σ units in every
cell, and the tables of one figure with their links), and a longer period shows a cell
only where every one of its months shows it (``disclosure.combine``).  So the same cell
is hidden whichever unit, period or export asks for it, and no subtraction between
reports gives a hidden value back.

The queries group by unit and month in the database (one query per figure, whatever the
number of units): what a unit's page costs is the whole municipality's grouped rows, not
one report per unit.
"""

import hashlib
from collections import defaultdict
from datetime import date

from django.core.cache import cache
from django.db import connection

from lika.core.disclosure import amounts_where, combine, protect_units

F, M = "F", "M"
PROTECTION_CACHE_SECONDS = 6 * 3600


def protect(units: dict, shapes, *, links=(), whole=None, threshold: int) -> dict:
    """``disclosure.protect_units``, kept in Django's cache by what goes in (the figures of
    every unit, the tables, the threshold): the same month protected again — the next
    page, the export, another unit's report — is not computed again, and any change in a
    figure is another key."""
    content = repr((shapes, links, threshold, sorted((unit, sorted(rows.items())) for unit, rows in units.items()),
                    sorted(whole.items()) if whole is not None else None))
    key = "statistics-protection:" + hashlib.sha256(content.encode()).hexdigest()
    protected = cache.get(key)
    if protected is None:
        protected = protect_units(units, shapes, links=links, whole=whole, threshold=threshold)
        cache.set(key, protected, timeout=PROTECTION_CACHE_SECONDS)
    return protected


def fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def month_sql(column: str) -> str:
    """The first day of ``column``'s month, in SQL."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"strftime('%%Y-%%m-01', {column})"


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


class Monthly:
    """``{month: {unit: {(table, row): [women, men]}}}`` filled from grouped rows; and the
    same for amounts of the same people (öre, day sums)."""

    def __init__(self):
        self.counts = defaultdict(lambda: defaultdict(dict))
        self.amounts = defaultdict(lambda: defaultdict(dict))
        self._protected = {}
        self._months = {}  # a month as the database gives it -> date

    def add(self, month, unit, key, gender, count, amount=0):
        if gender not in (F, M):
            return
        month = self._months.get(month) or self._months.setdefault(month, as_date(month))
        side = 0 if gender == F else 1
        for store, value in ((self.counts, count), (self.amounts, amount)):
            rows = store[month][unit]
            pair = rows.get(key)
            if pair is None:
                pair = rows[key] = [0, 0]
            pair[side] += int(value or 0)

    def protected(self, month: date, shapes, links, threshold) -> dict:
        """Every unit's and the whole municipality's cells of ``month``, protected together
        (once per month: a figure asks for a month more than once)."""
        key = (month, shapes, links, threshold)
        if key not in self._protected:
            units = {unit: {key: tuple(pair) for key, pair in rows.items()}
                     for unit, rows in self.counts.get(month, {}).items()}
            self._protected[key] = protect(units, shapes, links=links, threshold=threshold)
        return self._protected[key]

    def month_cells(self, month: date, unit, shapes, links, threshold) -> tuple[dict, dict]:
        """(counts, amounts) of ``unit`` (None: the whole municipality) in ``month``."""
        protected = self.protected(month, shapes, links, threshold)
        counts = protected.get(unit) or {key: 0 for key in protected[None]}
        if unit is None:
            sums = defaultdict(lambda: [0, 0])
            for rows in self.amounts.get(month, {}).values():
                for key, (women, men) in rows.items():
                    sums[key][0] += women
                    sums[key][1] += men
            amounts = {key: tuple(pair) for key, pair in sums.items()}
        else:
            amounts = {key: tuple(pair) for key, pair in self.amounts.get(month, {}).get(unit, {}).items()}
        return counts, amounts_where(counts, amounts)

    def period_cells(self, months, unit, shapes, links, threshold) -> tuple[dict, dict]:
        """(counts, amounts) of ``unit`` over whole ``months``: each month protected with
        every unit, then combined (a cell shown only where every month shows it)."""
        parts = [self.month_cells(month, unit, shapes, links, threshold) for month in months]
        return combine(p[0] for p in parts), combine(p[1] for p in parts)
