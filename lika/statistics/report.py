"""The statistics report as plain data: what the page, the exports (CSV, Excel, PDF) and
the KPI export all render.  No Django and no database here, so every consumer can be
tested with a report built by hand.

A :class:`Report` holds :class:`Figure` s (one per key figure in docs/kpi.md); a figure
holds one or more :class:`Table` s; every table has the columns *Kvinnor*, *Män* and
*Totalt* (``K``, ``M``, ``T``) and rows of one kind each:

- ``count``: an ``int`` (people, decisions, meetings …);
- ``kronor``: an ``int`` in öre, shown in whole kronor;
- ``percent``: a ``Fraction`` between 0 and 1, shown as a percentage with one decimal;
- ``days``: a ``Fraction`` (an average), shown with one decimal.

A cell may also be ``SUPPRESSED`` (shown ``..``: hidden by small-cell protection) or
``None`` (shown ``–``: nothing to show, e.g. a share of zero people).  Small-cell protection
has already been applied when a report is built: a renderer never decides what to hide.

A row may name a KPI id (``kpi``); the KPI export turns such rows into Kolada-like records
with the row's ``counts`` (the number of people or decisions behind each cell).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from lika.core.disclosure import SUPPRESSED
from lika.core.periods import Period

GENDERS = ("K", "M", "T")
GENDER_LABELS = {"K": "Kvinnor", "M": "Män", "T": "Totalt"}
KINDS = ("count", "kronor", "percent", "days")

Value = int | Fraction | None | type(SUPPRESSED)


@dataclass(frozen=True)
class Row:
    label: str
    kind: str
    cells: tuple  # (K, M, T): int | Fraction | SUPPRESSED | None
    counts: tuple | None = None  # (K, M, T) people/decisions behind the cells, for the CSV export
    kpi: str | None = None
    total: bool = False  # a total row (shown in bold)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"okänd radtyp {self.kind!r}")
        if len(self.cells) != 3 or (self.counts is not None and len(self.counts) != 3):
            raise ValueError("en rad har tre celler: kvinnor, män, totalt")

    def cell(self, gender: str):
        return self.cells[GENDERS.index(gender)]


@dataclass(frozen=True)
class Table:
    caption: str
    rows: tuple[Row, ...]
    note: str = ""

    @property
    def parts_rounded(self) -> bool:
        """True when a row's rounded parts (women, men) do not add up to its
        rounded total (issue 17): kronor are written in whole kronor; the table then says so."""
        for row in self.rows:
            if row.kind != "kronor" or any(v is SUPPRESSED or v is None for v in row.cells):
                continue
            women, men, total = (format_value(v, "kronor") for v in row.cells)
            if sum(int(t.replace(NBSP, "").removesuffix("kr").replace(" ", "")) for t in (women, men)) != int(
                    total.replace(NBSP, "").removesuffix("kr").replace(" ", "")):
                return True
        return False

    def row(self, label: str) -> Row:
        for row in self.rows:
            if row.label == label:
                return row
        raise KeyError(label)


@dataclass(frozen=True)
class ChartSeries:
    """One line or one set of bars: ``points`` are (label, value) with value a number
    (int or Fraction) or SUPPRESSED/None (drawn as a gap and written as ``..``/``–``)."""

    name: str  # "Kvinnor", "Män", …
    gender: str  # "K", "M", "T": picks the colour and pattern
    points: tuple


@dataclass(frozen=True)
class Chart:
    kind: str  # "bars" (grouped horizontal bars) or "line"
    title: str
    value_kind: str  # as Row.kind: how to write the numbers
    series: tuple[ChartSeries, ...]


@dataclass(frozen=True)
class Figure:
    key: str  # stable identifier, also the anchor on the page
    title: str
    definition: str  # one Swedish sentence: what is counted (docs/kpi.md has the whole definition)
    tables: tuple[Table, ...]
    chart: Chart | None = None


@dataclass(frozen=True)
class Report:
    municipality_code: str
    municipality_name: str
    period: Period
    unit_name: str  # "Hela kommunen" or the unit's name
    threshold: int
    figures: tuple[Figure, ...]
    generated_at: datetime
    data_as_of: datetime | None = None  # when the summary tables were last refreshed
    notes: tuple[str, ...] = field(default_factory=tuple)

    def figure(self, key: str) -> Figure:
        for figure in self.figures:
            if figure.key == key:
                return figure
        raise KeyError(key)


# --- presentation shared by the page and the exports ------------------------------------

NBSP = "\u00a0"


def _group(number: int) -> str:
    text = f"{abs(number):,}".replace(",", NBSP)
    return f"−{text}" if number < 0 else text


def decimal_of(value, kind: str) -> Decimal | None:
    """The number a cell stands for, as the exports write it: kronor (two decimals),
    percent (0–100, one decimal), days (one decimal), count (integer).  ``None`` for a
    hidden or empty cell."""
    if value is SUPPRESSED or value is None:
        return None
    if kind == "count":
        return Decimal(int(value))
    if kind == "kronor":
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))
    if kind == "percent":
        fraction = Fraction(value) * 100
    else:
        fraction = Fraction(value)
    return (Decimal(fraction.numerator) / Decimal(fraction.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)


def format_value(value, kind: str) -> str:
    """Swedish text of a cell: ``..`` hidden, ``–`` empty, ``12 345`` a count,
    ``12 345 kr`` kronor (rounded to whole kronor), ``48,3 %``, ``12,5`` days."""
    if value is SUPPRESSED:
        return ".."
    if value is None:
        return "–"
    if kind == "count":
        return _group(int(value))
    if kind == "kronor":
        kronor = (Decimal(int(value)) / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        return f"{_group(int(kronor))}{NBSP}kr"
    number = decimal_of(value, kind)
    whole, _, decimals = f"{abs(number):.1f}".partition(".")
    text = f"{_group(int(whole))},{decimals}"
    if number < 0:
        text = f"−{text}"
    return f"{text}{NBSP}%" if kind == "percent" else text


def period_text(report: Report) -> str:
    period = report.period
    return f"{period.label_sv} ({period.start:%Y-%m-%d}–{period.end:%Y-%m-%d})"
