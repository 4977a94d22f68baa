"""Reporting periods for statistics: month, tertial, quarter, year or a custom date range.

=========  ==========================  ========================  =========================
kind       code                        covers                    ``label_sv``
=========  ==========================  ========================  =========================
month      ``2026-05``                 1–31 May 2026             ``maj 2026``
tertial    ``2026-T1`` … ``2026-T3``   Jan–Apr, May–Aug, Sep–Dec ``tertial 1 2026``
quarter    ``2026-Q1`` … ``2026-Q4``   Jan–Mar, …, Oct–Dec       ``kvartal 1 2026``
year       ``2026``                    1 Jan–31 Dec 2026         ``2026``
custom     ``2026-01-15..2026-03-31``  the dates, both included  ``15 jan 2026–31 mar 2026``
=========  ==========================  ========================  =========================

(A custom period of a single day is labelled with that day only: ``29 feb 2024``.)

:func:`parse_period` reads a code (surrounding spaces and a lower-case ``t``/``q`` are
accepted) and raises :class:`PeriodError` with one Swedish line for anything else.
``Period.code`` is the canonical text, so ``parse_period(p.code) == p``.  A custom range
stays a custom period even when it happens to cover a whole month: ``2026-05-01..2026-05-31``
is not equal to ``2026-05`` (its code says how it was chosen).

Periods compare and sort by (start, end, kind).  ``previous()`` is the period of the same
kind just before (a custom period: the same number of days just before);
``same_period_last_year()`` moves a custom range's dates one year back, 29 February
becoming 28 February.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MONTH, TERTIAL, QUARTER, YEAR, CUSTOM = "month", "tertial", "quarter", "year", "custom"
KINDS = (MONTH, TERTIAL, QUARTER, YEAR, CUSTOM)

MONTH_NAMES = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
               "september", "oktober", "november", "december")
MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")

# months per period, and how many such periods a year has
_MONTHS = {MONTH: 1, TERTIAL: 4, QUARTER: 3, YEAR: 12}
_PER_YEAR = {kind: 12 // length for kind, length in _MONTHS.items()}

_DATE = r"([0-9]{4}-[0-9]{2}-[0-9]{2})"
_PATTERNS = (
    (YEAR, re.compile(r"([0-9]{4})")),
    (MONTH, re.compile(r"([0-9]{4})-([0-9]{2})")),
    (TERTIAL, re.compile(r"([0-9]{4})-[Tt]([0-9]+)")),
    (QUARTER, re.compile(r"([0-9]{4})-[Qq]([0-9]+)")),
    (CUSTOM, re.compile(_DATE + r"\s*\.\.\s*" + _DATE)),
)
_WHOLE = {MONTH: "en kalendermånad", TERTIAL: "ett tertial", QUARTER: "ett kvartal", YEAR: "ett kalenderår"}
_FORMATS = "ÅÅÅÅ-MM, ÅÅÅÅ-T1…T3, ÅÅÅÅ-Q1…Q4, ÅÅÅÅ eller ÅÅÅÅ-MM-DD..ÅÅÅÅ-MM-DD"


class PeriodError(ValueError):
    """Not a valid reporting period; the message says why, on one line."""


def _last_day(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def _shift_year(day: date, years: int) -> date:
    year = day.year + years
    if not 1 <= year <= 9999:
        raise PeriodError(f"det finns inget år {year}")
    if day.month == 2 and day.day == 29 and _last_day(year, 2).day == 28:
        return date(year, 2, 28)
    return day.replace(year=year)


def _calendar(kind: str, year: int, index: int) -> "Period":
    """The ``index``-th (1-based) period of ``kind`` in ``year``."""
    if not 1 <= year <= 9999:
        raise PeriodError(f"det finns inget år {year}")
    first_month = (index - 1) * _MONTHS[kind] + 1
    last_month = first_month + _MONTHS[kind] - 1
    return Period(date(year, first_month, 1), _last_day(year, last_month), kind)


@dataclass(frozen=True, order=True, slots=True)
class Period:
    start: date
    end: date
    kind: str = CUSTOM

    def __post_init__(self):
        if self.kind not in KINDS:
            raise PeriodError(f"okänd periodtyp {self.kind!r}")
        for day in (self.start, self.end):
            if not isinstance(day, date) or isinstance(day, datetime):
                raise PeriodError(f"periodens början och slut ska vara datum, inte {day!r}")
        if self.end < self.start:
            raise PeriodError(f"periodens slut {self.end.isoformat()} är före dess början {self.start.isoformat()}")
        if self.kind != CUSTOM:
            length = _MONTHS[self.kind]
            if (self.start.day != 1 or (self.start.month - 1) % length
                    or self.end != _last_day(self.start.year, self.start.month + length - 1)):
                raise PeriodError(f"{self.start.isoformat()}–{self.end.isoformat()} är inte {_WHOLE[self.kind]}")

    # --- constructors -----------------------------------------------------------------

    @classmethod
    def of_month(cls, year: int, month: int) -> "Period":
        if not 1 <= month <= 12:
            raise PeriodError(f"månad {month} finns inte (månad 1–12)")
        return _calendar(MONTH, year, month)

    @classmethod
    def of_tertial(cls, year: int, number: int) -> "Period":
        if not 1 <= number <= 3:
            raise PeriodError(f"tertial {number} finns inte (tertial 1–3)")
        return _calendar(TERTIAL, year, number)

    @classmethod
    def of_quarter(cls, year: int, number: int) -> "Period":
        if not 1 <= number <= 4:
            raise PeriodError(f"kvartal {number} finns inte (kvartal 1–4)")
        return _calendar(QUARTER, year, number)

    @classmethod
    def of_year(cls, year: int) -> "Period":
        return _calendar(YEAR, year, 1)

    @classmethod
    def between(cls, start: date, end: date) -> "Period":
        """A custom period, both dates included."""
        return cls(start, end, CUSTOM)

    # --- description ------------------------------------------------------------------

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def number(self) -> int | None:
        """The month, tertial or quarter number within the year (1-based); 1 for a year;
        ``None`` for a custom period."""
        if self.kind == CUSTOM:
            return None
        return (self.start.month - 1) // _MONTHS[self.kind] + 1

    @property
    def code(self) -> str:
        if self.kind == MONTH:
            return f"{self.year:04d}-{self.number:02d}"
        if self.kind == TERTIAL:
            return f"{self.year:04d}-T{self.number}"
        if self.kind == QUARTER:
            return f"{self.year:04d}-Q{self.number}"
        if self.kind == YEAR:
            return f"{self.year:04d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label_sv(self) -> str:
        if self.kind == MONTH:
            return f"{MONTH_NAMES[self.number - 1]} {self.year}"
        if self.kind == TERTIAL:
            return f"tertial {self.number} {self.year}"
        if self.kind == QUARTER:
            return f"kvartal {self.number} {self.year}"
        if self.kind == YEAR:
            return str(self.year)
        if self.start == self.end:
            return _short(self.start)
        return f"{_short(self.start)}–{_short(self.end)}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return self.code

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> list[date]:
        """The first day of every calendar month the period touches (partial months included)."""
        out = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(date(year, month, 1))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    # --- neighbours -------------------------------------------------------------------

    def previous(self) -> "Period":
        """The period of the same kind just before; a custom period: as many days, just before."""
        try:
            if self.kind == CUSTOM:
                end = self.end - timedelta(days=self.days)
                return Period(end - timedelta(days=self.days - 1), end, CUSTOM)
            if self.number == 1:
                return _calendar(self.kind, self.year - 1, _PER_YEAR[self.kind])
            return _calendar(self.kind, self.year, self.number - 1)
        except (OverflowError, PeriodError):
            raise PeriodError(f"det finns ingen period före {self.code}") from None

    def same_period_last_year(self) -> "Period":
        try:
            if self.kind == CUSTOM:
                return Period(_shift_year(self.start, -1), _shift_year(self.end, -1), CUSTOM)
            return _calendar(self.kind, self.year - 1, self.number)
        except PeriodError:
            raise PeriodError(f"det finns inget år före {self.code}") from None


def _short(day: date) -> str:
    return f"{day.day} {MONTH_ABBREVIATIONS[day.month - 1]} {day.year}"


def _date(text: str, whole: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"{whole!r}: {text} är inget giltigt datum") from None


def parse_period(text: str) -> Period:
    """``"2026-05"``, ``"2026-T1"``, ``"2026-Q2"``, ``"2026"`` or ``"2026-01-15..2026-03-31"``
    → :class:`Period`."""
    if not isinstance(text, str):
        raise PeriodError(f"perioden ska vara text, inte {text!r}")
    stripped = text.strip()
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(stripped)
        if match is None:
            continue
        if kind == CUSTOM:
            start, end = _date(match[1], text), _date(match[2], text)
            if end < start:
                raise PeriodError(f"{text!r}: slutet {end.isoformat()} är före början {start.isoformat()}")
            return Period.between(start, end)
        year = int(match[1])
        if year == 0:
            raise PeriodError(f"{text!r}: år 0000 finns inte")
        if kind == YEAR:
            return Period.of_year(year)
        make = {MONTH: Period.of_month, TERTIAL: Period.of_tertial, QUARTER: Period.of_quarter}[kind]
        try:
            return make(year, int(match[2]))
        except PeriodError as exc:
            raise PeriodError(f"{text!r}: {exc}") from None
    raise PeriodError(f"okänd period {text!r}: skriv {_FORMATS}")


def parse_month(text: str) -> date:
    """``"2026-05"`` → ``date(2026, 5, 1)``; anything but one calendar month written
    ``ÅÅÅÅ-MM`` raises :class:`PeriodError`.  The one month parser of forms and commands."""
    period = parse_period(text)
    if period.kind != MONTH:
        raise PeriodError(f"{text!r} är ingen månad: skriv ÅÅÅÅ-MM")
    return period.start
