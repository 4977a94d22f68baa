"""The försörjningsstöd calculation for one household and one month.

``calculate_support(household, norm)`` returns an immutable, itemised
:class:`Calculation`.  Every line names the rule that produced it and its legal
basis, so a decision letter can explain each amount.
"""

from .household import (  # noqa: F401  (the public names of the calculation)
    ADULT,
    CHILD,
    COST_TYPES,
    EMPLOYMENT_INCOME,
    INCOME_TYPES,
    JOB_INCENTIVE_PERCENT,
    NEW_SOCIAL_SERVICES_ACT,
    NORM_MONTH_DAYS,
    OWN_WORK_INCOME,
    PROVISIONAL_WARNING,
    ROLES,
    STATUTORY_COSTS,
    Calculation,
    CalculationError,
    Cost,
    CostLine,
    HouseholdMonth,
    Income,
    Line,
    Member,
)
from .job_incentive import job_incentive_status
from .money import format_kronor, prorate
from .norms import BAND_BY_AGE, PROVISIONAL, VERIFIED, NormTable
from .prisbasbelopp import prisbasbelopp
from .tariff import (  # noqa: F401
    _ONE,
    _WITHOUT_LUNCH_BANDS,
    _new,
    _tariff,
    age_at_month,
    age_on,
    legal_basis,
)


def _member_ref(item, count: int) -> tuple:
    index = item.member
    if not 0 <= index < count:
        raise CalculationError(f"{item.type}: medlem {index} finns inte i hushållet")
    return _ONE[index] if index < 64 else (index,)


def _kr(ore: int) -> str:
    return format_kronor(ore, decimals=False).replace("\u00a0", " ")


def _child_work_income(member, index: int, amount: int, exempt: dict, tariff, year: int) -> tuple[int, str]:
    """How much of a child's own work income is not counted, and why (SoL 2001:453 4 kap.
    1 a §): up to one prisbasbelopp per calendar year, for a hemmavarande child under 18 or a
    hemmavarande school youth under 21.  ``exempt`` carries what earlier lines of the month
    used, per child."""
    if age_on(member.birth_date, tariff.end_year, tariff.end_md) >= 18 and not member.hemmavarande:
        return 0, "räknas fullt: 18 år eller äldre och inte hemmavarande skolungdom (4 kap. 1 a §)"
    basis = prisbasbelopp(year)
    if basis is None:
        raise CalculationError(f"prisbasbeloppet för {year} saknas: barns arbetsinkomst kan inte beräknas")
    before = member.work_income_exempt_used
    if before < 0:
        raise CalculationError(f"medlem {index}: använt fribelopp kan inte vara negativt")
    earlier = exempt.get(index, 0)
    room = max(0, basis.amount - before - earlier)
    free = min(amount, room)
    exempt[index] = earlier + free
    return free, (f"fribelopp 1 prisbasbelopp {year} = {_kr(basis.amount)}: använt före månaden "
                  f"{_kr(before)}, denna månad {_kr(earlier + free)}, kvar {_kr(room - free)}")


def _job_incentive(member, income, amount: int, year: int, month: int) -> tuple[int, str]:
    """Jobbstimulans on an adult's employment income, by the adult's history
    (lika.core.job_incentive); the legacy per-income flag when no history is given."""
    history = member.support_history
    if history is None:
        if income.job_incentive:
            return prorate(amount, JOB_INCENTIVE_PERCENT, 100), ""  # as before: the flag is the reason
        return 0, "jobbstimulans prövas inte: ingen bidragshistorik angiven"
    if income.job_incentive:
        raise CalculationError("jobbstimulans följer av historiken och anges inte på inkomsten")
    try:
        status = job_incentive_status(history, year, month)
    except ValueError as exc:
        raise CalculationError(str(exc)) from None
    if not status.eligible:
        return 0, f"ingen jobbstimulans: {status.reason}"
    return prorate(amount, JOB_INCENTIVE_PERCENT, 100), status.reason


def _capped(cost, info, who) -> CostLine:
    """A cost above its cap (the municipality's guideline for skälig boendekostnad, SoL
    2001:453 4 kap. 3 § första stycket 2 / SoL 2025:400 12 kap.: a reasonable cost): the
    cap is accepted, or, with the case worker's documented deviation, the amount accepted
    above it.  The line keeps what was applied for beside what is accepted, and names the
    guideline."""
    amount, cap = cost.amount, cost.cap
    limit = f"{cost.guideline or 'Kommunens tak'}: högsta {_kr(cap)}"
    if cost.deviation:
        accepted = amount if cost.accepted is None else cost.accepted
        if not cap < accepted <= amount:
            raise CalculationError(f"{cost.type}: avsteg från riktlinjen ska godta mer än {_kr(cap)} "
                                   f"och högst den sökta kostnaden {_kr(amount)}")
        rule = info[1] + ".deviation"
        detail = f"{limit}; avsteg, godtagen kostnad {_kr(accepted)}: {cost.deviation}"
    else:
        accepted, rule, detail = cap, info[2], limit
    if cost.note:
        detail = f"{detail}; {cost.note}"
    return _new(CostLine, ("cost", rule, info[0], accepted, who, info[3], detail, False, amount))


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
        age = age_on(born, end_year, end_md)
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
                line = _capped(cost, info, who)
                lines.append(line)
                costs += line.amount
                continue
        elif cost.deviation:
            raise CalculationError(f"{kind}: avsteg från riktlinjen kräver en riktlinje (cap)")
        lines.append(_new(Line, ("cost", info[1], info[0], amount, who, info[3], cost.note, False)))
        costs += amount
    incomes = disregarded = 0
    disregards = None
    if household.incomes:
        income_info, income_basis, disregard_basis = tariff.income_info, tariff.bases[3], tariff.bases[4]
        exempt = None  # child index -> öre of the year's exemption used by earlier income lines of this month
        for income in household.incomes:
            kind = income.type
            info = income_info.get(kind)
            if info is None:
                raise CalculationError(f"okänd inkomsttyp {kind!r}")
            amount = income.amount
            if amount < 0:
                raise CalculationError(f"{kind}: beloppet får inte vara negativt")
            who = () if income.member is None else _member_ref(income, count)
            member = members[who[0]] if who else None
            if income.job_incentive:
                if kind not in EMPLOYMENT_INCOME:
                    raise CalculationError(f"jobbstimulans gäller bara inkomst av anställning, inte {kind!r}")
                if not who:
                    raise CalculationError("jobbstimulans kräver att inkomsten knyts till en medlem")
                if member.role != ADULT:
                    raise CalculationError("jobbstimulans gäller inte barns och skolungdomars arbetsinkomst "
                                           "(4 kap. 1 b § tredje stycket)")
            detail, extra = income.note, None
            if member is not None and kind in EMPLOYMENT_INCOME and (member.role == ADULT or kind in OWN_WORK_INCOME):
                if member.role == CHILD:
                    if exempt is None:
                        exempt = {}
                    free, why = _child_work_income(member, who[0], amount, exempt, tariff, year)
                    if free:
                        extra = _new(Line, ("disregard", "child_work_income", "Barns arbetsinkomst, ej medräknad",
                                            free, who, legal_basis(year, month, "child_work"), why, False))
                else:
                    free, why = _job_incentive(member, income, amount, year, month)
                    if free:
                        extra = _new(Line, ("disregard", "jobbstimulans", "Jobbstimulans, ej medräknad inkomst", free,
                                            who, disregard_basis, "; ".join(filter(None, (info[2], why))), False))
                if extra is None:  # the income line says why nothing was left uncounted
                    detail = "; ".join(filter(None, (detail, why)))
            lines.append(_new(Line, ("income", info[1], info[0], amount, who, income_basis, detail, False)))
            incomes += amount
            if extra is not None:
                disregarded += extra.amount
                if disregards is None:
                    disregards = []
                disregards.append(extra)
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
