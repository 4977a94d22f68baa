"""The activity grant (lokalt aktivitetsstöd, LOK-like): which sammankomster count and
what they are worth.  Pure: rules and occasions in, a :class:`GrantResult` out.

A programme's rules are effective-dated data: a list of versions, each a plain dict
(amounts in kronor, as in the norm tables) parsed by :func:`parse_programme` with Swedish
errors.  Each occasion is judged by the version in force on its date.

The rules (docs/grants.md has the sources):

* age is counted by birth year: ``age = year of the occasion − birth year`` (RF's LOK:
  from the year the participant turns 7 to the year she turns 25);
* an occasion counts when it has at least ``min_participants`` distinct participants in
  the age range, lasts at least ``min_minutes`` and, if ``leader_required``, a leader
  (of at least ``leader_min_age``) is present;
* one deltagartillfälle per participant and occasion: the same participant twice in one
  occasion counts once; leaders count as participants only if the version says so;
* a counted occasion earns ``occasion_rate`` plus, for each participant in the age range,
  the rate of her age band and legal gender;
* an optional cap per association and calendar year.  When it bites, every part is scaled
  down by the same fraction with :func:`apportion`, so the parts still sum to the total.

Money is integer öre.  Rates are whole öre, so no rounding happens except under the cap:
there the parts are ``part × cap / uncapped`` rounded down, and the öre left over go one
each to the parts with the largest remainders (ties: the order of :func:`part_keys`).
"""

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from .money import MoneyError, to_ore

FEMALE = "F"
MALE = "M"
UNKNOWN = ""  # legal gender not known (or not F/M)
GENDERS = (FEMALE, MALE, UNKNOWN)
# Key of a rate for participants whose legal gender is neither F nor M in the data file.
OTHER_RATE_KEY = "X"
OCCASION_PART = "sammankomst"

MAX_MINUTES = 24 * 60


class GrantRuleError(ValueError):
    """Programme rules that are incomplete or inconsistent."""


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    birth_year: int
    gender: str = UNKNOWN  # "F", "M" or "" (unknown)
    leader: bool = False


@dataclass(frozen=True, slots=True)
class Occasion:
    """One sammankomst: a group's activity on a date."""

    date: date
    group: str
    minutes: int
    participants: tuple = ()


@dataclass(frozen=True)
class AgeBand:
    name: str
    low: int
    high: int


@dataclass(frozen=True)
class RuleVersion:
    valid_from: date
    valid_to: date | None
    source: str
    age_min: int
    age_max: int
    bands: tuple  # AgeBand, ascending, covering age_min..age_max
    occasion_rate: int  # öre per counted sammankomst
    participant_rates: MappingProxyType  # (band name, gender) -> öre per deltagartillfälle
    min_participants: int
    min_minutes: int
    leader_required: bool
    leader_min_age: int | None
    leaders_count_as_participants: bool
    cap_per_year: int | None  # öre per association and calendar year

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def band_of(self, age: int) -> str | None:
        for band in self.bands:
            if band.low <= age <= band.high:
                return band.name
        return None


@dataclass(frozen=True)
class Programme:
    name: str
    versions: tuple  # RuleVersion, by valid_from

    def version_on(self, day: date) -> RuleVersion | None:
        for version in self.versions:
            if version.in_force(day):
                return version
        return None


@dataclass(frozen=True)
class OccasionResult:
    date: date
    group: str
    counted: bool
    reasons: tuple  # Swedish, one per failed condition; empty when counted
    participations: int  # eligible deltagartillfällen (0 when not counted)
    amount: int  # öre before any cap (0 when not counted)


@dataclass(frozen=True)
class GrantResult:
    occasions: tuple  # OccasionResult, in the order given
    participations: MappingProxyType  # (gender, band) -> deltagartillfällen
    amounts: MappingProxyType  # (gender, band) -> öre after the cap
    occasion_amount: int  # öre for the sammankomster themselves, after the cap
    uncapped_total: int
    total: int
    cap: int | None
    cap_applied: bool

    @property
    def counted_occasions(self) -> int:
        return sum(1 for o in self.occasions if o.counted)


# ---------------------------------------------------------------- parsing the rules


def _date(value, where):
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise GrantRuleError(f"{where} ska vara ett datum ÅÅÅÅ-MM-DD") from None


def _int(data, key, where, low, high, default=None):
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise GrantRuleError(f"{where}: {key} ska vara ett heltal {low}–{high}")
    return value


def _rate(value, where):
    try:
        ore = to_ore(value)
    except MoneyError as exc:
        raise GrantRuleError(f"{where}: {exc}") from None
    if ore < 0:
        raise GrantRuleError(f"{where}: beloppet får inte vara negativt")
    return ore


def _bands(data, where, age_min, age_max):
    raw = data.get("participant_rates")
    if not isinstance(raw, dict) or not raw:
        raise GrantRuleError(f"{where}: participant_rates ska ange belopp per åldersintervall, t.ex. \"7-12\"")
    bands, rates = [], {}
    for name, value in raw.items():
        low_text, dash, high_text = str(name).partition("-")
        try:
            low, high = int(low_text), int(high_text if dash else low_text)
        except ValueError:
            raise GrantRuleError(f"{where}: åldersintervallet {name!r} ska skrivas som \"7-12\"") from None
        if low > high:
            raise GrantRuleError(f"{where}: åldersintervallet {name!r} börjar efter att det slutar")
        bands.append(AgeBand(name, low, high))
        here = f"{where}: participant_rates.{name}"
        if isinstance(value, dict):
            unknown = set(value) - {FEMALE, MALE, OTHER_RATE_KEY}
            if unknown:
                raise GrantRuleError(f"{here}: okänt kön {sorted(unknown)[0]!r} (F, M eller X)")
            if FEMALE not in value or MALE not in value:
                raise GrantRuleError(f"{here}: belopp per kön ska ange både F och M")
            female, male = _rate(value[FEMALE], here), _rate(value[MALE], here)
            other = _rate(value[OTHER_RATE_KEY], here) if OTHER_RATE_KEY in value else min(female, male)
            rates[(name, FEMALE)], rates[(name, MALE)], rates[(name, UNKNOWN)] = female, male, other
        else:
            for gender in GENDERS:
                rates[(name, gender)] = _rate(value, here)
    bands.sort(key=lambda b: b.low)
    expected = age_min
    for band in bands:
        if band.low != expected:
            raise GrantRuleError(
                f"{where}: åldersintervallen ska täcka {age_min}–{age_max} år utan luckor eller överlapp "
                f"(nästa ska börja på {expected}, inte {band.low})"
            )
        expected = band.high + 1
    if expected != age_max + 1:
        raise GrantRuleError(f"{where}: åldersintervallen ska sluta på {age_max} år, inte {expected - 1}")
    return tuple(bands), MappingProxyType(rates)


def parse_rule_version(data: dict, where: str = "regelversion") -> RuleVersion:
    """One version of a programme's rules from its data-file dict (amounts in kronor)."""
    if not isinstance(data, dict):
        raise GrantRuleError(f"{where} ska vara ett objekt")
    allowed = {
        "valid_from", "valid_to", "source", "age_min", "age_max", "occasion_rate", "participant_rates",
        "min_participants", "min_minutes", "leader_required", "leader_min_age",
        "leaders_count_as_participants", "cap_per_year",
    }
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise GrantRuleError(f"{where}: okänd nyckel {unknown[0]!r}")
    if "valid_from" not in data:
        raise GrantRuleError(f"{where}: valid_from saknas")
    valid_from = _date(data["valid_from"], f"{where}: valid_from")
    valid_to = _date(data["valid_to"], f"{where}: valid_to") if data.get("valid_to") else None
    if valid_to is not None and valid_to < valid_from:
        raise GrantRuleError(f"{where}: valid_to ligger före valid_from")
    source = str(data.get("source") or "").strip()
    if not source:
        raise GrantRuleError(f"{where}: regelversionen måste ange sin källa (source), t.ex. nämndens beslut")
    age_min = _int(data, "age_min", where, 0, 120)
    age_max = _int(data, "age_max", where, age_min, 120)
    bands, rates = _bands(data, where, age_min, age_max)
    leader_min_age = data.get("leader_min_age")
    if leader_min_age is not None:
        leader_min_age = _int(data, "leader_min_age", where, 0, 120)
    flags = {}
    for key, default in (("leader_required", True), ("leaders_count_as_participants", False)):
        flags[key] = data.get(key, default)
        if not isinstance(flags[key], bool):
            raise GrantRuleError(f"{where}: {key} ska vara true eller false")
    cap = data.get("cap_per_year")
    return RuleVersion(
        valid_from=valid_from,
        valid_to=valid_to,
        source=source,
        age_min=age_min,
        age_max=age_max,
        bands=bands,
        occasion_rate=_rate(data.get("occasion_rate", 0), f"{where}: occasion_rate"),
        participant_rates=rates,
        min_participants=_int(data, "min_participants", where, 1, 1000),
        min_minutes=_int(data, "min_minutes", where, 1, MAX_MINUTES),
        leader_min_age=leader_min_age,
        cap_per_year=None if cap is None else _rate(cap, f"{where}: cap_per_year"),
        **flags,
    )


def parse_programme(data: dict) -> Programme:
    """A programme: ``{"name": ..., "versions": [version, ...]}``; versions may not overlap."""
    if not isinstance(data, dict):
        raise GrantRuleError("programmet ska vara ett objekt")
    name = str(data.get("name") or "").strip()
    if not name:
        raise GrantRuleError("programmet saknar namn (name)")
    raw = data.get("versions")
    if not isinstance(raw, list) or not raw:
        raise GrantRuleError("programmet ska ha minst en regelversion (versions)")
    versions = sorted(
        (parse_rule_version(v, f"regelversion {i}") for i, v in enumerate(raw, start=1)),
        key=lambda v: v.valid_from,
    )
    for earlier, later in zip(versions, versions[1:], strict=False):
        if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
            raise GrantRuleError(
                f"regelversionerna från {earlier.valid_from} och {later.valid_from} gäller samtidigt"
            )
    return Programme(name=name, versions=tuple(versions))


# ---------------------------------------------------------------- the engine


def part_keys(version: RuleVersion) -> list:
    """Every (gender, band) part in a fixed order: F, M, unknown; bands ascending."""
    return [(g, b.name) for g in GENDERS for b in version.bands]


def apportion(parts: dict, total: int) -> dict:
    """Scale non-negative öre ``parts`` so they sum to ``total`` (≤ their sum): each part
    gets ``part × total / sum`` rounded down, and the öre left over go one each to the
    largest remainders, ties in the order of ``parts``."""
    whole = sum(parts.values())
    if whole <= total:
        return dict(parts)
    shares, remainders = {}, []
    for index, (key, value) in enumerate(parts.items()):
        share, rest = divmod(value * total, whole)
        shares[key] = share
        remainders.append((-rest, index, key))
    left = total - sum(shares.values())
    for _, _, key in sorted(remainders)[:left]:
        shares[key] += 1
    return shares


def judge_occasion(version: RuleVersion | None, occasion: Occasion):
    """(reasons, eligible participants as (gender, band) list) for one occasion."""
    if version is None:
        return (f"inga bidragsregler gäller den {occasion.date.isoformat()}",), []
    year = occasion.date.year
    seen = {}
    for person in occasion.participants:
        earlier = seen.get(person.id)
        if earlier is None:
            seen[person.id] = person
        elif earlier.birth_year != person.birth_year or earlier.gender != person.gender:
            raise ValueError(f"deltagare {person.id!r} har olika födelseår eller kön i samma sammankomst")
        elif person.leader and not earlier.leader:
            seen[person.id] = person
    eligible, leader_present = [], False
    for person in seen.values():
        age = year - person.birth_year
        if person.leader and (version.leader_min_age is None or age >= version.leader_min_age):
            leader_present = True
        if person.leader and not version.leaders_count_as_participants:
            continue
        if version.age_min <= age <= version.age_max:
            eligible.append((person.gender if person.gender in (FEMALE, MALE) else UNKNOWN, version.band_of(age)))
    reasons = []
    if len(eligible) < version.min_participants:
        reasons.append(
            f"{len(eligible)} deltagare i åldern {version.age_min}–{version.age_max} år, "
            f"minst {version.min_participants} krävs"
        )
    if occasion.minutes < version.min_minutes:
        reasons.append(f"{occasion.minutes} minuter, minst {version.min_minutes} krävs")
    if version.leader_required and not leader_present:
        if version.leader_min_age is None:
            reasons.append("ingen ledare närvarande")
        else:
            reasons.append(f"ingen ledare närvarande (ledaren ska vara minst {version.leader_min_age} år)")
    return tuple(reasons), eligible


def calculate_activity_grant(programme: Programme, occasions, *, already_granted: int = 0) -> GrantResult:
    """The activity grant for one association's occasions within one calendar year.

    ``already_granted`` is what the association has already received from the programme
    that year (an earlier half-year), counted against the cap.
    """
    occasions = list(occasions)
    years = {o.date.year for o in occasions}
    if len(years) > 1:
        raise GrantRuleError("en beräkning avser ett kalenderår; sammankomsterna spänner över flera år")
    keys = []
    for version in programme.versions:
        keys.extend(k for k in part_keys(version) if k not in keys)
    counts = dict.fromkeys(keys, 0)
    amounts = dict.fromkeys(keys, 0)
    occasion_amount = 0
    results = []
    cap = None
    for occasion in occasions:
        version = programme.version_on(occasion.date)
        reasons, eligible = judge_occasion(version, occasion)
        if reasons:
            results.append(OccasionResult(occasion.date, occasion.group, False, reasons, 0, 0))
            continue
        amount = version.occasion_rate
        occasion_amount += version.occasion_rate
        for gender, band in eligible:
            rate = version.participant_rates[(band, gender)]
            counts[(gender, band)] += 1
            amounts[(gender, band)] += rate
            amount += rate
        results.append(OccasionResult(occasion.date, occasion.group, True, (), len(eligible), amount))
    in_force = [o.date for o in occasions if programme.version_on(o.date) is not None]
    if in_force:
        # The cap of the version in force on the year's last occasion that has rules.
        cap = programme.version_on(max(in_force)).cap_per_year
    uncapped = occasion_amount + sum(amounts.values())
    total, cap_applied = uncapped, False
    if cap is not None:
        room = max(0, cap - already_granted)
        if uncapped > room:
            total, cap_applied = room, True
            scaled = apportion({OCCASION_PART: occasion_amount, **amounts}, room)
            occasion_amount = scaled.pop(OCCASION_PART)
            amounts = scaled
    return GrantResult(
        occasions=tuple(results),
        participations=MappingProxyType(counts),
        amounts=MappingProxyType(amounts),
        occasion_amount=occasion_amount,
        uncapped_total=uncapped,
        total=total,
        cap=cap,
        cap_applied=cap_applied,
    )
