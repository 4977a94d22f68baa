"""The försörjningsstöd calculation for one household and one month.

``calculate_support(household, norm)`` returns an immutable, itemised
:class:`Calculation`.  Every line names the rule that produced it and its legal
basis, so a decision letter can explain each amount.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from .money import prorate
from .norms import BAND_BY_AGE, LUNCH_BANDS, PROVISIONAL, VERIFIED, NormTable

ADULT, CHILD = "adult", "child"
ROLES = (ADULT, CHILD)

# Skäliga kostnader outside the norm (socialstyrelsen.se; common municipal additions).
COST_TYPES = {
    "housing": "Boendekostnad",
    "electricity": "Hushållsel",
    "home_insurance": "Hemförsäkring",
    "work_travel": "Arbetsresor",
    "union_fees": "Avgift till fackförening och arbetslöshetskassa",
    "childcare": "Barnomsorgsavgift",
    "medical": "Läkarvård och medicin",
    "dental": "Tandvård",
    "other": "Övriga kostnader",
}
# Costs named in the law itself (SoL 2001:453 4 kap. 3 § första stycket 2).
STATUTORY_COSTS = {"housing", "electricity", "home_insurance", "work_travel", "union_fees"}

# Household income after tax, by type.
INCOME_TYPES = {
    "salary": "Lön",
    "unemployment_benefit": "Ersättning från arbetslöshetskassa",
    "activity_support": "Aktivitetsstöd",
    "establishment_allowance": "Etableringsersättning",
    "sickness_benefit": "Sjukpenning",
    "activity_compensation": "Sjuk- eller aktivitetsersättning",
    "parental_benefit": "Föräldrapenning",
    "child_allowance": "Barnbidrag",
    "housing_allowance": "Bostadsbidrag",
    "maintenance_support": "Underhållsstöd eller underhållsbidrag",
    "pension": "Pension",
    "student_aid": "Studiestöd",
    "tax_refund": "Skatteåterbäring",
    "other": "Övrig inkomst",
}
# Income from employment: the only kind jobbstimulans applies to.
EMPLOYMENT_INCOME = {"salary"}
JOB_INCENTIVE_PERCENT = 25

# A norm month is 30 days: a child living alternately present 15 days gets half.
NORM_MONTH_DAYS = 30
NEW_SOCIAL_SERVICES_ACT = date(2025, 7, 1)


class CalculationError(ValueError):
    """The household-month cannot be calculated as given."""


@dataclass(frozen=True, slots=True)
class Member:
    role: str
    birth_date: date
    cohabiting: bool = False
    lunch_at_home: bool = True
    days_present: int | None = None
    hemmavarande: bool = False


@dataclass(frozen=True, slots=True)
class Cost:
    type: str
    amount: int
    member: int | None = None
    cap: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Income:
    type: str
    amount: int
    member: int | None = None
    job_incentive: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class HouseholdMonth:
    year: int
    month: int
    members: tuple
    costs: tuple = ()
    incomes: tuple = ()
    household_size: int | None = None  # persons sharing the dwelling, when more than members


# Results are NamedTuples: immutable, and cheap to build (see docs/benchmarks.md).
class Line(NamedTuple):
    kind: str  # personal | household | cost | income | disregard
    rule: str
    label: str
    amount: int
    members: tuple = ()
    basis: str = ""
    detail: str = ""
    estimated: bool = False


class Calculation(NamedTuple):
    year: int
    month: int
    norm_year: int
    norm_version: int
    norm_status: str
    norm_estimated: tuple
    lines: tuple
    personal_costs: int
    household_costs: int
    norm_total: int
    reasonable_costs: int
    income_total: int
    disregarded_income: int
    counted_income: int
    need: int
    support: int
    surplus: int = 0
    warnings: tuple = ()

    def lines_of(self, kind: str) -> tuple:
        return tuple(line for line in self.lines if line.kind == kind)


PROVISIONAL_WARNING = ("Beräkningen bygger på en preliminär normtabell: kontrollera beloppen mot "
                       "socialtjänstförordningen innan beslut.",)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def age_at_month(birth_date: date, year: int, month: int) -> int:
    """Whole years at the end of the month: a child moves to a new age band
    from the month of its birthday."""
    end = _month_end(year, month)
    return end.year - birth_date.year - ((end.month, end.day) < (birth_date.month, birth_date.day))


# The statute for each kind of line, before and from the new Social Services Act.
_LEGAL_BASIS_2001 = {
    "norm": "SoL (2001:453) 4 kap. 3 § första stycket 1; SoF (2001:937) 2 kap. 1 §",
    "cost": "SoL (2001:453) 4 kap. 3 § första stycket 2",
    "other_cost": "SoL (2001:453) 4 kap. 1 § (livsföringen i övrigt)",
    "income": "SoL (2001:453) 4 kap. 1 §",
    "disregard": "SoL (2001:453) 4 kap. 1 b §",
}
_LEGAL_BASIS_2025 = {
    "norm": "SoL (2025:400) 12 kap. 7 §",
    "cost": "SoL (2025:400) 12 kap.",
    "other_cost": "SoL (2025:400) 12 kap.",
    "income": "SoL (2025:400) 12 kap.",
    "disregard": "SoL (2025:400), jobbstimulans",
}


def legal_basis(year: int, month: int, what: str) -> str:
    """The statute for a kind of line, by the law in force in the month."""
    new_act = date(year, month, 1) >= NEW_SOCIAL_SERVICES_ACT
    return (_LEGAL_BASIS_2025 if new_act else _LEGAL_BASIS_2001)[what]


# Strings that are the same for every household, built once.
_WITHOUT_LUNCH_BANDS = frozenset(LUNCH_BANDS)
_COST_RULE = {t: f"cost.{t}" for t in COST_TYPES}
_COST_RULE_CAPPED = {t: f"cost.{t}.capped" for t in COST_TYPES}
_INCOME_RULE = {t: f"income.{t}" for t in INCOME_TYPES}
_DISREGARD_DETAIL = {t: f"{JOB_INCENTIVE_PERCENT} % av {label.lower()}" for t, label in INCOME_TYPES.items()}
_ONE = tuple((i,) for i in range(64))
_new = tuple.__new__


class _Tariff:
    """Everything about one norm table in one month that does not depend on the
    household: legal bases, the month's end, and the norm lines themselves, which
    are immutable and so shared between households (keyed by member indexes)."""

    __slots__ = ("norm", "end", "end_year", "end_md", "month_text", "bases", "lines", "may_estimate",
                 "cost_info", "income_info")

    def __init__(self, norm: NormTable, year: int, month: int):
        self.norm = norm
        self.end = _month_end(year, month)
        self.end_year, self.end_md = self.end.year, self.end.month * 100 + self.end.day
        self.month_text = f"{year}-{month:02d}"
        bases = _LEGAL_BASIS_2025 if date(year, month, 1) >= NEW_SOCIAL_SERVICES_ACT else _LEGAL_BASIS_2001
        self.bases = (bases["norm"], bases["cost"], bases["other_cost"], bases["income"], bases["disregard"])
        self.lines = {}
        self.may_estimate = norm.status == PROVISIONAL or bool(norm.estimated)
        # type -> (label, rule, rule when capped, legal basis)
        self.cost_info = {t: (label, _COST_RULE[t], _COST_RULE_CAPPED[t],
                              bases["cost"] if t in STATUTORY_COSTS else bases["other_cost"])
                          for t, label in COST_TYPES.items()}
        self.income_info = {t: (label, _INCOME_RULE[t], _DISREGARD_DETAIL[t]) for t, label in INCOME_TYPES.items()}

    def _line(self, rule, label, cell, members, detail="", kind="personal", amount=None):
        norm = self.norm
        return Line(kind, rule, label, norm.amount(cell) if amount is None else amount, members,
                    self.bases[0], detail, norm.is_estimated(cell))

    def single(self, index: int) -> Line:
        key = ("single", index)
        line = self.lines.get(key)
        if line is None:
            line = self.lines[key] = self._line("riksnorm.adults.single",
                                                "Personliga kostnader, ensamstående vuxen",
                                                "adults.single", (index,))
        return line

    def couple(self, members: tuple) -> Line:
        key = ("couple", members)
        line = self.lines.get(key)
        if line is None:
            line = self.lines[key] = self._line("riksnorm.adults.cohabiting",
                                                "Personliga kostnader, sambor/makar",
                                                "adults.cohabiting", members)
        return line

    def child(self, band: str, without_lunch: bool, index: int, days: int | None) -> Line:
        key = (band, without_lunch, index, days)
        line = self.lines.get(key)
        if line is None:
            section = "personal_without_lunch" if without_lunch else "personal"
            cell, rule = f"{section}.{band}", f"riksnorm.{section}.{band}"
            detail = "utan lunch hemma 5 dagar/vecka" if without_lunch else ""
            amount = None
            if days is not None:
                amount = prorate(self.norm.amount(cell), days, NORM_MONTH_DAYS)
                rule += ".days_present"
                detail = ", ".join(filter(None, [detail, f"växelvis boende {days}/{NORM_MONTH_DAYS} dagar"]))
            line = self.lines[key] = self._line(rule, f"Personliga kostnader, barn {band.replace('-', '–')} år",
                                                cell, (index,), detail, amount=amount)
        return line

    def household(self, size: int, members: int) -> Line:
        key = ("household", size, members)
        line = self.lines.get(key)
        if line is None:
            line = self.lines[key] = self._household(size, members)
        return line

    def _household(self, size: int, members: int) -> Line:
        norm = self.norm
        amount, cells = norm.household_common(size)
        estimated = any(norm.is_estimated(c) for c in cells)
        everyone = tuple(range(members))
        if size > members:
            return Line("household", "riksnorm.household.share", "Gemensamma hushållskostnader, andel",
                        prorate(amount, members, size), everyone, self.bases[0],
                        f"{members} av {size} personer i hushållet", estimated)
        rule = f"riksnorm.household.{size}" if size <= 7 else "riksnorm.household.over_7"
        return Line("household", rule, f"Gemensamma hushållskostnader, {size} personer",
                    amount, everyone, self.bases[0], "", estimated)


_TARIFFS: dict = {}


def _tariff(norm: NormTable, year: int, month: int) -> _Tariff:
    """The tariff of ``norm`` in a month, memoised (a pure function of its arguments)."""
    key = (id(norm), year, month)
    tariff = _TARIFFS.get(key)
    if tariff is None or tariff.norm is not norm:
        if len(_TARIFFS) >= 1024:
            _TARIFFS.clear()
        tariff = _TARIFFS[key] = _Tariff(norm, year, month)
    return tariff


def _member_ref(item, count: int) -> tuple:
    index = item.member
    if not 0 <= index < count:
        raise CalculationError(f"{item.type}: medlem {index} finns inte i hushållet")
    return _ONE[index] if index < 64 else (index,)


def calculate_support(household: HouseholdMonth, norm: NormTable) -> Calculation:
    """Calculate the need and the support for one household-month on ``norm``.

    Validates as it goes: any rule broken raises :class:`CalculationError` with a
    Swedish reason naming the member (by index) or the item.  This is the hot path
    of a monthly run (docs/benchmarks.md): norm lines come ready-made from the
    month's tariff, other lines are built with ``tuple.__new__``.
    """
    year, month = household.year, household.month
    if not 1 <= month <= 12:
        raise CalculationError(f"månad {month} finns inte")
    if norm.year != year:
        raise CalculationError(f"normtabellen gäller {norm.year}, inte {year}")
    tariff = _TARIFFS.get((id(norm), year, month))
    if tariff is None or tariff.norm is not norm:
        tariff = _tariff(norm, year, month)
    members = household.members
    count = len(members)
    if not count:
        raise CalculationError("hushållet har inga medlemmar")
    end, end_year, end_md, cache = tariff.end, tariff.end_year, tariff.end_md, tariff.lines
    lines = [None]  # place of the couple's line, first
    couple = None
    adults = personal = 0
    index = -1
    for member in members:
        index += 1
        born = member.birth_date
        if born > end:
            raise CalculationError(f"medlem {index} är inte född {tariff.month_text}")
        age = end_year - born.year - (end_md < born.month * 100 + born.day)
        days = member.days_present
        if days is not None and not 0 <= days <= 31:
            raise CalculationError(f"medlem {index}: dagar i hemmet måste vara 0–31")
        role = member.role
        if role == CHILD:
            if age > 18:
                if age > 20:
                    raise CalculationError(f"medlem {index} är {age} år: ange som vuxen")
                if not member.hemmavarande:
                    raise CalculationError(
                        f"medlem {index} är {age} år: ange hemmavarande (t.ex. gymnasiestudier) eller vuxen")
            band = BAND_BY_AGE[age]
            without_lunch = not member.lunch_at_home and band in _WITHOUT_LUNCH_BANDS
            if days is not None and days >= NORM_MONTH_DAYS:
                days = None
            line = cache.get((band, without_lunch, index, days))
            if line is None:
                line = tariff.child(band, without_lunch, index, days)
        elif role == ADULT:
            if age < 18:
                raise CalculationError(f"medlem {index} är {age} år och kan inte räknas som vuxen")
            adults += 1
            if member.cohabiting:
                if couple is None:
                    couple = [index]
                else:
                    couple.append(index)
                continue
            line = cache.get(("single", index))
            if line is None:
                line = tariff.single(index)
        else:
            raise CalculationError(f"medlem {index}: okänd roll {role!r}")
        lines.append(line)
        personal += line.amount
    if not adults:
        raise CalculationError("hushållet måste ha minst en vuxen")
    if couple is not None:
        if len(couple) != 2:
            raise CalculationError("sambor/makar anges som exakt två vuxna med cohabiting")
        line = lines[0] = tariff.couple(tuple(couple))
        personal += line.amount
    else:
        del lines[0]
    size = household.household_size
    if size is not None and size < count:
        raise CalculationError("hushållets storlek kan inte vara mindre än antalet medlemmar")
    common = cache.get(("household", size or count, count))
    if common is None:
        common = tariff.household(size or count, count)
    lines.append(common)
    estimated = ()
    status = VERIFIED
    warnings = ()
    if tariff.may_estimate:
        estimated = tuple(sorted({line.rule for line in lines if line.estimated}))
        if norm.status == PROVISIONAL or estimated:
            status, warnings = PROVISIONAL, PROVISIONAL_WARNING
    costs = 0
    cost_info = tariff.cost_info
    for cost in household.costs:
        kind = cost.type
        info = cost_info.get(kind)
        if info is None:
            raise CalculationError(f"okänd kostnadstyp {kind!r}")
        amount, cap = cost.amount, cost.cap
        if amount < 0:
            raise CalculationError(f"{kind}: beloppet får inte vara negativt")
        who = () if cost.member is None else _member_ref(cost, count)
        if cap is not None:
            if cap < 0:
                raise CalculationError(f"{kind}: taket får inte vara negativt")
            if amount > cap:
                detail = "; ".join(filter(None, [f"skälig nivå {cap // 100} kr (kommunens tak)", cost.note]))
                lines.append(_new(Line, ("cost", info[2], info[0], cap, who, info[3], detail, False)))
                costs += cap
                continue
        lines.append(_new(Line, ("cost", info[1], info[0], amount, who, info[3], cost.note, False)))
        costs += amount
    incomes = disregarded = 0
    disregards = None
    if household.incomes:
        income_info, income_basis, disregard_basis = tariff.income_info, tariff.bases[3], tariff.bases[4]
        for income in household.incomes:
            kind = income.type
            info = income_info.get(kind)
            if info is None:
                raise CalculationError(f"okänd inkomsttyp {kind!r}")
            amount = income.amount
            if amount < 0:
                raise CalculationError(f"{kind}: beloppet får inte vara negativt")
            who = () if income.member is None else _member_ref(income, count)
            lines.append(_new(Line, ("income", info[1], info[0], amount, who, income_basis, income.note, False)))
            incomes += amount
            if income.job_incentive:
                if kind not in EMPLOYMENT_INCOME:
                    raise CalculationError(f"jobbstimulans gäller bara inkomst av anställning, inte {kind!r}")
                if not who:
                    raise CalculationError("jobbstimulans kräver att inkomsten knyts till en medlem")
                if members[who[0]].role != ADULT:
                    raise CalculationError("jobbstimulans gäller vuxna; barns arbetsinkomst anges inte här")
                free = prorate(amount, JOB_INCENTIVE_PERCENT, 100)
                disregarded += free
                if disregards is None:
                    disregards = []
                disregards.append(_new(Line, ("disregard", "jobbstimulans", "Jobbstimulans, ej medräknad inkomst",
                                              free, who, disregard_basis, info[2], False)))
        if disregards:
            lines.extend(disregards)
    common_amount = common.amount
    norm_total = personal + common_amount
    need = norm_total + costs
    counted = incomes - disregarded
    support = need - counted
    return _new(Calculation, (
        year, month, norm.year, norm.version, status, estimated, tuple(lines), personal, common_amount,
        norm_total, costs, incomes, disregarded, counted, need,
        support if support > 0 else 0, -support if support < 0 else 0, warnings,
    ))
