"""The values of a calculation: a household-month in, an itemised Calculation out,
and the kinds of costs and incomes with their Swedish names."""

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from .job_incentive import JOB_INCENTIVE_PERCENT, SupportHistory  # noqa: F401

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
# A child's or school youth's income from own work (SoL 2001:453 4 kap. 1 a §): wages,
# including summer and weekend jobs.  Studiestöd, barnbidrag, underhållsstöd and other
# benefits are not work and count in full (docs/calculate.md).
OWN_WORK_INCOME = {"salary"}

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
    # A child's own work income already left uncounted earlier in the calendar year (öre).
    work_income_exempt_used: int = 0
    # An adult's history for jobbstimulans; None: not known (no jobbstimulans by history).
    support_history: SupportHistory | None = None


@dataclass(frozen=True, slots=True)
class Cost:
    type: str
    amount: int
    member: int | None = None
    cap: int | None = None  # the highest accepted amount (housing: the municipal guideline's), öre
    note: str = ""
    # What the cap is, named on the line: "Kommunens riktlinje för skälig boendekostnad från
    # 2026-01-01, 2 vuxna 1 barn" (empty: a cap without a name).
    guideline: str = ""
    # A case worker's documented deviation from the cap: the reason, and the amount accepted
    # above the cap (None: the whole cost).
    deviation: str = ""
    accepted: int | None = None


@dataclass(frozen=True, slots=True)
class Income:
    type: str
    amount: int
    member: int | None = None
    job_incentive: bool = False  # legacy assertion (lika calculate without history), see docs
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


class CostLine(NamedTuple):
    """A cost line whose amount was judged against a cap (the housing guideline): ``amount``
    is what the calculation accepts, ``applied`` what was applied for.  The same first
    fields as :class:`Line`, so every reader of lines reads it alike."""

    kind: str
    rule: str
    label: str
    amount: int
    members: tuple = ()
    basis: str = ""
    detail: str = ""
    estimated: bool = False
    applied: int = 0


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
