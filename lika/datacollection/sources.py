"""The adapter interface for digital data collection (digital inhämtning, SSBTEK-style).

Plain Python, no Django (an import contract keeps it so): an integrator writes one
``BenefitSource`` subclass per authority and names it in ``LIKA_BENEFIT_SOURCES``
(docs/datacollection.md).

A source answers one question: what did this person get from you concerning this month?

    class MySource(BenefitSource):
        code = FK                       # one of SOURCES
        def fetch(self, identity_number: str, month: date) -> list[BenefitRecord]: ...

``identity_number`` is the 12-digit personnummer or samordningsnummer (YYYYMMDDNNNN);
``month`` is the first day of the month asked about.  The source returns the records it
has (an empty list: nothing concerning that month), or raises one of the ``SourceError``
subclasses below; anything else it raises is treated as an unknown fault.  Lika calls
``fetch`` outside any database transaction, possibly from a worker thread, and never with
an address: a source gets the number and the month, nothing else.
"""

import abc
from dataclasses import dataclass
from datetime import date

# The authorities (and the unemployment funds) that report to the socialnämnd under
# förordningen (2008:975) om uppgiftsskyldighet i vissa fall enligt socialtjänstlagen,
# 1 §: CSN, Försäkringskassan, arbetslöshetskassorna, Arbetsförmedlingen, Skatteverket
# and Pensionsmyndigheten.
FK, AF, AKASSA, CSN, PM, SKV = "FK", "AF", "AKASSA", "CSN", "PM", "SKV"
SOURCES = {
    FK: "Försäkringskassan",
    AF: "Arbetsförmedlingen",
    AKASSA: "Arbetslöshetskassan",
    CSN: "Centrala studiestödsnämnden (CSN)",
    PM: "Pensionsmyndigheten",
    SKV: "Skatteverket",
}


@dataclass(frozen=True)
class Kind:
    label: str        # Swedish, as the case worker reads it
    income_type: str  # the application's income type it is compared with (lika.core.household.INCOME_TYPES)
    sources: tuple    # the sources that may report it


# What a source may report, and which of the application's incomes it is compared with.
KINDS = {
    "sjukpenning": Kind("Sjukpenning", "sickness_benefit", (FK,)),
    "foraldrapenning": Kind("Föräldrapenning", "parental_benefit", (FK,)),
    "sjukersattning": Kind("Sjuk- eller aktivitetsersättning", "activity_compensation", (FK,)),
    "bostadsbidrag": Kind("Bostadsbidrag", "housing_allowance", (FK,)),
    "barnbidrag": Kind("Barnbidrag", "child_allowance", (FK,)),
    "underhallsstod": Kind("Underhållsstöd", "maintenance_support", (FK,)),
    "aktivitetsstod": Kind("Aktivitetsstöd", "activity_support", (AF, FK)),
    "etableringsersattning": Kind("Etableringsersättning", "establishment_allowance", (AF, FK)),
    "arbetsloshetsersattning": Kind("Arbetslöshetsersättning", "unemployment_benefit", (AKASSA,)),
    "studiemedel": Kind("Studiemedel", "student_aid", (CSN,)),
    "pension": Kind("Allmän pension", "pension", (PM,)),
    "bostadstillagg": Kind("Bostadstillägg för pensionärer", "housing_allowance", (PM,)),
    "lon": Kind("Lön enligt arbetsgivardeklaration", "salary", (SKV,)),
    "skatteaterbaring": Kind("Skatteåterbäring", "tax_refund", (SKV,)),
}


def kinds_of(source: str) -> set[str]:
    """The kinds ``source`` may report."""
    return {key for key, kind in KINDS.items() if source in kind.sources}


def income_types_of(source: str) -> set[str]:
    """The application's income types a source's answer says something about."""
    return {KINDS[key].income_type for key in kinds_of(source)}


MAX_AMOUNT = 1_000_000_000  # öre: 10 000 000 kr, the bound every amount in Lika has


@dataclass(frozen=True)
class BenefitRecord:
    """One payment (or decided amount) a source reports for the person.

    ``amount`` is what was paid to her after preliminary tax, in öre (an integer, never a
    float); ``gross_amount`` the amount before tax when the source knows it.  The period
    is what the payment concerns; ``paid_on`` when it was paid (None: decided, not paid)."""

    source: str
    kind: str
    period_start: date
    period_end: date
    amount: int
    paid_on: date | None = None
    gross_amount: int | None = None


class SourceError(Exception):
    """A source could not answer.  Subclasses say why; the case worker reads a Swedish line."""

    template = "{source}: kunde inte svara."

    def message(self, source_label: str) -> str:
        return self.template.format(source=source_label)


class SourceTimeout(SourceError):
    template = "{source} svarade inte i tid. Försök igen om en stund."


class PersonNotFound(SourceError):
    template = "{source} har inga uppgifter om personen (okänd hos källan)."


class SourceUnavailable(SourceError):
    template = "{source} går inte att nå just nu (tjänsten är nere). Försök igen senare."


UNKNOWN_FAULT = ("{source} svarade med ett fel som Lika inte känner igen. Inget har hämtats därifrån. "
                 "Försök igen senare eller kontakta systemförvaltningen.")
INVALID_ANSWER = "{source} lämnade ett svar som inte kunde läsas ({detail}). Inget har hämtats därifrån."


class BenefitSource(abc.ABC):
    """One source of digital data collection.  Subclass it, set ``code`` (a key of
    ``SOURCES``) and implement ``fetch`` (a subclass without it cannot be made).  ``timeout`` (seconds, from the setting
    ``LIKA_BENEFIT_SOURCE_TIMEOUT``) is the longest the adapter may wait for an answer; it
    raises ``SourceTimeout`` when it has waited that long."""

    code: str = ""

    def __init__(self, *, timeout: float = 10.0):
        self.timeout = timeout

    @property
    def name(self) -> str:
        return SOURCES.get(self.code, self.code)

    @abc.abstractmethod
    def fetch(self, identity_number: str, month: date) -> list[BenefitRecord]:
        """The person's payments from this source for the month, or one of the errors above."""


def check_record(record, source: str, month: date) -> str | None:
    """Why ``record`` cannot be stored as an answer from ``source`` (a Swedish phrase),
    or None when it can."""
    if not isinstance(record, BenefitRecord):
        return "en post är inte en BenefitRecord"
    if record.source != source:
        return f"en post anger källan {record.source!r}"
    if record.kind not in KINDS or source not in KINDS[record.kind].sources:
        return f"okänd förmån {record.kind!r}"
    for value in (record.amount, record.gross_amount):
        if value is not None and (type(value) is not int or not 0 <= value <= MAX_AMOUNT):
            return "ett belopp är inte ett heltal öre inom gränserna"
    if not all(isinstance(d, date) for d in (record.period_start, record.period_end)) \
            or record.period_end < record.period_start:
        return "en period är ogiltig"
    if record.paid_on is not None and not isinstance(record.paid_on, date):
        return "ett utbetalningsdatum är ogiltigt"
    return None
