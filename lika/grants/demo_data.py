"""The demo associations in memory, from a seed, without a database: 60 fictional clubs in
sport, culture and scouting with members (birth year, legal gender), leaders and boards,
and each club's sammankomster per half-year as ``lika.core.grants`` reads them.  The
same seed always gives the same clubs and attendance, so a test can recompute every
application the demo stored (``lika.grants.demo`` writes them).

The skew is deliberate and realistic: football, ice hockey, floorball and e-sport are
70–85 % boys, riding and dance mostly girls, and teenage girls leave the boys' sports
earlier (FACTS.md §8: Göteborg's mapping found 62 % of reported activity was boys').
The shares are the demo's estimates in the direction such mappings show, not measurements.
In 2026, after the board's rule change, every other club of a boys' sport starts a girls'
group (13–16 years).
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from faker import Faker
from stdnum import luhn

from lika.core.grants import FEMALE, MALE, Occasion, Participant

YEARS = (2024, 2025, 2026)

ASSOCIATIONS = 60
SPRING, AUTUMN = (1, 6), (7, 12)  # an application per half-year, as LOK is reported


@dataclass(frozen=True)
class Kind:
    """A kind of association and how its members look (the shares are the demo's
    estimates, in the direction national figures show, not measurements)."""

    area: str
    suffixes: tuple
    boys: float  # share of boys among new members
    ages: tuple  # (youngest, oldest) member age
    members: tuple  # (fewest, most) young members in a year
    split: bool  # teams by gender (and birth year) rather than mixed groups by age
    per_week: int  # sammankomster per group and week
    minutes: int
    months: tuple  # the months the groups meet
    girls_leave: int | None = None  # age by which most girls have left (boys' sports)


ALL_YEAR = (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12)
TERMS = (1, 2, 3, 4, 5, 9, 10, 11, 12)
KINDS = {
    "fotboll": Kind("idrott", ("FF", "IF", "BK"), 0.76, (7, 19), (50, 150), True, 2, 90,
                    (3, 4, 5, 6, 8, 9, 10), girls_leave=14),
    "ishockey": Kind("idrott", ("HC", "Hockeyklubb"), 0.80, (7, 19), (40, 110), True, 2, 75,
                     (1, 2, 3, 9, 10, 11, 12), girls_leave=15),
    "innebandy": Kind("idrott", ("IBK", "Innebandyklubb"), 0.66, (7, 20), (40, 120), True, 2, 75,
                      (1, 2, 3, 4, 9, 10, 11, 12), girls_leave=15),
    "ridsport": Kind("idrott", ("Ryttarförening", "Ridklubb"), 0.10, (7, 25), (30, 90), False, 1, 60, ALL_YEAR),
    "gymnastik": Kind("idrott", ("Gymnastikförening", "GF"), 0.32, (5, 16), (50, 150), False, 1, 60, TERMS),
    "e-sport": Kind("idrott", ("E-sportförening", "Gaming"), 0.82, (10, 25), (20, 60), False, 2, 120, TERMS),
    "dans": Kind("kultur", ("Dansförening", "Dansklubb"), 0.14, (7, 20), (40, 120), False, 1, 75, TERMS),
    "kör": Kind("kultur", ("Ungdomskör", "Barn- och ungdomskör"), 0.30, (7, 20), (20, 50), False, 1, 90, TERMS),
    "teater": Kind("kultur", ("Teaterförening", "Ungdomsteater"), 0.36, (10, 20), (15, 45), False, 1, 120, TERMS),
    "musikskola": Kind("kultur", ("Musikskola", "Musikförening"), 0.45, (7, 19), (25, 70), False, 1, 60, TERMS),
    "scouting": Kind("scouting", ("scoutkår",), 0.52, (8, 20), (25, 90), False, 1, 90, TERMS),
}
# How many of each kind among the 60 (football is the biggest, as in most municipalities).
KIND_COUNTS = {"fotboll": 10, "ishockey": 4, "innebandy": 6, "ridsport": 5, "gymnastik": 5, "e-sport": 4,
               "dans": 6, "kör": 4, "teater": 4, "musikskola": 4, "scouting": 8}
# Invented place names of the invented municipality (put together, so no real club's name
# is meant; a coincidence with a real place is possible).
PLACE_START = ("Björk", "Sjö", "Ek", "Lind", "Ask", "Hag", "Berg", "Ros", "Ulv", "Sol", "Älg", "Tall", "Lo",
               "Sval", "Norr", "Söder", "Väster", "Öster", "Kvarn", "Ström")
PLACE_END = ("vik", "by", "ås", "dal", "hamn", "näs", "torp", "sund", "hult", "åker", "lunda", "berga")
BOARD_ROLES = ("ordförande", "kassör", "sekreterare", "ledamot", "ledamot", "suppleant", "suppleant")
MEMBER_BANDS = ((0, 6, "0-6"), (7, 12, "7-12"), (13, 20, "13-20"), (21, 25, "21-25"), (26, 200, "26-"))


def orgnr_of(serial: int) -> str:
    """A fictional association's number: first digit 8, the group of ideella föreningar och
    stiftelser (lag (1974:174); Skatteverket, rättslig vägledning); Luhn check digit.
    Made up: it may still coincide with a real organisation's."""
    base = f"8024{serial:05d}"
    return f"{base[:6]}-{base[6:]}{luhn.calc_check_digit(base)}"


def bankgiro_of(serial: int) -> str:
    """A made-up bankgiro number (8 digits, 999 + serial, Luhn check digit)."""
    base = f"999{serial:04d}"
    digits = base + luhn.calc_check_digit(base)
    return f"{digits[:4]}-{digits[4:]}"


def phone_of(serial: int) -> str:
    """PTS's numbers for fictional use, 070-174 06 05 to 070-174 06 99 (reported by DN,
    2020-09-07): never a real subscriber's."""
    return f"070-174 06 {5 + (serial % 95):02d}"


@dataclass(frozen=True)
class Member:
    id: str
    birth_year: int
    gender: str
    first_year: int  # the first year the member takes part
    last_year: int
    attends: float  # the chance of coming to a sammankomst
    group: str | None = None  # a group of its own (the girls' group of 2026), else by age


@dataclass(frozen=True)
class Person:
    """An adult: a leader or a board member."""

    first_name: str
    last_name: str
    gender: str
    birth_year: int


@dataclass
class DemoAssociation:
    serial: int
    kind: str
    name: str
    address: str
    contact: Person
    members: list = field(default_factory=list)  # Member
    leaders: list = field(default_factory=list)  # Person (ids L<serial><n>)
    board: dict = field(default_factory=dict)  # year -> [(role, Person)]
    pk: int | None = None  # the stored association, once written
    user: object = None  # its login, the applications' submitter

    @property
    def orgnr(self) -> str:
        return orgnr_of(self.serial)


def _person(fake: Faker, rng: random.Random, men: float, born: tuple) -> Person:
    gender = MALE if rng.random() < men else FEMALE
    first = fake.first_name_male() if gender == MALE else fake.first_name_female()
    return Person(first, fake.last_name(), gender, rng.randint(*born))


def _members(rng: random.Random, serial: int, kind: Kind) -> list:
    """Young members over the three years: a cohort per birth year, each member taking
    part from the year she joins to the year she leaves."""
    low, high = kind.ages
    size = rng.randint(*kind.members)
    boys = min(0.95, max(0.05, kind.boys + rng.uniform(-0.06, 0.06)))
    members = []
    for born in range(YEARS[0] - high, YEARS[-1] - low + 1):
        for _ in range(max(0, round(rng.gauss(size / (high - low + 1), 1.5)))):
            gender = MALE if rng.random() < boys else FEMALE
            join = born + low + min(int(rng.expovariate(0.5)), high - low)
            leave_age = rng.randint(low + 3, high)
            if gender == FEMALE and kind.girls_leave is not None:
                leave_age = min(leave_age, kind.girls_leave + rng.randint(-1, 1))
            leave = max(join, born + leave_age)
            if leave < YEARS[0] or join > YEARS[-1]:
                continue
            members.append(Member(f"{serial:02d}{len(members) + 1:04d}", born, gender, join, leave,
                                  rng.uniform(0.55, 0.95)))
    return members


def demo_associations(seed: int) -> list:
    """The 60 associations with their members, leaders and boards (no database)."""
    rng = random.Random(f"grants-{seed}")
    fake = Faker("sv_SE")
    fake.seed_instance(seed)
    kinds = [kind for kind, count in KIND_COUNTS.items() for _ in range(count)]
    rng.shuffle(kinds)
    places = [(start[:-1] if start[-1] == end[0] else start) + end for start in PLACE_START for end in PLACE_END]
    rng.shuffle(places)
    clubs = []
    for serial, key in enumerate(kinds, start=1):
        kind = KINDS[key]
        place = places[serial - 1]
        name = f"{place}{'' if place.endswith('s') else 's'} scoutkår" if key == "scouting" else \
            f"{place} {rng.choice(kind.suffixes)}"
        # adults: men in the boys' sports, women in riding and dance (the demo's estimate)
        men = min(0.85, max(0.15, kind.boys + 0.05))
        board_people = [_person(fake, rng, men, (1955, 1995)) for _ in BOARD_ROLES]
        board = {}
        for year in YEARS:
            if year > YEARS[0]:  # one seat changes hands a year
                board_people[rng.randrange(1, len(board_people))] = _person(fake, rng, men, (1955, 1998))
            board[year] = list(zip(BOARD_ROLES, board_people, strict=True))
        address = f"{fake.street_address()}\n{fake.postcode()} {place}"
        club = DemoAssociation(serial, key, name, address, board[YEARS[0]][0][1], board=board)
        club.members = _members(rng, serial, kind)
        club.leaders = [_person(fake, rng, men, (1965, 2005)) for _ in range(max(2, len(club.members) // 8))]
        if kind.girls_leave is not None and serial % 2 == 0:  # a girls' group after the rule change
            born = [YEARS[-1] - age for age in range(13, 17)]
            for n in range(rng.randint(7, 11)):
                club.members.append(Member(f"{serial:02d}T{n + 1:03d}", rng.choice(born), FEMALE, YEARS[-1],
                                           YEARS[-1], rng.uniform(0.6, 0.9), "Tjejer 13–16"))
        clubs.append(club)
    return clubs


def _groups(club: DemoAssociation, year: int) -> list:
    """(group name, members) for the year: teams by gender and two birth years, or mixed
    groups by three ages; a group under four is merged into its neighbour."""
    kind = KINDS[club.kind]
    active = [m for m in club.members if m.first_year <= year <= m.last_year]
    keyed = {}
    for member in active:
        age = year - member.birth_year
        if member.group is not None:
            key = (0, "F", 0, member.group)
        elif kind.split:
            pair = member.birth_year - member.birth_year % 2
            gender = "P" if member.gender == MALE else "F"
            key = (1 if gender == "F" else 2, gender, -pair, f"{gender}{pair % 100:02d}/{(pair + 1) % 100:02d}")
        else:
            start = kind.ages[0] + (age - kind.ages[0]) // 3 * 3
            key = (3, "", start, f"{start}–{start + 2} år")
        keyed.setdefault(key, []).append(member)
    merged = []
    for key, members in sorted(keyed.items()):
        if merged and (len(members) < 4 or len(merged[-1][2]) < 4):
            merged[-1][0] += 1
            merged[-1][2].extend(members)
        else:
            merged.append([1, key[3], list(members)])
    if len(merged) > 1 and len(merged[-1][2]) < 4:
        merged[-2][0] += 1
        merged[-2][2].extend(merged.pop()[2])
    return [(name if parts == 1 else _merged_name(members, year, kind.split), members)
            for parts, name, members in merged]


def _merged_name(members, year, split):
    born = sorted({m.birth_year for m in members})
    if split:
        genders = {m.gender for m in members}
        prefix = "Mix" if len(genders) > 1 else ("F" if FEMALE in genders else "P")
        return f"{prefix}{born[0] % 100:02d}–{born[-1] % 100:02d}"
    return f"{year - born[-1]}–{year - born[0]} år"


@lru_cache(maxsize=64)
def _days(kind: Kind, year: int, half: tuple) -> tuple:
    """The days a group of the kind may meet in the half-year: the kind's months, not over
    Christmas and New Year (21 December to 7 January)."""
    day = date(year, half[0], 1)
    end = date(year, half[1] + 1, 1) if half[1] < 12 else date(year, 12, 21)
    days = []
    while day < end:
        if day.month in kind.months and not (day.month == 1 and day.day < 8):
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def _dates(rng: random.Random, kind: Kind, year: int, half: tuple) -> list:
    """A group's days: fixed weekdays (Monday–Friday)."""
    weekdays = set(rng.sample(range(5), kind.per_week))
    return [day for day in _days(kind, year, half) if day.weekday() in weekdays]


def attendance(club: DemoAssociation, year: int, half: tuple, seed: int) -> tuple:
    """The club's sammankomster in one half-year, as the rules engine reads them.  About
    one in 25 is too short and one in 40 has no leader noted, so the reasons show."""
    rng = random.Random(f"attendance-{seed}-{club.serial}-{year}-{half[0]}")
    kind = KINDS[club.kind]
    leaders = [Participant(f"L{club.serial:02d}{n:02d}", p.birth_year, p.gender, True)
               for n, p in enumerate(club.leaders, start=1)]
    occasions = []
    for index, (group, members) in enumerate(_groups(club, year)):
        people = [(Participant(m.id, m.birth_year, m.gender), m.attends) for m in members]
        leader = leaders[index % len(leaders)]
        for day in _dates(rng, kind, year, half):
            present = [p for p, chance in people if rng.random() < chance]
            if not present:
                continue
            roll = rng.random()
            minutes = 45 if roll < 0.04 else kind.minutes
            if roll > 0.975:
                occasions.append(Occasion(day, group, minutes, tuple(present)))
            else:
                occasions.append(Occasion(day, group, minutes, (leader, *present)))
    occasions.sort(key=lambda o: (o.date, o.group))
    return tuple(occasions)


def membership(club: DemoAssociation, year: int) -> Counter:
    """Members by (legal gender, age band) in the year: the young members and the adults."""
    counts = Counter()
    people = [(m.gender, year - m.birth_year) for m in club.members if m.first_year <= year <= m.last_year]
    people += [(p.gender, year - p.birth_year) for p in club.leaders]
    people += [(p.gender, year - p.birth_year) for _, p in club.board[year]]
    for gender, age in people:
        band = next(name for low, high, name in MEMBER_BANDS if low <= age <= high)
        counts[(gender, band)] += 1
    return counts


def attendance_csv(occasions) -> str:
    """The occasions as the attendance file a club system exports (docs/grants.md,
    "Närvarofilen"): one row per participant and sammankomst, birth year and gender given."""
    lines = ["datum;grupp;deltagare;födelseår;kön;ledare;minuter"]
    for occasion in occasions:
        for person in occasion.participants:
            lines.append(f"{occasion.date.isoformat()};{occasion.group};{person.id};{person.birth_year};"
                         f"{'K' if person.gender == FEMALE else 'M' if person.gender == MALE else ''};"
                         f"{'ja' if person.leader else ''};{occasion.minutes}")
    return "\n".join(lines) + "\n"
