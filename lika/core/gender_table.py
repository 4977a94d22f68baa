"""K/M/T tables from a person-level file of any register (docs/kpi.md, "Könsuppdelad
statistik ur egen fil").  Pure: rows of text in, a protected table or a list of
(line number, Swedish message) out — never both.

The file (read by :func:`csv_rows`, or by the web from an Excel sheet) has a header row and
one row per person or event.  :class:`Spec` names the columns to use:

* the gender source: a ``personnummer`` column (legal gender from the second-to-last digit:
  odd man, even woman — folkbokföringslagen 18 §; the check digit is verified) or a
  ``kön`` column with the values K/kvinna/F/flicka or M/man/P/pojke (case ignored);
* up to two dimension columns (every distinct value is a row; with two, a row per pair);
* the measure: the number of rows, or the sum of a column of whole numbers (exact integer
  sums, no floats).

With a personnummer column the distinct persons of every cell are counted as well, and the
protection is decided on them: a file of events (many rows per person) cannot show a cell
of five rows that are one person.  A person with rows in two categories is counted in
both, so the total row is the sum of the cells, as the tables' relations require.  A file
with only a kön column has no way to tell persons apart: its rows are taken as persons.

Every row is checked; at most ``max_errors`` messages are kept.  The result is protected
with :mod:`lika.core.disclosure` (primary and secondary suppression, audited); a sum is
hidden exactly where the count of its cell is hidden (:func:`disclosure.protect_amounts`).
Nothing of a person leaves this module: the result holds only counts and sums per cell.
"""

import csv
from dataclasses import dataclass
from datetime import date

from . import disclosure
from .attendance import personnummer_facts
from .limits import shown

FEMALE, MALE = "K", "M"
GENDER_VALUES = {"k": FEMALE, "kvinna": FEMALE, "f": FEMALE, "flicka": FEMALE,
                 "m": MALE, "man": MALE, "p": MALE, "pojke": MALE}
PERSONNUMMER, GENDER = "personnummer", "kön"
COUNT = ""  # Spec.sum_column for "number of rows"
MAX_ROWS = 200_000  # data rows in one file
MAX_COLUMNS = 200
MAX_FIELD = 200  # characters in one field
MAX_CATEGORIES = 500  # rows of the result table
MAX_ERRORS = 100
MAX_NUMBER = 10**15  # one summed value


class FileError(ValueError):
    """The file as a whole cannot be read (no header, too many rows …); one Swedish line."""


@dataclass(frozen=True)
class Spec:
    gender_column: str
    gender_source: str  # PERSONNUMMER or GENDER
    dimensions: tuple[str, ...] = ()  # 0, 1 or 2 column names
    sum_column: str = COUNT


@dataclass(frozen=True)
class Cells:
    """Unprotected aggregate: label -> (women, men) counts and sums."""
    counts: tuple[tuple[str, int, int], ...]  # rows
    sums: tuple[tuple[str, int, int], ...] | None
    persons: tuple[tuple[str, int, int], ...] | None = None  # distinct personnummer (personnummer source)


@dataclass(frozen=True)
class Result:
    cells: Cells | None
    errors: tuple[tuple[int, str], ...]
    rows: int
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _clean_header(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower()


def csv_rows(text: str) -> list[list[str]]:
    """The rows of a CSV text (UTF-8 already decoded, BOM allowed), ``;`` or ``,`` chosen
    from the header row (the one it has more of)."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows = []
    try:
        for row in csv.reader(text.splitlines(), delimiter=delimiter):
            if len(rows) > MAX_ROWS:
                raise FileError(f"filen har fler än {MAX_ROWS:,} rader".replace(",", " "))
            rows.append(row)
    except csv.Error as exc:
        raise FileError(f"rad {len(rows) + 1} kan inte läsas som CSV ({exc})") from None
    return rows


def header_of(rows: list[list[str]]) -> list[str]:
    if not rows or not any(field.strip() for field in rows[0]):
        raise FileError("filen saknar rubrikrad")
    if len(rows[0]) > MAX_COLUMNS:
        raise FileError(f"filen har fler än {MAX_COLUMNS} kolumner")
    return [_clean_header(name) for name in rows[0]]


def _index(header: list[str], name: str, errors: list) -> int | None:
    wanted = _clean_header(name)
    if header.count(wanted) > 1:
        errors.append((1, f"kolumnen {shown(name)} finns två gånger"))
        return None
    if wanted not in header:
        errors.append((1, f"kolumnen {shown(name)} finns inte; filen har {', '.join(header)}"))
        return None
    return header.index(wanted)


def _gender(value: str, source: str, today: date) -> tuple[str, str | None]:
    """(gender, the person's twelve-digit number or None) of a field."""
    if source == PERSONNUMMER:
        year, gender = personnummer_facts(value, today)
        digits = value.strip().replace(" ", "").replace("-", "").replace("+", "")
        return (FEMALE if gender == "F" else MALE), f"{year:04d}{digits[-8:]}"
    gender = GENDER_VALUES.get(value.strip().lower())
    if gender is None:
        raise ValueError(f"könet {shown(value)} ska vara K, kvinna, F, M eller man")
    return gender, None


def _whole(value: str) -> int:
    text = value.strip().replace(" ", "").replace("\u00a0", "").replace("−", "-")
    if text.endswith(",00") or text.endswith(".00"):
        text = text[:-3]
    if not text.lstrip("-").isdigit() or len(text) > 16 or abs(int(text)) > MAX_NUMBER:
        raise ValueError(f"värdet {shown(value)} ska vara ett heltal")
    return int(text)


def aggregate(rows: list[list[str]], spec: Spec, *, today: date, max_errors: int = MAX_ERRORS) -> Result:
    """Check every data row of ``rows`` (the first is the header) and add it to its cell."""
    header = header_of(rows)
    errors: list[tuple[int, str]] = []
    if spec.gender_source not in (PERSONNUMMER, GENDER):
        raise FileError("könskällan ska vara personnummer eller kön")
    if len(spec.dimensions) > 2:
        raise FileError("högst två dimensioner")
    gender_at = _index(header, spec.gender_column, errors)
    dim_at = [_index(header, name, errors) for name in spec.dimensions]
    sum_at = _index(header, spec.sum_column, errors) if spec.sum_column else None
    if errors:
        return Result(None, tuple(errors), max(len(rows) - 1, 0))
    counts: dict[str, list[int]] = {}
    sums: dict[str, list[int]] = {}
    persons: dict[str, tuple[set, set]] = {}  # in memory while the file is read, then only their number
    more = 0
    data = 0
    for line, fields in enumerate(rows[1:], start=2):
        if not any(field.strip() for field in fields):
            continue  # an empty line (e.g. the last one of an Excel export)
        data += 1
        problems = []
        if len(fields) < len(header):
            fields = list(fields) + [""] * (len(header) - len(fields))
        if any(len(field) > MAX_FIELD for field in fields):
            problems.append(f"ett fält är längre än {MAX_FIELD} tecken")
        gender = value = person = None
        try:
            gender, person = _gender(fields[gender_at], spec.gender_source, today)
        except ValueError as exc:
            problems.append(str(exc))
        labels = []
        for at in dim_at:
            label = fields[at].strip()
            labels.append(label if label else "(tomt)")
        if sum_at is not None:
            try:
                value = _whole(fields[sum_at])
            except ValueError as exc:
                problems.append(str(exc))
        if problems:
            for problem in problems:
                if len(errors) < max_errors:
                    errors.append((line, problem))
                else:
                    more += 1
            continue
        if errors:
            continue
        label = " / ".join(labels) if labels else "Alla"
        if label not in counts:
            if len(counts) >= MAX_CATEGORIES:
                raise FileError(f"dimensionerna ger fler än {MAX_CATEGORIES} rader; välj färre eller grövre")
            counts[label], sums[label], persons[label] = [0, 0], [0, 0], (set(), set())
        column = 0 if gender == FEMALE else 1
        counts[label][column] += 1
        if person is not None:
            persons[label][column].add(person)
        if value is not None:
            sums[label][column] += value
    if errors:
        return Result(None, tuple(errors), data, more)
    order = sorted(counts)
    people = (tuple((label, len(persons[label][0]), len(persons[label][1])) for label in order)
              if spec.gender_source == PERSONNUMMER else None)
    return Result(Cells(tuple((label, *counts[label]) for label in order),
                        tuple((label, *sums[label]) for label in order) if sum_at is not None else None,
                        people),
                  (), data)


@dataclass(frozen=True)
class Protected:
    counts: disclosure.ProtectedTable  # rows
    sums: disclosure.ProtectedTable | None
    persons: disclosure.ProtectedTable | None = None


def protect(cells: Cells, *, threshold: int = disclosure.DEFAULT_THRESHOLD) -> Protected:
    """The persons (or, without personnummer, the rows) protected; the rows and the sums
    hidden exactly where that count is hidden."""
    if cells.persons is not None:
        persons = disclosure.protect(cells.persons, threshold=threshold)
        counts = disclosure.protect_amounts(persons, cells.counts)
    else:
        persons = None
        counts = disclosure.protect(cells.counts, threshold=threshold)
    sums = disclosure.protect_amounts(counts, cells.sums) if cells.sums is not None else None
    return Protected(counts, sums, persons)
