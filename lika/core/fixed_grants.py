"""Operating, project and premises grants (verksamhetsbidrag, projektbidrag, lokalbidrag):
what an association may apply for under a programme's rules.  Pure: rules and an
application in, a :class:`FixedCheck` out (docs/grants.md, "Verksamhets-, projekt- och
lokalbidrag").

Unlike the activity grant (``lika.core.grants``) nothing is computed from attendance: the
association applies for an amount, and the rules say whether it may and how much at most.
A programme's rules are effective-dated versions, each a plain dict (amounts in kronor,
as in the activity grant), parsed with Swedish errors by :func:`parse_fixed_rule_version`:

* ``max_amount`` — at most this much per application;
* ``cap_per_year`` — at most this much per association and calendar year from the
  programme, counting what the association has already applied for;
* ``min_members`` — an acceptance criterion, e.g. at least 10 members aged 7–20
  (``{"count": 10, "age_min": 7, "age_max": 20}``), read from the association's
  membership counts per age band;
* premises grants only: ``premises_share_percent`` — at most this share of the premises
  cost (required), and ``max_per_hour`` — at most this much per premises hour.

An application that breaks a rule is not submitted: :func:`check_fixed_application` lists
every reason in Swedish.  Money is integer öre; a share of a cost is rounded down to whole
öre (the association may never be promised more than the share).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from .money import MoneyError, format_kronor, to_ore

OPERATING, PROJECT, PREMISES = "operating", "project", "premises"
KINDS = (OPERATING, PROJECT, PREMISES)
KIND_NAMES = {OPERATING: "verksamhetsbidrag", PROJECT: "projektbidrag", PREMISES: "lokalbidrag"}
MAX_HOURS = Fraction(24 * 366)  # premises hours in one year


class FixedGrantError(ValueError):
    """Programme rules that are incomplete or inconsistent (Swedish message)."""


@dataclass(frozen=True)
class MemberCriterion:
    count: int
    age_min: int
    age_max: int | None  # None: no upper age

    def describe(self) -> str:
        ages = f"{self.age_min} år eller äldre" if self.age_max is None else f"{self.age_min}–{self.age_max} år"
        return f"minst {self.count} medlemmar {ages}"


@dataclass(frozen=True)
class FixedRuleVersion:
    kind: str
    valid_from: date
    valid_to: date | None
    source: str
    max_amount: int | None  # öre per application
    cap_per_year: int | None  # öre per association and calendar year
    min_members: MemberCriterion | None
    premises_share: Fraction | None  # premises: at most this share of the cost
    max_per_hour: int | None  # premises: öre per premises hour

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def describe(self) -> tuple:
        """The rules in plain Swedish, one line each (for the application page)."""
        lines = []
        if self.max_amount is not None:
            lines.append(f"högst {_kr(self.max_amount)} per ansökan")
        if self.cap_per_year is not None:
            lines.append(f"högst {_kr(self.cap_per_year)} per förening och år")
        if self.min_members is not None:
            lines.append(self.min_members.describe())
        if self.premises_share is not None:
            lines.append(f"högst {_percent(self.premises_share)} av lokalkostnaden")
        if self.max_per_hour is not None:
            lines.append(f"högst {_kr(self.max_per_hour)} per lokaltimme")
        return tuple(lines)


@dataclass(frozen=True)
class FixedProgramme:
    name: str
    kind: str
    versions: tuple

    def version_on(self, day: date) -> FixedRuleVersion | None:
        for version in self.versions:
            if version.in_force(day):
                return version
        return None


@dataclass(frozen=True)
class FixedApplication:
    amount: int  # öre applied for
    period_from: date
    period_to: date
    purpose: str
    premises_hours: Fraction | None = None
    premises_cost: int | None = None  # öre


@dataclass(frozen=True)
class FixedCheck:
    reasons: tuple  # Swedish, one per broken rule; empty when the application may be submitted
    ceiling: int | None  # the most the rules allow for this application (öre), when they set a limit

    @property
    def ok(self) -> bool:
        return not self.reasons


def _kr(ore: int) -> str:
    return format_kronor(ore).replace("\u00a0", " ")


def _percent(share: Fraction) -> str:
    value = share * 100
    return (f"{value.numerator} %" if value.denominator == 1 else f"{float(value):.2f} %".replace(".", ","))


# ---------------------------------------------------------------- parsing the rules


def _date(value, where):
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise FixedGrantError(f"{where} ska vara ett datum ÅÅÅÅ-MM-DD") from None


def _whole(value, where, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FixedGrantError(f"{where} ska vara ett heltal {low}–{high}")
    return value


def _amount(data, key, where):
    if data.get(key) is None:
        return None
    try:
        ore = to_ore(data[key])
    except MoneyError as exc:
        raise FixedGrantError(f"{where}: {key}: {exc}") from None
    if ore <= 0:
        raise FixedGrantError(f"{where}: {key} ska vara större än noll")
    return ore


def _members(raw, where):
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"count", "age_min", "age_max"} or "count" not in raw:
        raise FixedGrantError(f'{where}: min_members skrivs {{"count": 10, "age_min": 7, "age_max": 20}}')
    count = _whole(raw["count"], f"{where}: min_members.count", 1, 100_000)
    age_min = _whole(raw.get("age_min", 0), f"{where}: min_members.age_min", 0, 120)
    age_max = raw.get("age_max")
    if age_max is not None:
        age_max = _whole(age_max, f"{where}: min_members.age_max", age_min, 120)
    return MemberCriterion(count, age_min, age_max)


COMMON_KEYS = {"valid_from", "valid_to", "source", "max_amount", "cap_per_year", "min_members"}
PREMISES_KEYS = {"premises_share_percent", "max_per_hour"}


def parse_fixed_rule_version(data: dict, kind: str, where: str = "regelversion") -> FixedRuleVersion:
    """One version of an operating, project or premises programme's rules."""
    if kind not in KINDS:
        raise FixedGrantError(f"okänt slag av bidrag {kind!r}")
    if not isinstance(data, dict):
        raise FixedGrantError(f"{where} ska vara ett objekt")
    allowed = COMMON_KEYS | (PREMISES_KEYS if kind == PREMISES else set())
    unknown = sorted(set(data) - allowed)
    if unknown:
        extra = " (bara för lokalbidrag)" if unknown[0] in PREMISES_KEYS else ""
        raise FixedGrantError(f"{where}: okänd nyckel {unknown[0]!r} för {KIND_NAMES[kind]}{extra}")
    if "valid_from" not in data:
        raise FixedGrantError(f"{where}: valid_from saknas")
    valid_from = _date(data["valid_from"], f"{where}: valid_from")
    valid_to = _date(data["valid_to"], f"{where}: valid_to") if data.get("valid_to") else None
    if valid_to is not None and valid_to < valid_from:
        raise FixedGrantError(f"{where}: valid_to ligger före valid_from")
    source = str(data.get("source") or "").strip()
    if not source:
        raise FixedGrantError(f"{where}: regelversionen måste ange sin källa (source), t.ex. nämndens beslut")
    share = None
    if kind == PREMISES:
        if "premises_share_percent" not in data:
            raise FixedGrantError(f"{where}: premises_share_percent saknas (högsta andel av lokalkostnaden, 1–100)")
        share = Fraction(_whole(data["premises_share_percent"], f"{where}: premises_share_percent", 1, 100), 100)
    return FixedRuleVersion(
        kind=kind, valid_from=valid_from, valid_to=valid_to, source=source,
        max_amount=_amount(data, "max_amount", where), cap_per_year=_amount(data, "cap_per_year", where),
        min_members=_members(data.get("min_members"), where), premises_share=share,
        max_per_hour=_amount(data, "max_per_hour", where) if kind == PREMISES else None,
    )


def parse_fixed_programme(name: str, kind: str, versions: list) -> FixedProgramme:
    """A programme's versions; they may not overlap."""
    if not versions:
        raise FixedGrantError("programmet ska ha minst en regelversion")
    parsed = sorted((parse_fixed_rule_version(v, kind, f"regelversion {i}") for i, v in enumerate(versions, 1)),
                    key=lambda v: v.valid_from)
    for earlier, later in zip(parsed, parsed[1:], strict=False):
        if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
            raise FixedGrantError(f"regelversionerna från {earlier.valid_from} och {later.valid_from} gäller samtidigt")
    return FixedProgramme(name, kind, tuple(parsed))


# ---------------------------------------------------------------- checking an application


def members_in_range(members: Mapping, age_min: int, age_max: int | None) -> tuple[int, bool]:
    """Members in bands lying wholly within ``age_min``–``age_max``, and whether a band
    that only partly overlaps the range was left out (its members cannot be split)."""
    total, partial = 0, False
    for band, count in members.items():
        low_text, dash, high_text = str(band).partition("-")
        if not (dash and low_text.isdigit() and (not high_text or high_text.isdigit())):
            partial = partial or bool(count)  # a band Lika cannot read: left out, and said so
            continue
        low, high = int(low_text), (int(high_text) if high_text else None)
        inside = low >= age_min and (age_max is None or (high is not None and high <= age_max))
        overlaps = (age_max is None or low <= age_max) and (high is None or high >= age_min)
        if inside:
            total += count
        elif overlaps and count:
            partial = True
    return total, partial


def check_fixed_application(version: FixedRuleVersion | None, application: FixedApplication, *,
                            members: Mapping | None = None, members_year: int | None = None,
                            already_applied: int = 0) -> FixedCheck:
    """Whether ``application`` may be submitted under ``version`` and the most it may ask.

    ``members`` are the association's members per age band (all genders) from its latest
    register year ``members_year``; ``already_applied`` is what it has applied for from the
    programme earlier in the same calendar year (not withdrawn)."""
    a = application
    if version is None:
        return FixedCheck((f"inga bidragsregler gäller den {a.period_from.isoformat()}",), None)
    reasons, limits = [], []
    if a.period_to < a.period_from:
        reasons.append("perioden slutar innan den börjar")
    elif a.period_to.year != a.period_from.year:
        reasons.append("perioden ska ligga inom ett kalenderår")
    if not a.purpose.strip():
        reasons.append("ange vad bidraget ska användas till")
    if a.amount <= 0:
        reasons.append("ange ett belopp större än noll")
    if version.max_amount is not None:
        limits.append(version.max_amount)
        if a.amount > version.max_amount:
            reasons.append(f"högst {_kr(version.max_amount)} kan sökas per ansökan")
    if version.cap_per_year is not None:
        room = max(0, version.cap_per_year - already_applied)
        limits.append(room)
        if a.amount > room:
            reasons.append(f"taket är {_kr(version.cap_per_year)} per år och föreningen har redan sökt "
                           f"{_kr(already_applied)}; högst {_kr(room)} kan sökas")
    if version.kind == PREMISES:
        if a.premises_cost is None or a.premises_cost <= 0:
            reasons.append("ange lokalkostnaden för perioden")
        else:
            ceiling = a.premises_cost * version.premises_share.numerator // version.premises_share.denominator
            limits.append(ceiling)
            if a.amount > ceiling:
                reasons.append(f"högst {_percent(version.premises_share)} av lokalkostnaden "
                               f"{_kr(a.premises_cost)} kan sökas, alltså {_kr(ceiling)}")
        if a.premises_hours is None or not 0 < a.premises_hours <= MAX_HOURS:
            reasons.append("ange antalet lokaltimmar (större än noll)")
        elif version.max_per_hour is not None:
            ceiling = int(version.max_per_hour * a.premises_hours)  # whole öre, rounded down
            limits.append(ceiling)
            if a.amount > ceiling:
                reasons.append(f"högst {_kr(version.max_per_hour)} per lokaltimme kan sökas, alltså {_kr(ceiling)}")
    criterion = version.min_members
    if criterion is not None:
        if not members:
            reasons.append(f"villkoret är {criterion.describe()}; föreningen har inte registrerat sina medlemmar")
        else:
            count, partial = members_in_range(members, criterion.age_min, criterion.age_max)
            if count < criterion.count:
                note = " (åldersintervall som bara delvis ligger inom åldrarna räknas inte)" if partial else ""
                reasons.append(f"villkoret är {criterion.describe()}; föreningen har {count} enligt "
                               f"medlemsregistret för {members_year}{note}")
    return FixedCheck(tuple(reasons), min(limits) if limits else None)
