"""The monthly individual-level file for Socialstyrelsen's register of ekonomiskt
bistånd (HSLF-FS 2015:30; FACTS.md §4; docs/formats.md): checking and writing it.

Plain Python, no Django: the caller (``lika.statistics.socialstyrelsen``) hands over
the households granted support for a month; this module refuses the whole file if
any row is wrong, and otherwise returns its text.  Nothing here reads a clock or a
file.

What comes from the regulation and FACTS.md: one row per person granted support for
the calendar month, personnummer, kön, the amount, försörjningshinder for every adult,
the hushållstyp codes and one registerledare per household.  What is Lika's own choice
(until Socialstyrelsen's technical specification is obtained): the column names and
order, the separator, the amount on the registerledare's row only, and the numeric
försörjningshinder codes below.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WOMAN, MAN = "K", "M"
ADULT, CHILD = "V", "B"

HEADER = ("period", "kommun", "hushall", "personnummer", "kon", "roll", "registerledare", "hushallstyp",
          "forsorjningshinder", "belopp")
SEPARATOR = ";"

# Hushållstyp (FACTS.md §4).
ONLY_CHILDREN = 1
SINGLE_MAN, SINGLE_MAN_WITH_CHILDREN = 3, 4
SINGLE_WOMAN, SINGLE_WOMAN_WITH_CHILDREN = 5, 6
COUPLE, COUPLE_WITH_CHILDREN = 7, 8
UNKNOWN = 9

# Försörjningshinder: Lika's SupportObstacle category -> (Lika's code, Socialstyrelsen's
# category).  The NUMBERS ARE LIKA'S OWN: Socialstyrelsen's numeric codes were not found
# in public sources (FACTS.md §4).  Replace them here, and only here, once the official
# specification is at hand.
OBSTACLE_CODES = {
    "unemployed": ("1", "Arbetslös (utan, med otillräcklig eller i väntan på ersättning)"),
    "unemployed_establishment": ("2", "Arbetslös med etableringsersättning"),
    "working": ("3", "Arbetar, otillräcklig inkomst"),
    "sick_certified": ("4", "Sjukskriven med läkarintyg"),
    "sickness_compensation": ("5", "Sjuk- eller aktivitetsersättning"),
    "social_reasons": ("6", "Arbetshinder – sociala skäl"),
    "parental_leave": ("7", "Föräldraledig"),
    "none": ("8", "Utan försörjningshinder"),
}

MAX_LISTED_PROBLEMS = 5
_DIGITS = re.compile(r"[0-9]+")


class RegisterFileError(ValueError):
    """The file is refused: one Swedish line naming the problems (never a personnummer)."""


@dataclass(frozen=True, slots=True)
class RegisterPerson:
    identity_number: str  # 12 digits, personnummer or samordningsnummer
    gender: str  # "K" or "M": juridiskt kön as stored on the person
    adult: bool
    registerledare: bool = False
    obstacle: str = ""  # Lika's SupportObstacle category, adults only


@dataclass(frozen=True, slots=True)
class RegisterHousehold:
    label: str  # names the household in error messages (the case reference); not in the file
    municipality: str  # kommunkod, 4 digits
    granted: int  # öre granted for the month
    persons: tuple[RegisterPerson, ...]


@dataclass(frozen=True, slots=True)
class RegisterFile:
    text: str
    households: int
    persons: int


def household_type(adult_genders: Sequence[str], children: int) -> int:
    """The hushållstyp code.  Two adults are the couple (sökande and make/maka/sambo),
    whatever their genders; anything that fits no code is 9 (unknown)."""
    with_children = children > 0
    if not adult_genders:
        return ONLY_CHILDREN if with_children else UNKNOWN
    if len(adult_genders) == 2:
        return COUPLE_WITH_CHILDREN if with_children else COUPLE
    if len(adult_genders) == 1:
        gender = adult_genders[0]
        if gender == MAN:
            return SINGLE_MAN_WITH_CHILDREN if with_children else SINGLE_MAN
        if gender == WOMAN:
            return SINGLE_WOMAN_WITH_CHILDREN if with_children else SINGLE_WOMAN
    return UNKNOWN


def whole_kronor(ore: int) -> int:
    """Öre to whole kronor, the nearest krona, 50 öre rounded up."""
    return (ore + 50) // 100


def identity_number_problem(number: str, last_day: date) -> str:
    """Why ``number`` is not a 12-digit personnummer/samordningsnummer born by
    ``last_day``; empty when it is one."""
    if len(number) != 12 or not _DIGITS.fullmatch(number):
        return "personnumret ska vara 12 siffror utan bindestreck"
    day = int(number[6:8])
    if day > 60:  # samordningsnummer: the day of birth + 60
        day -= 60
    try:
        born = date(int(number[:4]), int(number[4:6]), day)
    except ValueError:
        return "personnumrets datum finns inte"
    if born > last_day:
        return "personnumrets födelsedatum ligger efter månaden"
    if not _luhn_valid(number[2:]):
        return "personnumrets kontrollsiffra stämmer inte"
    return ""


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def household_problems(household: RegisterHousehold, last_day: date) -> list[str]:
    """Everything wrong with one household's rows, in Swedish, without personnummer."""
    problems = []
    if not re.fullmatch(r"[0-9]{4}", household.municipality or ""):
        problems.append("kommunkoden ska vara fyra siffror")
    if household.granted <= 0:
        problems.append("inget beviljat belopp")
    persons = household.persons
    if not persons:
        problems.append("hushållet har ingen person")
    adults = [p for p in persons if p.adult]
    if len(adults) > 2:
        problems.append("fler än två vuxna")
    leaders = [p for p in persons if p.registerledare]
    if len(leaders) != 1:
        problems.append(f"{len(leaders)} registerledare, ska vara exakt en")
    elif adults and not leaders[0].adult:
        problems.append("registerledaren ska vara en av de vuxna")
    numbers = [p.identity_number for p in persons]
    if len(set(numbers)) != len(numbers):
        problems.append("samma personnummer två gånger")
    for index, person in enumerate(persons, start=1):
        who = f"person {index} ({'vuxen' if person.adult else 'barn'})"
        problem = identity_number_problem(person.identity_number, last_day)
        if problem:
            problems.append(f"{who}: {problem}")
        if person.gender not in (WOMAN, MAN):
            problems.append(f"{who}: kön ska vara K eller M, inte {person.gender!r}")
        if person.adult and not person.obstacle:
            problems.append(f"{who}: försörjningshinder saknas")
        elif person.adult and person.obstacle not in OBSTACLE_CODES:
            problems.append(f"{who}: okänt försörjningshinder {person.obstacle!r}")
        elif not person.adult and person.obstacle:
            problems.append(f"{who}: försörjningshinder anges bara för vuxna")
    return problems


def register_file(year: int, month: int, households: Sequence[RegisterHousehold]) -> RegisterFile:
    """Check every household, then write the file's text (header and one row per
    person; the registerledare first in each household).  Any problem refuses the
    whole file with ``RegisterFileError``."""
    if not (1 <= month <= 12 and 1 <= year <= 9998):
        raise RegisterFileError(f"månaden {year}-{month:02d} finns inte")
    last_day = _month_last_day(year, month)
    problems = []
    for household in households:
        problems += [f"ärende {household.label}: {p}" for p in household_problems(household, last_day)]
    if problems:
        shown = "; ".join(problems[:MAX_LISTED_PROBLEMS])
        more = len(problems) - MAX_LISTED_PROBLEMS
        tail = f" (och {more} fel till)" if more > 0 else ""
        raise RegisterFileError(f"filen till Socialstyrelsen skrivs inte: {shown}{tail}")
    period = f"{year:04d}{month:02d}"
    lines = [SEPARATOR.join(HEADER)]
    persons = 0
    for number, household in enumerate(households, start=1):
        adults = [p for p in household.persons if p.adult]
        kind = household_type([p.gender for p in adults], len(household.persons) - len(adults))
        ordered = sorted(household.persons, key=lambda p: (not p.registerledare, not p.adult))
        for person in ordered:
            lines.append(SEPARATOR.join((
                period, household.municipality, str(number), person.identity_number, person.gender,
                ADULT if person.adult else CHILD, "1" if person.registerledare else "0", str(kind),
                OBSTACLE_CODES[person.obstacle][0] if person.adult else "",
                str(whole_kronor(household.granted)) if person.registerledare else "",
            )))
            persons += 1
    return RegisterFile(text="\n".join(lines) + "\n", households=len(households), persons=persons)


def _month_last_day(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(following.toordinal() - 1)
