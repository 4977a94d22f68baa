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

from collections import defaultdict
from datetime import date

from django.db import connection

from lika.core.disclosure import amounts_where, combine, protect_units

F, M = "F", "M"


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

    def add(self, month, unit, key, gender, count, amount=0):
        if gender not in (F, M):
            return
        side = 0 if gender == F else 1
        for store, value in ((self.counts, count), (self.amounts, amount)):
            pair = store[as_date(month)][unit].setdefault(key, [0, 0])
            pair[side] += int(value or 0)

    def protected(self, month: date, shapes, links, threshold) -> dict:
        """Every unit's and the whole municipality's cells of ``month``, protected together
        (once per month: a figure asks for a month more than once)."""
        key = (month, shapes, links, threshold)
        if key not in self._protected:
            units = {unit: {key: tuple(pair) for key, pair in rows.items()}
                     for unit, rows in self.counts.get(month, {}).items()}
            self._protected[key] = protect_units(units, shapes, links=links, threshold=threshold)
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
