"""What a calculation needs to know about one norm table in one month, built once:
the legal bases in force, the month's end, and the norm lines themselves."""

import calendar
from datetime import date

from .household import (
    COST_TYPES,
    INCOME_TYPES,
    JOB_INCENTIVE_PERCENT,
    NEW_SOCIAL_SERVICES_ACT,
    NORM_MONTH_DAYS,
    STATUTORY_COSTS,
    Line,
)
from .money import format_kronor, prorate
from .norms import LUNCH_BANDS, PROVISIONAL, NormTable


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def age_on(birth_date: date, end_year: int, end_md: int) -> int:
    """Whole years on a day given as its year and ``month * 100 + day``."""
    return end_year - birth_date.year - (end_md < birth_date.month * 100 + birth_date.day)


def age_at_month(birth_date: date, year: int, month: int) -> int:
    """Whole years at the end of the month: a child moves to a new age band
    from the month of its birthday."""
    end = _month_end(year, month)
    return age_on(birth_date, end.year, end.month * 100 + end.day)


# The statute for each kind of line, before and from the new Social Services Act.
_LEGAL_BASIS_2001 = {
    "norm": "SoL (2001:453) 4 kap. 3 § första stycket 1; SoF (2001:937) 2 kap. 1 §",
    "cost": "SoL (2001:453) 4 kap. 3 § första stycket 2",
    "other_cost": "SoL (2001:453) 4 kap. 1 § (livsföringen i övrigt)",
    "income": "SoL (2001:453) 4 kap. 1 §",
    "disregard": "SoL (2001:453) 4 kap. 1 b §",
    "child_work": "SoL (2001:453) 4 kap. 1 a §",
}
# SoL (2025:400), in force 2025-07-01 (SFS 2025:400, prop. 2024/25:89), 12 kap. "Insatser
# för ekonomiska behov", read in the consolidated text (se-lex/sfs-processor,
# data/md-markers/2025/sfs-2025-400-markers.md, from SFS 2025:400 and its amendments
# 2025:762, 2025:942, 2025:1299, 2025:1501): 1 § the right to ekonomiskt bistånd for
# försörjning (försörjningsstöd) and "levnadskostnader i övrigt" when the need cannot be
# met in another way (own income first); 7 § första stycket 1 the riksnorm items, 2 boende,
# hushållsel, arbetsresor, hemförsäkring, fackförening and arbetslöshetskassa, andra
# stycket the riksnorm set by the government; 8 § the särskild beräkningsregel
# (jobbstimulans); 9 § a child's own work income.  docs/casework.md, "The letter: legal references".
_LEGAL_BASIS_2025 = {
    "norm": "SoL (2025:400) 12 kap. 7 § första stycket 1 och andra stycket",
    "cost": "SoL (2025:400) 12 kap. 7 § första stycket 2",
    "other_cost": "SoL (2025:400) 12 kap. 1 § (levnadskostnader i övrigt)",
    "income": "SoL (2025:400) 12 kap. 1 §",
    "disregard": "SoL (2025:400) 12 kap. 8 § (särskild beräkningsregel, jobbstimulans)",
    # 12 kap. 9 §: a child's or school youth's own work income (as 4 kap. 1 a § before)
    "child_work": "SoL (2025:400) 12 kap. 9 §",
}


def _bases_in_force(year: int, month: int) -> dict:
    """The statutes of every kind of line, by the law in force in the month."""
    return _LEGAL_BASIS_2025 if date(year, month, 1) >= NEW_SOCIAL_SERVICES_ACT else _LEGAL_BASIS_2001


def legal_basis(year: int, month: int, what: str) -> str:
    """The statute for a kind of line, by the law in force in the month."""
    return _bases_in_force(year, month)[what]


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
        bases = _bases_in_force(year, month)
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
            # SoF (2001:937) 2 kap. 1 § (e.g. SFS 2020:1013): an adult who shares the dwelling
            # without being a sambo gets "kvoten av de gemensamma kostnaderna för hushållet och
            # antalet medlemmar i hushållet"; this household's members get members/size of it.
            return Line("household", "riksnorm.household.share",
                        f"Gemensamma hushållskostnader, andel {members} av {_persons(size)}",
                        prorate(amount, members, size), everyone, self.bases[0],
                        f"{format_kronor(amount, decimals=False)} för {_persons(size)} i bostaden "
                        f"× {members}/{size}", estimated)
        rule = f"riksnorm.household.{size}" if size <= 7 else "riksnorm.household.over_7"
        return Line("household", rule, f"Gemensamma hushållskostnader, {_persons(size)}",
                    amount, everyone, self.bases[0], "", estimated)


def _persons(count: int) -> str:
    """"1 person", "2 personer": the Swedish plural."""
    return f"{count} person" if count == 1 else f"{count} personer"


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
