"""The monthly files for Socialstyrelsen's register of ekonomiskt bistånd (HSLF-FS 2015:30,
"Socialstyrelsens föreskrifter om socialnämndernas skyldighet att lämna statistiska
uppgifter om ekonomiskt bistånd"; FACTS.md §4; docs/formats.md): writing them, and a
validator that reads a written file back and checks it against the description.

Two files a month, as the föreskrift has two bilagor (and Socialstyrelsen's page for
uppgiftslämnare says the municipality sends two files a month):

* the **månadsfil** (3 § and bilaga 1): one row per person in a household granted
  support for the calendar month, with kön, role, the försörjningshinder and the
  municipal labour-market measure of every adult, and the amount **paid** for the month;
* the **avslutsfil** (4 § and bilaga 2): one row per adult of a household whose case was
  closed in the month, with the reason for leaving support.

Plain Python, no Django: the caller (``lika.statistics.socialstyrelsen``) hands over the
households; this module refuses the whole file if any row is wrong, and otherwise returns
its text, which it has read back with the validator before handing it out.  Nothing here
reads a clock or a file.

What is from the föreskrift and Socialstyrelsen's public pages: monthly reporting by the
month the support is for, by the 15th of the following month; personnummer, kön, amount,
försörjningshinder for every adult, kommunala arbetsmarknadsinsatser (bilaga 1), reasons
for leaving support (bilaga 2) reported within four months; one registerledare per
household; the hushållstyp codes; the three unemployment sub-categories (ingen /
otillräcklig / väntar på ersättning).  What is Lika's own, because the bilagor's code
tables and Socialstyrelsen's technical description could not be read from the sources at
hand (docs/formats.md says exactly which): the layout (columns, order, separator), the
numeric codes of the three code lists below, and the roles V/O/B.  Each code list is
defined here and only here.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WOMAN, MAN = "K", "M"
# Roles: a party (sökande, or make/maka/registrerad partner/sambo), another adult of the
# household who is not a couple with the registerledare, a child (incl. hemmavarande 19–20).
PARTY, OTHER_ADULT, CHILD = "V", "O", "B"

HEADER = ("period", "kommun", "hushall", "personnummer", "kon", "roll", "registerledare", "hushallstyp",
          "forsorjningshinder", "arbetsmarknadsinsats", "utbetalt")
EXIT_HEADER = ("period", "kommun", "hushall", "personnummer", "kon", "roll", "registerledare", "senaste_manad",
               "avslutsorsak")
SEPARATOR = ";"

# Hushållstyp (Socialstyrelsen's variable list for the register; FACTS.md §4).
ONLY_CHILDREN = 1
SINGLE_MAN, SINGLE_MAN_WITH_CHILDREN = 3, 4
SINGLE_WOMAN, SINGLE_WOMAN_WITH_CHILDREN = 5, 6
COUPLE, COUPLE_WITH_CHILDREN = 7, 8
UNKNOWN = 9
HOUSEHOLD_TYPES = {ONLY_CHILDREN, SINGLE_MAN, SINGLE_MAN_WITH_CHILDREN, SINGLE_WOMAN, SINGLE_WOMAN_WITH_CHILDREN,
                   COUPLE, COUPLE_WITH_CHILDREN, UNKNOWN}

# Försörjningshinder (bilaga 1): Lika's SupportObstacle category -> (code, category).
# The categories are Socialstyrelsen's (FACTS.md §4; the three kinds of unemployment as in
# Socialstyrelsen's questions and answers for uppgiftslämnare, "Arbetslös – ingen
# ersättning").  The NUMBERS ARE LIKA'S OWN, two digits: the first the main category
# (1 arbetslös, 2 sjuk, 3 sociala skäl, 4 arbetar, 5 föräldraledig, 6 utan hinder), so that a
# receiver can always fall back to the main category.
OBSTACLE_CODES = {
    "unemployed": ("11", "Arbetslös – ingen ersättning"),
    "unemployed_insufficient": ("12", "Arbetslös – otillräcklig ersättning"),
    "unemployed_waiting": ("13", "Arbetslös – väntar på ersättning"),
    "unemployed_establishment": ("14", "Arbetslös med etableringsersättning"),
    "sick_certified": ("21", "Sjukskriven med läkarintyg"),
    "sickness_compensation": ("22", "Sjuk- eller aktivitetsersättning"),
    "social_reasons": ("31", "Arbetshinder – sociala skäl"),
    "working": ("41", "Arbetar, otillräcklig inkomst"),
    "parental_leave": ("51", "Föräldraledig"),
    "none": ("61", "Utan försörjningshinder"),
}

# Kommunala arbetsmarknadsinsatser (bilaga 1): Lika's PlanActivity kind -> (code, measure).
# "0" is an adult in no municipal measure during the month.  Activities that are not
# municipal labour-market measures (SFI, registered at Arbetsförmedlingen, studies,
# rehabilitation, other) report "0".  Numbers: Lika's own.  An adult in several measures
# the same month is reported with the first of them in this order.
NO_MEASURE = "0"
MEASURE_CODES = {
    "internship": ("1", "Praktik eller annan kompetenshöjande verksamhet anvisad av socialnämnden "
                        "(SoL 2001:453 4 kap. 4 §)"),
    "work_training": ("2", "Arbetsträning"),
    "municipal_job": ("3", "Kommunal anställning (extratjänst, visstids- eller subventionerad anställning)"),
    "labour_market": ("4", "Annan kommunal arbetsmarknadsinsats (t.ex. jobbcoachning, vägledning)"),
}

# Orsaker till avslut (bilaga 2): Lika's Case close reason -> (code, reason).  Numbers: Lika's own.
EXIT_CODES = {
    "work": ("01", "Arbete (utan känt anställningsstöd)"),
    "work_subsidised": ("02", "Arbete med anställningsstöd"),
    "studies": ("03", "Studier med studiemedel"),
    "unemployment_benefit": ("04", "Arbetslöshetsersättning eller aktivitetsstöd"),
    "establishment": ("05", "Etableringsersättning"),
    "sickness_benefit": ("06", "Sjukpenning, sjuk- eller aktivitetsersättning"),
    "parental_benefit": ("07", "Föräldrapenning"),
    "pension": ("08", "Pension eller äldreförsörjningsstöd"),
    "other_benefit": ("09", "Annan ersättning"),
    "moved": ("10", "Flyttat från kommunen"),
    "deceased": ("11", "Avliden"),
    "other": ("12", "Annan orsak"),
    "no_contact": ("13", "Okänd orsak (ingen ny ansökan)"),
}

# Field lengths (the validator's, and docs/formats.md's): at most this many characters.
MAX_HOUSEHOLD_DIGITS = 7   # running number within the file
MAX_AMOUNT_DIGITS = 9      # whole kronor, < 1 000 000 000 kr a household and month
MAX_LISTED_PROBLEMS = 5
_DIGITS = re.compile(r"[0-9]+")
_PERIOD = re.compile(r"[0-9]{4}(0[1-9]|1[0-2])")


class RegisterFileError(ValueError):
    """The file is refused: one Swedish line naming the problems (never a personnummer)."""


@dataclass(frozen=True, slots=True)
class RegisterPerson:
    identity_number: str  # 12 digits, personnummer or samordningsnummer
    gender: str  # "K" or "M": juridiskt kön as stored on the person
    adult: bool
    registerledare: bool = False
    obstacle: str = ""  # Lika's SupportObstacle category, adults only
    party: bool = True  # an adult who is the sökande or the sökande's partner; False: another adult
    measures: tuple[str, ...] = ()  # Lika's PlanActivity kinds running in the month, adults only


@dataclass(frozen=True, slots=True)
class RegisterHousehold:
    label: str  # names the household in error messages (the case reference); not in the file
    municipality: str  # kommunkod, 4 digits
    paid: int  # öre paid for the month (orders of the month's decisions, less rejected and returned)
    persons: tuple[RegisterPerson, ...]


@dataclass(frozen=True, slots=True)
class ExitHousehold:
    label: str
    municipality: str
    last_month: date  # the last month the household was granted support
    reason: str  # Lika's Case close reason
    persons: tuple[RegisterPerson, ...]  # the adults


@dataclass(frozen=True, slots=True)
class RegisterFile:
    text: str
    households: int
    persons: int


def household_type(party_genders: Sequence[str], children: int) -> int:
    """The hushållstyp code from the parties (the sökande, and the partner if any) and the
    number of children.  Two parties are the couple whatever their genders; anything that
    fits no code is 9 (unknown).  Other adults of the household do not change the type."""
    with_children = children > 0
    if not party_genders:
        return ONLY_CHILDREN if with_children else UNKNOWN
    if len(party_genders) == 2:
        return COUPLE_WITH_CHILDREN if with_children else COUPLE
    if len(party_genders) == 1:
        gender = party_genders[0]
        if gender == MAN:
            return SINGLE_MAN_WITH_CHILDREN if with_children else SINGLE_MAN
        if gender == WOMAN:
            return SINGLE_WOMAN_WITH_CHILDREN if with_children else SINGLE_WOMAN
    return UNKNOWN


def whole_kronor(ore: int) -> int:
    """Öre to whole kronor, the nearest krona, 50 öre rounded up."""
    return (ore + 50) // 100


def measure_code(kinds: Sequence[str]) -> str:
    """The code of the first municipal measure (in MEASURE_CODES' order) among ``kinds``;
    "0" when none is one."""
    for kind, (code, _label) in MEASURE_CODES.items():
        if kind in kinds:
            return code
    return NO_MEASURE


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


def _person_problems(persons: Sequence[RegisterPerson], last_day: date) -> list[str]:
    problems = []
    adults = [p for p in persons if p.adult]
    parties = [p for p in adults if p.party]
    if len(parties) > 2:
        problems.append("fler än två sökande (en sökande och en make/maka/sambo)")
    leaders = [p for p in persons if p.registerledare]
    if len(leaders) != 1:
        problems.append(f"{len(leaders)} registerledare, ska vara exakt en")
    elif adults and not (leaders[0].adult and leaders[0].party):
        problems.append("registerledaren ska vara en av de sökande vuxna")
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
        if not person.adult and not person.party:
            problems.append(f"{who}: ett barn är inte en annan vuxen")
    return problems


def household_problems(household: RegisterHousehold, last_day: date) -> list[str]:
    """Everything wrong with one household's rows, in Swedish, without personnummer."""
    problems = []
    if not re.fullmatch(r"[0-9]{4}", household.municipality or ""):
        problems.append("kommunkoden ska vara fyra siffror")
    if household.paid < 0:
        problems.append("utbetalt belopp kan inte vara negativt")
    elif len(str(whole_kronor(household.paid))) > MAX_AMOUNT_DIGITS:
        problems.append("utbetalt belopp är orimligt stort")
    if not household.persons:
        problems.append("hushållet har ingen person")
    problems += _person_problems(household.persons, last_day)
    for index, person in enumerate(household.persons, start=1):
        who = f"person {index} ({'vuxen' if person.adult else 'barn'})"
        if person.adult and not person.obstacle:
            problems.append(f"{who}: försörjningshinder saknas")
        elif person.adult and person.obstacle not in OBSTACLE_CODES:
            problems.append(f"{who}: okänt försörjningshinder {person.obstacle!r}")
        elif not person.adult and person.obstacle:
            problems.append(f"{who}: försörjningshinder anges bara för vuxna")
        if not person.adult and person.measures:
            problems.append(f"{who}: arbetsmarknadsinsats anges bara för vuxna")
    return problems


def exit_problems(household: ExitHousehold, last_day: date) -> list[str]:
    problems = []
    if not re.fullmatch(r"[0-9]{4}", household.municipality or ""):
        problems.append("kommunkoden ska vara fyra siffror")
    if household.reason not in EXIT_CODES:
        problems.append(f"okänd anledning till avslut {household.reason!r}" if household.reason
                        else "anledning till avslut saknas")
    if household.last_month > last_day:
        problems.append("senaste månaden med bistånd ligger efter avslutsmånaden")
    if not household.persons:
        problems.append("hushållet har ingen vuxen")
    if any(not p.adult for p in household.persons):
        problems.append("avslutsfilen har bara vuxna")
    return problems + _person_problems(household.persons, last_day)


def _refuse(problems: list[str], what: str) -> None:
    if problems:
        shown = "; ".join(problems[:MAX_LISTED_PROBLEMS])
        more = len(problems) - MAX_LISTED_PROBLEMS
        tail = f" (och {more} fel till)" if more > 0 else ""
        raise RegisterFileError(f"{what} till Socialstyrelsen skrivs inte: {shown}{tail}")


def _ordered(persons: Sequence[RegisterPerson]) -> list[RegisterPerson]:
    """The registerledare first, then the other party, other adults, children (stable)."""
    return sorted(persons, key=lambda p: (not p.registerledare, not p.adult, not p.party))


def _role(person: RegisterPerson) -> str:
    if not person.adult:
        return CHILD
    return PARTY if person.party else OTHER_ADULT


def register_file(year: int, month: int, households: Sequence[RegisterHousehold]) -> RegisterFile:
    """Check every household, write the månadsfil's text (header and one row per person;
    the registerledare first in each household) and read it back with the validator.
    Any problem refuses the whole file with ``RegisterFileError``."""
    last_day = _month_last_day(year, month)
    problems = []
    for household in households:
        problems += [f"ärende {household.label}: {p}" for p in household_problems(household, last_day)]
    _refuse(problems, "månadsfilen")
    period = f"{year:04d}{month:02d}"
    lines = [SEPARATOR.join(HEADER)]
    persons = 0
    for number, household in enumerate(households, start=1):
        parties = [p for p in household.persons if p.adult and p.party]
        kind = household_type([p.gender for p in parties], sum(not p.adult for p in household.persons))
        for person in _ordered(household.persons):
            lines.append(SEPARATOR.join((
                period, household.municipality, str(number), person.identity_number, person.gender,
                _role(person), "1" if person.registerledare else "0", str(kind),
                OBSTACLE_CODES[person.obstacle][0] if person.adult else "",
                measure_code(person.measures) if person.adult else "",
                str(whole_kronor(household.paid)) if person.registerledare else "",
            )))
            persons += 1
    text = "\n".join(lines) + "\n"
    _refuse(validate_register_text(text, period=period), "månadsfilen")
    return RegisterFile(text=text, households=len(households), persons=persons)


def exit_file(year: int, month: int, households: Sequence[ExitHousehold]) -> RegisterFile:
    """The avslutsfil: one row per adult of each household that left support in the
    month, checked, written and read back like the månadsfil."""
    last_day = _month_last_day(year, month)
    problems = []
    for household in households:
        problems += [f"ärende {household.label}: {p}" for p in exit_problems(household, last_day)]
    _refuse(problems, "avslutsfilen")
    period = f"{year:04d}{month:02d}"
    lines = [SEPARATOR.join(EXIT_HEADER)]
    persons = 0
    for number, household in enumerate(households, start=1):
        for person in _ordered(household.persons):
            lines.append(SEPARATOR.join((
                period, household.municipality, str(number), person.identity_number, person.gender,
                _role(person), "1" if person.registerledare else "0", f"{household.last_month:%Y%m}",
                EXIT_CODES[household.reason][0])))
            persons += 1
    text = "\n".join(lines) + "\n"
    _refuse(validate_exit_text(text, period=period), "avslutsfilen")
    return RegisterFile(text=text, households=len(households), persons=persons)


# --- the validator: reads a file back and checks it against docs/formats.md ------------------------

def _rows(text: str, header: tuple[str, ...], problems: list[str]) -> list[tuple[int, dict]]:
    if text.startswith("\ufeff"):
        problems.append("filen ska inte börja med byte order mark")
        text = text[1:]
    if "\r" in text:
        problems.append("raderna ska sluta med LF, inte CR")
    if not text.endswith("\n"):
        problems.append("sista raden ska sluta med radbrytning")
    lines = text.rstrip("\n").split("\n") if text.strip("\n") else []
    if not lines or tuple(lines[0].split(SEPARATOR)) != header:
        problems.append("rubrikraden stämmer inte med beskrivningen")
        return []
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split(SEPARATOR)
        if len(fields) != len(header):
            problems.append(f"rad {number}: {len(fields)} fält, ska vara {len(header)}")
            continue
        rows.append((number, dict(zip(header, fields, strict=True))))
    return rows


def _common_problems(number: int, row: dict, period: str | None) -> list[str]:
    problems = []
    if not _PERIOD.fullmatch(row["period"]) or (period is not None and row["period"] != period):
        problems.append(f"rad {number}: period {row['period'][:8]!r}")
    if not re.fullmatch(r"[0-9]{4}", row["kommun"]):
        problems.append(f"rad {number}: kommun ska vara fyra siffror")
    if not re.fullmatch(rf"[1-9][0-9]{{0,{MAX_HOUSEHOLD_DIGITS - 1}}}", row["hushall"]):
        problems.append(f"rad {number}: hushall ska vara ett löpnummer")
    if _PERIOD.fullmatch(row["period"]):
        year, month = int(row["period"][:4]), int(row["period"][4:])
        problem = identity_number_problem(row["personnummer"], _month_last_day(year, month))
        if problem:
            problems.append(f"rad {number}: {problem}")
    if row["kon"] not in (WOMAN, MAN):
        problems.append(f"rad {number}: kon ska vara K eller M")
    if row["registerledare"] not in ("0", "1"):
        problems.append(f"rad {number}: registerledare ska vara 0 eller 1")
    return problems


def _households(rows: list[tuple[int, dict]], problems: list[str]) -> dict[str, list[tuple[int, dict]]]:
    """Rows by household, checking that each household's rows are together, numbered in order
    from 1, with one kommun, its registerledare (a party) first and no personnummer twice."""
    households: dict[str, list[tuple[int, dict]]] = {}
    previous = None
    for number, row in rows:
        key = row["hushall"]
        if key != previous and key in households:
            problems.append(f"rad {number}: hushåll {key[:8]} är uppdelat")
        households.setdefault(key, []).append((number, row))
        previous = key
    expected = [str(n) for n in range(1, len(households) + 1)]
    if list(households) != expected:
        problems.append("hushållen ska vara numrerade 1, 2, 3 … i filens ordning")
    for key, members in households.items():
        leaders = [row for _n, row in members if row["registerledare"] == "1"]
        if len(leaders) != 1 or members[0][1]["registerledare"] != "1" or members[0][1]["roll"] != PARTY:
            problems.append(f"hushåll {key[:8]}: exakt en registerledare, en sökande, på hushållets första rad")
        if len({row["kommun"] for _n, row in members}) != 1:
            problems.append(f"hushåll {key[:8]}: mer än en kommun")
        numbers = [row["personnummer"] for _n, row in members]
        if len(set(numbers)) != len(numbers):
            problems.append(f"hushåll {key[:8]}: samma personnummer två gånger")
        if sum(row["roll"] == PARTY for _n, row in members) > 2:
            problems.append(f"hushåll {key[:8]}: fler än två sökande")
    return households


def validate_register_text(text: str, *, period: str | None = None) -> list[str]:
    """Read a månadsfil back and list what does not follow its description (docs/formats.md):
    encoding marks, header, field count, each field's form, length and code list, and each
    household's consistency (hushållstyp from its rows, the amount once).  Empty: valid."""
    problems: list[str] = []
    rows = _rows(text, HEADER, problems)
    obstacle_codes = {code for code, _label in OBSTACLE_CODES.values()}
    measure_codes = {NO_MEASURE} | {code for code, _label in MEASURE_CODES.values()}
    for number, row in rows:
        problems += _common_problems(number, row, period)
        adult = row["roll"] in (PARTY, OTHER_ADULT)
        if row["roll"] not in (PARTY, OTHER_ADULT, CHILD):
            problems.append(f"rad {number}: roll ska vara V, O eller B")
        if row["hushallstyp"] not in {str(code) for code in HOUSEHOLD_TYPES}:
            problems.append(f"rad {number}: okänd hushållstyp")
        if (row["forsorjningshinder"] not in obstacle_codes) if adult else row["forsorjningshinder"]:
            problems.append(f"rad {number}: forsorjningshinder ska vara en kod för vuxna och tomt för barn")
        if (row["arbetsmarknadsinsats"] not in measure_codes) if adult else row["arbetsmarknadsinsats"]:
            problems.append(f"rad {number}: arbetsmarknadsinsats ska vara en kod för vuxna och tomt för barn")
        amount = row["utbetalt"]
        if row["registerledare"] == "1":
            if not re.fullmatch(rf"(0|[1-9][0-9]{{0,{MAX_AMOUNT_DIGITS - 1}}})", amount):
                problems.append(f"rad {number}: utbetalt ska vara hela kronor på registerledarens rad")
        elif amount:
            problems.append(f"rad {number}: utbetalt står bara på registerledarens rad")
    for key, members in _households(rows, problems).items():
        kinds = {row["hushallstyp"] for _n, row in members}
        parties = [row["kon"] for _n, row in members if row["roll"] == PARTY]
        children = sum(row["roll"] == CHILD for _n, row in members)
        if kinds != {str(household_type(parties, children))}:
            problems.append(f"hushåll {key[:8]}: hushållstypen stämmer inte med personerna")
    return problems


def validate_exit_text(text: str, *, period: str | None = None) -> list[str]:
    """Read an avslutsfil back and list what does not follow its description."""
    problems: list[str] = []
    rows = _rows(text, EXIT_HEADER, problems)
    exit_codes = {code for code, _label in EXIT_CODES.values()}
    for number, row in rows:
        problems += _common_problems(number, row, period)
        if row["roll"] not in (PARTY, OTHER_ADULT):
            problems.append(f"rad {number}: roll ska vara V eller O (bara vuxna)")
        if not _PERIOD.fullmatch(row["senaste_manad"]) or (
                _PERIOD.fullmatch(row["period"]) and row["senaste_manad"] > row["period"]):
            problems.append(f"rad {number}: senaste_manad ska vara ÅÅÅÅMM, senast perioden")
        if row["avslutsorsak"] not in exit_codes:
            problems.append(f"rad {number}: okänd avslutsorsak")
    for key, members in _households(rows, problems).items():
        if len({(row["senaste_manad"], row["avslutsorsak"]) for _n, row in members}) != 1:
            problems.append(f"hushåll {key[:8]}: olika senaste månad eller avslutsorsak")
    return problems


def _month_last_day(year: int, month: int) -> date:
    if not (1 <= month <= 12 and 1 <= year <= 9998):
        raise RegisterFileError(f"månaden {year}-{month:02d} finns inte")
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(following.toordinal() - 1)
