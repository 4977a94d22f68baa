"""Payments from the municipality's earlier system, for the statistics' history (the
before/after figure of a municipality that switched to equal split before it used Lika).

``history_parse`` checks a whole file (docs/formats.md, "Payment history") before anything is
written; ``history_import`` then replaces the earlier system's figures for every month the file
names, in one transaction, and refreshes the summary tables of those years.  The rows become
``PersonYear`` rows with ``source = "H"``, which a refresh never touches (docs/kpi.md).
"""

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from lika.accounts.models import Role, Unit
from lika.audit.services import CREATE, access_log_write
from lika.core.limits import shown
from lika.core.money import MAX_AMOUNT_ORE, MoneyError, amount_ore
from lika.core.periods import PeriodError, parse_month
from lika.households.models import Person
from lika.identity.personnummer import IdentityNumber, IdentityNumberError, parse_identity_number

from .models import HISTORY, LIKA, PersonYear
from .refresh import refresh_years

COLUMNS = ("manad", "personnummer", "fornamn", "efternamn", "enhet", "belopp")
MAX_ROWS = 2_000_000
NAME_LENGTH = Person._meta.get_field("first_name").max_length
UNIT_LENGTH = Unit._meta.get_field("code").max_length


@dataclass(frozen=True)
class HistoryRow:
    line: int
    month: date
    identity: IdentityNumber | None  # None for a payment to a landlord or the like (no person)
    first_name: str
    last_name: str
    unit_code: str
    ore: int

    @property
    def identity_number(self) -> str:
        return self.identity.number if self.identity else ""


@dataclass(frozen=True)
class HistorySummary:
    rows: int
    months: tuple[date, ...]
    people: int
    new_people: int
    ore: int


def _month(text: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}", text):
        raise ValueError(f"månaden ska skrivas ÅÅÅÅ-MM, inte {shown(text)}")
    try:
        return parse_month(text)
    except PeriodError:
        raise ValueError(f"{text!r} är ingen månad") from None


def _ore(text: str) -> int:
    """Kronor, more than zero and at most 10 000 000 kr (``lika.core.money.amount_ore``):
    bounded before any arithmetic, so a 5 000-digit field is one line, not a traceback."""
    try:
        ore = amount_ore(text.replace("\u00a0", ""), minimum=-MAX_AMOUNT_ORE)
    except MoneyError as error:
        raise ValueError(f"beloppet ska vara kronor med högst två decimaler, t.ex. 8450,50: {error}") from None
    if ore <= 0:
        raise ValueError(f"beloppet ska vara ett positivt antal kronor, inte {shown(text)}")
    return ore


def history_parse(text: str, *, today: date) -> list[HistoryRow]:
    """Every row of a history file, checked; ``ValidationError`` with one Swedish line (the
    first fault, with its line number) otherwise."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";")
    try:
        return _parse_rows(reader, today)
    except csv.Error as error:  # e.g. a field above csv's field size limit
        raise ValidationError(f"rad {reader.line_num}: trasig CSV ({error})") from None


def _parse_rows(reader, today: date) -> list[HistoryRow]:
    header = [name.strip().lower() for name in next(reader, [])]
    if tuple(header) != COLUMNS:
        raise ValidationError(f"rad 1: kolumnerna ska vara {';'.join(COLUMNS)}")
    rows = []
    for values in reader:
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(COLUMNS):
            raise ValidationError(f"rad {line}: {len(values)} fält, ska vara {len(COLUMNS)}")
        month, number, first, last, unit, amount = (value.strip() for value in values)
        try:
            row_month = _month(month)
            if row_month > today:
                raise ValueError(f"månaden {month} har inte börjat")
            identity = parse_identity_number(number, today=today) if number else None
            if not number and (first or last):
                raise ValueError("namn utan personnummer: en utbetalning utan person (till hyresvärd) har inget namn")
            if not unit:
                raise ValueError("enheten saknas")
            if max(len(first), len(last)) > NAME_LENGTH or len(unit) > UNIT_LENGTH:
                raise ValueError(f"namn får vara högst {NAME_LENGTH} tecken och enhetskoden högst {UNIT_LENGTH}")
            ore = _ore(amount)
        except (ValueError, IdentityNumberError) as error:
            raise ValidationError(f"rad {line}: {error}") from None
        rows.append(HistoryRow(line, row_month, identity, first, last, unit, ore))
        if len(rows) > MAX_ROWS:
            raise ValidationError(f"filen har fler än {MAX_ROWS:,} rader; dela upp den per år".replace(",", " "))
    if not rows:
        raise ValidationError("filen har inga rader efter rubrikraden")
    return rows


def history_import(*, acting_user, rows: list[HistoryRow], dry_run: bool = False) -> HistorySummary:
    """Replace the earlier system's payments for every month in ``rows`` (the whole file or
    nothing), create the persons Lika does not know, and refresh the years' summary tables."""
    if not acting_user.has_role(Role.ADMINISTRATOR):
        raise PermissionDenied("bara en systemadministratör får läsa in historik")
    units = {unit.code: unit for unit in Unit.objects.all()}
    for row in rows:
        if row.unit_code not in units:
            raise ValidationError(f"rad {row.line}: enheten {row.unit_code!r} finns inte i Lika")
    months = sorted({row.month for row in rows})
    _refuse_months_paid_in_lika(months)
    numbers = {row.identity_number for row in rows if row.identity}
    known, ordered = {}, sorted(numbers)  # number -> (person id, legal gender)
    for start in range(0, len(ordered), 5000):  # in slices: SQLite limits the parameters of a query
        known.update((number, (pk, gender)) for number, pk, gender in Person.objects.filter(
            identity_number__in=ordered[start:start + 5000]).values_list("identity_number", "id", "legal_gender"))
    new = {}
    for row in rows:
        if row.identity and row.identity_number not in known and row.identity_number not in new:
            if not (row.first_name and row.last_name):
                raise ValidationError(f"rad {row.line}: personen finns inte i Lika: för- och efternamn behövs")
            new[row.identity_number] = row
    summary = HistorySummary(rows=len(rows), months=tuple(months), people=len(numbers), new_people=len(new),
                             ore=sum(row.ore for row in rows))
    if dry_run:
        return summary
    with transaction.atomic():
        for number, row in new.items():
            identity = row.identity
            person = Person.objects.create(
                identity_number=number, is_coordination_number=identity.kind == "samordningsnummer",
                first_name=row.first_name, last_name=row.last_name, birth_date=identity.birth_date,
                legal_gender=identity.legal_gender)
            known[number] = (person.pk, person.legal_gender)
            access_log_write(actor=acting_user, action=CREATE, object_type="person", object_id=person.pk,
                             person_id=person.pk, summary="Person ur tidigare systems utbetalningshistorik")
        _write(rows, months, units, known)
        access_log_write(actor=acting_user, action=CREATE, object_type="statistics",
                         summary=f"Utbetalningshistorik från tidigare system: {len(rows)} rader, "
                                 f"{len(numbers)} personer ({len(new)} nya), {months[0]:%Y-%m}–{months[-1]:%Y-%m}")
    refresh_years({month.year for month in months})
    return summary


def _refuse_months_paid_in_lika(months: list[date]) -> None:
    """History is for the time before Lika: a month with Lika's own payments would be counted twice."""
    for month in months:
        if PersonYear.objects.filter(source=LIKA, year=month.year).exclude(**{f"m{month.month:02d}": 0}).exists():
            raise ValidationError(f"{month:%Y-%m} har redan utbetalningar i Lika: historiken gäller tiden före Lika")


def _write(rows, months, units, persons) -> None:
    """``persons``: identity number -> (person id, legal gender), for every person in ``rows``."""
    amounts = defaultdict(int)  # (year, unit id, person id or None, month number) -> öre
    for row in rows:
        person_id = persons[row.identity_number][0] if row.identity else None
        amounts[(row.month.year, units[row.unit_code].pk, person_id, row.month.month)] += row.ore
    genders = dict(persons.values())
    by_year = defaultdict(set)
    for month in months:
        by_year[month.year].add(month.month)
    existing = {(r.year, r.unit_id, r.person_id): r
                for r in PersonYear.objects.filter(source=HISTORY, year__in=list(by_year))}
    for row in existing.values():  # the months the file names are replaced
        for number in by_year[row.year]:
            setattr(row, f"m{number:02d}", 0)
    created = {}
    for (year, unit_id, person_id, number), ore in amounts.items():
        key = (year, unit_id, person_id)
        row = existing.get(key) or created.get(key)
        if row is None:
            row = created[key] = PersonYear(year=year, unit_id=unit_id, person_id=person_id, source=HISTORY,
                                            gender=genders.get(person_id, ""))
        setattr(row, f"m{number:02d}", getattr(row, f"m{number:02d}") + ore)
    columns = [f"m{m:02d}" for m in range(1, 13)]
    empty = {row.pk for row in existing.values() if not any(getattr(row, c) for c in columns)}
    PersonYear.objects.filter(pk__in=empty).delete()
    PersonYear.objects.bulk_update([row for row in existing.values() if row.pk not in empty], columns,
                                   batch_size=1000)
    PersonYear.objects.bulk_create(created.values(), batch_size=1000)
