"""The attendance file (närvarofil): one row per participant and sammankomst, in the shape
clubs export from their membership systems.  Pure: lines of text in, occasions or a list
of (line number, Swedish message) out — never both, never a partial result.

The format (docs/grants.md, "Närvarofilen"): UTF-8 with or without BOM, ``;`` or ``,``
between fields (chosen from the header row), a header row with these Swedish names in any
order (case and surrounding spaces ignored; other columns are allowed and never read):

``datum`` (ÅÅÅÅ-MM-DD), ``grupp``, ``deltagare`` (the club's id of the participant),
``födelseår`` and/or ``personnummer`` (one of them per row), ``kön`` (optional column),
``ledare`` (optional column; ja/nej), ``minuter``.

The file is read line by line (``csv.reader`` over any iterable of lines), so memory grows
with the occasions kept, not with the file.  Once an error is found the occasions are no
longer kept; the rest of the file is still checked.  At most ``max_errors`` messages are
listed, then one line says how many more there were.

A personnummer gives the birth year and, when the row has no ``kön``, the legal gender
(the second-to-last digit: odd man, even woman).  A stated ``kön`` wins over the digit,
because a number on file may predate a change of legal sex.  The check is the same
Luhn digit as ``lika.identity`` applies, written here in plain Python because the core
may not import stdnum.
"""

import csv
from dataclasses import dataclass
from datetime import date

from .grants import FEMALE, MALE, UNKNOWN, Occasion, Participant
from .limits import shown

DATE, GROUP, PARTICIPANT, BIRTH_YEAR, PERSONNUMMER, GENDER, LEADER, MINUTES = (
    "datum", "grupp", "deltagare", "födelseår", "personnummer", "kön", "ledare", "minuter",
)
COLUMNS = (DATE, GROUP, PARTICIPANT, BIRTH_YEAR, PERSONNUMMER, GENDER, LEADER, MINUTES)
REQUIRED = (DATE, GROUP, PARTICIPANT, MINUTES)

GENDER_VALUES = {
    "k": FEMALE, "f": FEMALE, "kvinna": FEMALE, "flicka": FEMALE, "tjej": FEMALE,
    "m": MALE, "p": MALE, "man": MALE, "pojke": MALE, "kille": MALE,
    "": UNKNOWN, "okänt": UNKNOWN, "annat": UNKNOWN, "x": UNKNOWN,
}
YES = {"ja", "j", "1", "x", "sant", "true"}
NO = {"nej", "n", "0", "", "falskt", "false"}

MAX_FIELD = 200  # characters in one field
MAX_MINUTES = 24 * 60
MAX_ERRORS = 1000
MIN_YEAR, MAX_YEAR = 1900, 2200


@dataclass(frozen=True)
class AttendanceResult:
    occasions: tuple  # grants.Occasion, ordered by date and group; empty when there are errors
    errors: tuple  # (line number, Swedish message), in file order
    rows: int  # data rows read

    @property
    def ok(self) -> bool:
        return not self.errors


class _RowError(ValueError):
    pass


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def personnummer_facts(text: str, on: date) -> tuple[int, str]:
    """(birth year, legal gender) of a personnummer or samordningsnummer, 10 or 12 digits.

    Ten digits carry no century: the birth is put in the latest century that is not after
    ``on`` (the date of the occasion); a ``+`` means at least 100 years before ``on``'s year.
    """
    cleaned = text.strip().replace(" ", "")
    plus = "+" in cleaned
    digits = cleaned.replace("-", "").replace("+", "")
    if not digits.isdigit() or len(digits) not in (10, 12) or cleaned.count("-") + cleaned.count("+") > 1:
        raise _RowError("personnumret ska ha 10 eller 12 siffror, t.ex. 20150315-1234")
    short = digits[-10:]
    if not _luhn_ok(short):
        raise _RowError("personnumret har fel kontrollsiffra")
    month, day = int(short[2:4]), int(short[4:6])
    if day > 60:
        day -= 60  # samordningsnummer
    if len(digits) == 12:
        year = int(digits[:4])
    else:
        yy = int(short[:2])
        year = on.year - (on.year - yy) % 100
        if plus:
            year -= 100
    try:
        born = date(year, month, day)
    except ValueError:
        raise _RowError("personnumret innehåller inget giltigt födelsedatum") from None
    if len(digits) == 10 and not plus and born > on:
        year -= 100
        try:
            born = date(year, month, day)
        except ValueError:  # 29 February in a year a century earlier that had none
            raise _RowError("personnumret innehåller inget giltigt födelsedatum") from None
    if born > on:
        raise _RowError("personnumret anger en födelse efter sammankomsten")
    return year, (MALE if int(short[8]) % 2 else FEMALE)


def _header(row, line):
    names = [name.strip().lower() for name in row]
    errors = []
    for name in sorted(set(names)):
        if name in COLUMNS and names.count(name) > 1:
            errors.append((line, f"kolumnen {name} finns två gånger"))
    for name in REQUIRED:
        if name not in names:
            errors.append((line, f"kolumnen {name} saknas"))
    if BIRTH_YEAR not in names and PERSONNUMMER not in names:
        errors.append((line, "kolumnen födelseår eller personnummer saknas"))
    # Other columns (a name, a member number) are allowed and never read.
    return {name: i for i, name in enumerate(names) if name in COLUMNS}, errors


def _row(fields, index, problems):
    """The row's values, or None (with every problem appended to ``problems``)."""

    def get(name):
        i = index.get(name)
        return fields[i].strip() if i is not None else ""

    for value in fields:
        if len(value) > MAX_FIELD:
            problems.append(f"ett fält är längre än {MAX_FIELD} tecken")
            return None
    text = get(DATE)
    day = None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        problems.append(f"datum {shown(text)} ska skrivas ÅÅÅÅ-MM-DD")
    group = get(GROUP)
    if not group:
        problems.append("grupp saknas")
    ident = get(PARTICIPANT)
    if not ident:
        problems.append("deltagare saknas")
    minutes_text = get(MINUTES)
    minutes = None
    if minutes_text.isdigit() and 1 <= int(minutes_text) <= MAX_MINUTES:
        minutes = int(minutes_text)
    else:
        problems.append(f"minuter {shown(minutes_text)} ska vara ett heltal 1–{MAX_MINUTES}")
    leader_text = get(LEADER).lower()
    leader = leader_text in YES
    if not leader and leader_text not in NO:
        problems.append(f"ledare {shown(leader_text)} ska vara ja eller nej")
    gender_text = get(GENDER).lower()
    gender = GENDER_VALUES.get(gender_text)
    if gender is None:
        problems.append(f"kön {shown(gender_text)} ska vara K, M eller tomt")
    birth_year = None
    year_text, pnr_text = get(BIRTH_YEAR), get(PERSONNUMMER)
    if year_text:
        if year_text.isdigit() and len(year_text) == 4 and MIN_YEAR <= int(year_text) <= MAX_YEAR:
            birth_year = int(year_text)
            if day is not None and birth_year > day.year:
                problems.append(f"födelseår {birth_year} ligger efter sammankomstens datum")
                birth_year = None
        else:
            problems.append(f"födelseår {shown(year_text)} ska vara fyra siffror, t.ex. 2015")
    if pnr_text and day is not None:
        try:
            pnr_year, pnr_gender = personnummer_facts(pnr_text, day)
        except _RowError as exc:
            problems.append(str(exc))
        else:
            if birth_year is not None and birth_year != pnr_year:
                problems.append(f"födelseår {birth_year} stämmer inte med personnumret")
            birth_year = pnr_year
            if gender == UNKNOWN and gender_text == "":
                gender = pnr_gender
    elif not year_text and not pnr_text:
        problems.append("födelseår eller personnummer saknas")
    if problems:
        return None
    return day, group, ident, birth_year, gender, leader, minutes


def parse_attendance(lines, *, max_errors: int = MAX_ERRORS) -> AttendanceResult:
    """Check every line of an attendance file and return its occasions or all its errors.

    ``lines`` is any iterable of text lines (e.g. a file opened with
    ``encoding="utf-8-sig", newline=""``); a leading BOM is dropped either way.
    """
    errors = []
    extra_errors = 0

    def report(line, message):
        nonlocal extra_errors
        if len(errors) < max_errors:
            errors.append((line, message))
        else:
            extra_errors += 1

    def stripped(source):
        first = True
        for text in source:
            if first:
                text = text.removeprefix("\ufeff")
                first = False
            yield text

    source = stripped(iter(lines))
    try:
        first = next(source)
    except StopIteration:
        return AttendanceResult((), ((1, "filen är tom"),), 0)
    except UnicodeDecodeError:
        return AttendanceResult((), ((1, "filen är inte UTF-8; spara den som UTF-8 och läs in den igen"),), 0)
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","

    def chained():
        yield first
        yield from source

    reader = csv.reader(chained(), delimiter=delimiter, strict=True)
    next_header = next(reader)
    index, header_errors = _header(next_header, reader.line_num)
    for line, message in header_errors:
        report(line, message)
    width = len(next_header)
    occasions = {}  # (date, group) -> [minutes, first line, {id: Participant}]
    people = {}  # id -> (birth year, gender, line)
    rows = 0
    line = reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = reader.line_num
            report(line, f"raden kan inte läsas som CSV ({exc})")
            continue
        except UnicodeDecodeError:
            report(reader.line_num + 1, "filen är inte UTF-8; spara den som UTF-8 och läs in den igen")
            break
        line = reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue
        rows += 1
        if header_errors:
            continue
        if len(fields) != width:
            report(line, f"raden har {len(fields)} fält, rubrikraden har {width}")
            continue
        problems = []
        values = _row(fields, index, problems)
        if values is None:
            for problem in problems:
                report(line, problem)
            continue
        day, group, ident, birth_year, gender, leader, minutes = values
        known = people.get(ident)
        if known is None:
            people[ident] = (birth_year, gender, line)
        elif known[:2] != (birth_year, gender):
            report(line, f"deltagare {shown(ident)} har annat födelseår eller kön än på rad {known[2]}")
            continue
        key = (day, group)
        occasion = occasions.get(key)
        if occasion is None:
            occasions[key] = occasion = [minutes, line, {}]
        elif occasion[0] != minutes:
            report(line, f"minuter {minutes} skiljer sig från rad {occasion[1]} för samma sammankomst")
            continue
        if errors or extra_errors:
            continue  # keep checking, stop keeping
        participants = occasion[2]
        earlier = participants.get(ident)
        if earlier is None or (leader and not earlier.leader):
            participants[ident] = Participant(ident, birth_year, gender, leader)
    if rows == 0 and not errors:
        report(line, "filen har inga rader efter rubrikraden")
    if extra_errors:
        errors.append((line, f"… och {extra_errors} fel till"))
    if errors:
        return AttendanceResult((), tuple(errors), rows)
    built = tuple(
        Occasion(day, group, minutes, tuple(people_here.values()))
        for (day, group), (minutes, _, people_here) in sorted(occasions.items())
    )
    return AttendanceResult(built, (), rows)
