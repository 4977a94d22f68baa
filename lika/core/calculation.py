"""The försörjningsstöd calculation for one household and one month.

``calculate_support(household, norm)`` returns an immutable, itemised
:class:`Calculation`.  Every line names the rule that produced it and its legal
basis, so a decision letter can explain each amount.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date

from .money import prorate
from .norms import AGE_BANDS, LUNCH_BANDS, PROVISIONAL, VERIFIED, NormTable, age_band

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


@dataclass(frozen=True)
class Member:
    role: str
    birth_date: date
    cohabiting: bool = False
    lunch_at_home: bool = True
    days_present: int | None = None
    hemmavarande: bool = False


@dataclass(frozen=True)
class Cost:
    type: str
    amount: int
    member: int | None = None
    cap: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Income:
    type: str
    amount: int
    member: int | None = None
    job_incentive: bool = False
    note: str = ""


@dataclass(frozen=True)
class HouseholdMonth:
    year: int
    month: int
    members: tuple
    costs: tuple = ()
    incomes: tuple = ()
    household_size: int | None = None  # persons sharing the dwelling, when more than members


@dataclass(frozen=True)
class Line:
    kind: str  # personal | household | cost | income | disregard
    rule: str
    label: str
    amount: int
    members: tuple = ()
    basis: str = ""
    detail: str = ""
    estimated: bool = False


@dataclass(frozen=True)
class Calculation:
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
    warnings: tuple = field(default=())

    def lines_of(self, kind: str) -> tuple:
        return tuple(line for line in self.lines if line.kind == kind)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _age_on(birth_date: date, day: date) -> int:
    """Whole years on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_at_month(birth_date: date, year: int, month: int) -> int:
    """Whole years at the end of the month: a child moves to a new age band
    from the month of its birthday."""
    return _age_on(birth_date, _month_end(year, month))


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


def _legal_bases(year: int, month: int) -> dict:
    """Every kind of line's statute, by the law in force in the month."""
    new_act = date(year, month, 1) >= NEW_SOCIAL_SERVICES_ACT
    return _LEGAL_BASIS_2025 if new_act else _LEGAL_BASIS_2001


def legal_basis(year: int, month: int, what: str) -> str:
    """The statute for a kind of line, by the law in force in the month."""
    return _legal_bases(year, month)[what]


def _check(household: HouseholdMonth, norm: NormTable) -> None:
    if not 1 <= household.month <= 12:
        raise CalculationError(f"månad {household.month} finns inte")
    if norm.year != household.year:
        raise CalculationError(f"normtabellen gäller {norm.year}, inte {household.year}")
    members = household.members
    if not members:
        raise CalculationError("hushållet har inga medlemmar")
    adults = [m for m in members if m.role == ADULT]
    if not adults:
        raise CalculationError("hushållet måste ha minst en vuxen")
    if sum(1 for m in adults if m.cohabiting) not in (0, 2):
        raise CalculationError("sambor/makar anges som exakt två vuxna med cohabiting")
    month_end = _month_end(household.year, household.month)
    for index, member in enumerate(members):
        if member.role not in ROLES:
            raise CalculationError(f"medlem {index}: okänd roll {member.role!r}")
        if member.birth_date > month_end:
            raise CalculationError(f"medlem {index} är inte född {household.year}-{household.month:02d}")
        age = _age_on(member.birth_date, month_end)
        if member.role == ADULT and age < 18:
            raise CalculationError(f"medlem {index} är {age} år och kan inte räknas som vuxen")
        if member.role == CHILD:
            if age > 20:
                raise CalculationError(f"medlem {index} är {age} år: ange som vuxen")
            if age >= 19 and not member.hemmavarande:
                raise CalculationError(
                    f"medlem {index} är {age} år: ange hemmavarande (t.ex. gymnasiestudier) eller vuxen"
                )
        if member.days_present is not None and not 0 <= member.days_present <= 31:
            raise CalculationError(f"medlem {index}: dagar i hemmet måste vara 0–31")
    size = household.household_size
    if size is not None and size < len(members):
        raise CalculationError("hushållets storlek kan inte vara mindre än antalet medlemmar")
    for item in (*household.costs, *household.incomes):
        if item.amount < 0:
            raise CalculationError(f"{item.type}: beloppet får inte vara negativt")
        if item.member is not None and not 0 <= item.member < len(members):
            raise CalculationError(f"{item.type}: medlem {item.member} finns inte i hushållet")
    for cost in household.costs:
        if cost.type not in COST_TYPES:
            raise CalculationError(f"okänd kostnadstyp {cost.type!r}")
        if cost.cap is not None and cost.cap < 0:
            raise CalculationError(f"{cost.type}: taket får inte vara negativt")
    for income in household.incomes:
        if income.type not in INCOME_TYPES:
            raise CalculationError(f"okänd inkomsttyp {income.type!r}")
        if income.job_incentive and income.type not in EMPLOYMENT_INCOME:
            raise CalculationError(f"jobbstimulans gäller bara inkomst av anställning, inte {income.type!r}")
        if income.job_incentive and income.member is None:
            raise CalculationError("jobbstimulans kräver att inkomsten knyts till en medlem")
        if income.job_incentive and members[income.member].role != ADULT:
            raise CalculationError("jobbstimulans gäller vuxna; barns arbetsinkomst anges inte här")


def _child_norm(band: str, without_lunch: bool) -> tuple[str, str, str, str]:
    """A child's norm cell, rule, label and detail for an age band."""
    section = "personal_without_lunch" if without_lunch else "personal"
    return (f"{section}.{band}", f"riksnorm.{section}.{band}",
            f"Personliga kostnader, barn {band.replace('-', '–')} år",
            "utan lunch hemma 5 dagar/vecka" if without_lunch else "")


# (age band, without lunch at home) -> cell, rule, label, detail: the same strings for every child.
_CHILD_NORMS = {
    (band, without_lunch): _child_norm(band, without_lunch)
    for band in AGE_BANDS
    for without_lunch in (False, True)
    if band in LUNCH_BANDS or not without_lunch
}


def _personal_lines(household: HouseholdMonth, norm: NormTable, basis: str, month_end: date) -> list[Line]:
    lines = []
    cohabiting = [i for i, m in enumerate(household.members) if m.role == ADULT and m.cohabiting]
    if cohabiting:
        cell = "adults.cohabiting"
        lines.append(Line("personal", "riksnorm.adults.cohabiting", "Personliga kostnader, sambor/makar",
                          norm.amount(cell), tuple(cohabiting), basis, "", norm.is_estimated(cell)))
    for index, member in enumerate(household.members):
        if member.role == ADULT and member.cohabiting:
            continue
        if member.role == ADULT:
            cell = "adults.single"
            rule, label, detail = "riksnorm.adults.single", "Personliga kostnader, ensamstående vuxen", ""
        else:
            band = age_band(_age_on(member.birth_date, month_end))
            without_lunch = band in LUNCH_BANDS and not member.lunch_at_home
            cell, rule, label, detail = _CHILD_NORMS[band, without_lunch]
        amount = norm.amount(cell)
        if member.role == CHILD and member.days_present is not None and member.days_present < NORM_MONTH_DAYS:
            amount = prorate(amount, member.days_present, NORM_MONTH_DAYS)
            rule += ".days_present"
            detail = ", ".join(filter(None, [detail, f"växelvis boende {member.days_present}/{NORM_MONTH_DAYS} dagar"]))
        lines.append(Line("personal", rule, label, amount, (index,), basis, detail, norm.is_estimated(cell)))
    return lines


def _household_line(household: HouseholdMonth, norm: NormTable, basis: str) -> Line:
    members = len(household.members)
    size = household.household_size or members
    amount, cells = norm.household_common(size)
    estimated = any(norm.is_estimated(c) for c in cells)
    everyone = tuple(range(members))
    if size > members:
        share = prorate(amount, members, size)
        return Line("household", "riksnorm.household.share", "Gemensamma hushållskostnader, andel",
                    share, everyone, basis, f"{members} av {size} personer i hushållet", estimated)
    rule = f"riksnorm.household.{size}" if size <= 7 else "riksnorm.household.over_7"
    return Line("household", rule, f"Gemensamma hushållskostnader, {size} personer",
                amount, everyone, basis, "", estimated)


def _cost_line(cost: Cost, basis: str) -> Line:
    members = () if cost.member is None else (cost.member,)
    if cost.cap is not None and cost.amount > cost.cap:
        detail = "; ".join(filter(None, [f"skälig nivå {cost.cap // 100} kr (kommunens tak)", cost.note]))
        return Line("cost", f"cost.{cost.type}.capped", COST_TYPES[cost.type], cost.cap, members, basis, detail)
    return Line("cost", f"cost.{cost.type}", COST_TYPES[cost.type], cost.amount, members, basis, cost.note)


def calculate_support(household: HouseholdMonth, norm: NormTable) -> Calculation:
    """Calculate the need and the support for one household-month on ``norm``."""
    _check(household, norm)
    y, m = household.year, household.month
    bases = _legal_bases(y, m)
    personal = _personal_lines(household, norm, bases["norm"], _month_end(y, m))
    common = _household_line(household, norm, bases["norm"])
    costs = [
        _cost_line(c, bases["cost"] if c.type in STATUTORY_COSTS else bases["other_cost"])
        for c in household.costs
    ]
    incomes, disregards = [], []
    for income in household.incomes:
        members = () if income.member is None else (income.member,)
        incomes.append(Line("income", f"income.{income.type}", INCOME_TYPES[income.type],
                            income.amount, members, bases["income"], income.note))
        if income.job_incentive:
            free = prorate(income.amount, JOB_INCENTIVE_PERCENT, 100)
            disregards.append(Line("disregard", "jobbstimulans", "Jobbstimulans, ej medräknad inkomst",
                                   free, members, bases["disregard"],
                                   f"{JOB_INCENTIVE_PERCENT} % av {INCOME_TYPES[income.type].lower()}"))
    personal_total = sum([line.amount for line in personal])
    norm_total = personal_total + common.amount
    cost_total = sum([line.amount for line in costs])
    income_total = sum([line.amount for line in incomes])
    disregarded = sum([line.amount for line in disregards])
    counted = income_total - disregarded
    need = norm_total + cost_total
    lines = (*personal, common, *costs, *incomes, *disregards)
    estimated = tuple(sorted({line.rule for line in lines if line.estimated}))
    provisional = norm.status == PROVISIONAL or bool(estimated)
    warnings = ()
    if provisional:
        warnings = ("Beräkningen bygger på en preliminär normtabell: kontrollera beloppen mot "
                    "socialtjänstförordningen innan beslut.",)
    return Calculation(
        year=y, month=m, norm_year=norm.year, norm_version=norm.version,
        norm_status=PROVISIONAL if provisional else VERIFIED, norm_estimated=estimated,
        lines=lines, personal_costs=personal_total, household_costs=common.amount,
        norm_total=norm_total, reasonable_costs=cost_total, income_total=income_total,
        disregarded_income=disregarded, counted_income=counted, need=need,
        support=max(0, need - counted), surplus=max(0, counted - need), warnings=warnings,
    )
