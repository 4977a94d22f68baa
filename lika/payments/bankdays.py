"""Swedish banking days and the payment day of a run.

A bank executes a credit transfer on a banking day (bankdag): not a Saturday or
Sunday, not a public holiday (allmän helgdag, lag (1989:253) om allmänna helgdagar),
and not midsommarafton, julafton or nyårsafton, when Swedish banks and Bankgirot are
closed (Bankgirot, "Stopptider för filer i december 2016", bankgirot.se: no payments
are processed on julafton, and the last banking day of the year is the day before
nyårsafton).  The calendar is the maintained `holidays` package (categories "public" and
"de_facto" for Sweden), not a table of our own.  Reads no clock: today comes in.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _closed(year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("SE", years=year, categories=("public", "de_facto"))
    return frozenset(calendar)


def is_banking_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _closed(day.year)


def previous_banking_day(day: date) -> date:
    """``day`` itself when it is a banking day, else the banking day before it."""
    while not is_banking_day(day):
        day -= timedelta(days=1)
    return day


def next_banking_day(day: date) -> date:
    """``day`` itself when it is a banking day, else the banking day after it."""
    while not is_banking_day(day):
        day += timedelta(days=1)
    return day


def default_payday(month: date, *, pay_day: int, today: date) -> date:
    """The run's payment day for support month ``month``: the municipality's pay day
    (day of the month before; the 28th stands for the end of February too) moved to
    the banking day before it; when that has already passed, the first banking day from
    today."""
    before = month.replace(day=1) - timedelta(days=1)
    wanted = before.replace(day=min(pay_day, before.day))
    payday = previous_banking_day(wanted)
    if payday < today:
        return next_banking_day(today)
    return payday


def payday_problem(payday: date, *, today: date) -> str | None:
    """Why ``payday`` cannot be a run's payment day, in Swedish, or None."""
    if payday < today:
        return f"Utbetalningsdagen {payday:%Y-%m-%d} har redan passerat."
    if not is_banking_day(payday):
        return (f"{payday:%Y-%m-%d} är inte en bankdag (helg, helgdag, midsommar-, jul- eller nyårsafton). "
                f"Närmast före är {previous_banking_day(payday):%Y-%m-%d}.")
    return None
