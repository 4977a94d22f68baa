"""The demo's statistics: paid payment runs for the months the demo cases have decisions,
the day the demo municipality switched to equal split, a year and a half of payments from
the "earlier system" around that day (so that the before/after figure has something to
compare), and three fictional peer municipalities to compare with.

The history is written as summary rows with ``source = "H"`` (what a municipality that
moves to Lika would import from its earlier system): before the switch a couple's money
went to the person who applied, mostly the man; after it half each.  All of it is
fictional and made from the demo households.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from lika.accounts.models import Municipality, Role, User
from lika.cases import decisions as case_decisions
from lika.cases import services as case_services
from lika.cases.models import Application, Case, Decision
from lika.core.periods import parse_period
from lika.households.models import HouseholdMembership
from lika.payments import services as payments
from lika.payments.models import PaymentRun

from . import refresh
from .figures import build_report
from .kpi_exchange import load_kolada_example, records_from_report
from .models import HISTORY, PersonYear
from .peers import seed_peers


@dataclass(frozen=True)
class DemoStatisticsResult:
    runs: int
    orders: int
    exits: int
    history_rows: int
    peer_values: int
    switch: date | None
    kolada_values: int = 0  # the example of Kolada's API (made-up values), for last year


def _month(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _paid_runs(today: date) -> tuple[int, int]:
    """Prepare and attest the runs of last month and this month, except the newest month
    with decisions, whose run waits for the payment officer (next month's; in December, when
    the demo has no decisions for January, this month's): the payment officer prepares, a
    manager with attesträtt attests."""
    officer = User.objects.filter(role=Role.PAYMENT_OFFICER, is_active=True).order_by("id").first()
    attester = User.objects.filter(can_attest_payments=True, is_active=True).order_by("id").first()
    if officer is None or attester is None:
        return 0, 0
    decided = sorted(set(Decision.objects.filter(status=Decision.Status.ISSUED)
                         .values_list("application__month", flat=True)))
    runs = orders = 0
    for month in (_month(today, 1), _month(today, 0)):
        if month not in decided[:-1] or PaymentRun.objects.filter(month=month).exists():
            continue
        run = payments.payment_run_create(acting_user=officer, month=month)
        run = payments.payment_run_prepare(acting_user=officer, run=run)
        payments.payment_run_attest(acting_user=attester, run=run)
        runs += 1
        orders += run.order_count
    return runs, orders


CHANGES = ((50000, "Ny hyresavi: hyran är höjd från och med månaden."),
           (-40000, "Omprövning: hyran var lägre än vad som angavs i ansökan."))


def _changed_decisions(today: date) -> int:
    """Two of last month's decisions, already paid, are changed through the services
    (ändringsbeslut): one raises the rent, one lowers it.  Their application is opened for
    change, recalculated and decided again with the reasons; the run that settles them (pays
    what is still owed, records what was paid too much) waits for the payment officer."""
    month = _month(today, 1)
    paid = (Decision.objects.filter(status=Decision.Status.ISSUED, superseded_at__isnull=True,
                                    application__month=month, payment_mode="equal",
                                    payment_orders__isnull=False, application__case__case_worker__isnull=False)
            .distinct().select_related("application__case__case_worker").order_by("id"))
    changed = 0
    # rents within the guideline for skälig boendekostnad before and after the change, so that
    # the change moves the support
    paid = [d for d in paid if _within_guideline(d.application)]
    for decision, (difference, reason) in zip(paid, CHANGES, strict=False):
        application = decision.application
        worker = application.case.case_worker
        costs = [case_services.Entry(c.type, max(0, c.amount + (difference if c.type == "housing" else 0)),
                                     c.person_id, note=c.note) for c in application.costs.all()]
        incomes = [case_services.Entry(i.type, i.amount, i.person_id, note=i.note)
                   for i in application.incomes.all()]
        obstacles = {o.person_id: o.category for o in application.obstacles.all()}
        with transaction.atomic():
            case_decisions.decision_change_start(acting_user=worker, decision=decision)
            case_services.application_entries_save(acting_user=worker, application=application, costs=costs,
                                                   incomes=incomes, obstacles=obstacles)
            calculation = case_services.calculation_make(acting_user=worker, application=application)
            lines = case_decisions.proposed_lines(calculation)
            new = case_decisions.decision_make(acting_user=worker, application=application, lines=lines,
                                               change_reason=reason, acknowledge_provisional=True)
            if new.status == Decision.Status.AWAITING_APPROVAL:
                manager = User.objects.filter(role=Role.UNIT_MANAGER, unit=application.case.unit_id,
                                              is_active=True).order_by("id").first()
                case_decisions.decision_approve(acting_user=manager, decision=new, acknowledge_provisional=True)
        changed += 1
    return changed


def _within_guideline(application) -> bool:
    from lika.cases.housing import housing_terms

    rents = [c.amount for c in application.costs.all() if c.type == "housing"]
    members = case_services.memberships_in_month(application.case.household_id, application.month)
    cap = housing_terms(application, members).get("cap")
    return cap is None or all(rent + max(d for d, _r in CHANGES) <= cap for rent in rents)


EXITS = {Case.CloseReason.WORK: 30, Case.CloseReason.WORK_SUBSIDISED: 10, Case.CloseReason.STUDIES: 10,
         Case.CloseReason.UNEMPLOYMENT_BENEFIT: 8, Case.CloseReason.ESTABLISHMENT: 3,
         Case.CloseReason.SICKNESS_BENEFIT: 5, Case.CloseReason.PARENTAL_BENEFIT: 2, Case.CloseReason.PENSION: 2,
         Case.CloseReason.MOVED: 10, Case.CloseReason.DECEASED: 1, Case.CloseReason.NO_CONTACT: 14,
         Case.CloseReason.OTHER: 5}


def _exits(rng: random.Random, today: date) -> int:
    """A third of the households whose next application still waits leave support: the
    application is withdrawn and the case closed, mostly for work (through the services)."""
    waiting = (Application.objects.filter(status__in=[Application.Status.RECEIVED, Application.Status.CALCULATED])
               .select_related("case__case_worker").order_by("id"))
    closed = 0
    for application in waiting:
        case = application.case
        if case.status != Case.Status.OPEN or case.case_worker is None or rng.random() > 0.35:
            continue
        with transaction.atomic():
            case_services.application_withdraw(acting_user=case.case_worker, application=application,
                                                reason="Den sökande har fått arbete (demo)")
            reason = rng.choices(list(EXITS), weights=list(EXITS.values()))[0]
            case_services.case_close(acting_user=case.case_worker, case=case, reason=reason,
                                     closed_on=max(case.opened_on, today - timedelta(days=rng.randint(0, 10))))
        closed += 1
    return closed


def _history(rng: random.Random, switch: date, first_lika_month: date) -> int:
    """PersonYear rows from the earlier system for the 18 months before Lika's first month
    (12 before the switch and the rest after it), for the demo cases' adults."""
    months = [_month(first_lika_month, back) for back in range(18, 0, -1)]
    rows: dict[tuple, PersonYear] = {}
    for case in Case.objects.select_related("household", "registerledare").order_by("id"):
        adults = [m.person for m in HouseholdMembership.objects.filter(
            household=case.household, role=HouseholdMembership.Role.ADULT, valid_to__isnull=True)
            .select_related("person").order_by("id")]
        if not adults:
            continue
        # the one who applied in the earlier system: the man in most couples (as it was)
        applicant = (next((p for p in adults if p.legal_gender == "M"), adults[0])
                     if rng.random() < 0.75 else adults[-1])
        start = rng.randrange(0, len(months))
        amount = rng.randrange(6_000_00, 16_000_00, 100) * (1 if len(adults) == 1 else 2) // 100 * 100
        for month in months[start:]:
            if len(adults) == 2 and month >= switch:
                paid = [(adults[0], amount // 2), (adults[1], amount - amount // 2)]
            else:
                paid = [(applicant, amount)]
            for person, kronor in paid:
                key = (month.year, case.unit_id, person.pk)
                row = rows.setdefault(key, PersonYear(year=month.year, unit_id=case.unit_id, person=person,
                                                      gender=person.legal_gender, source=HISTORY))
                setattr(row, f"m{month.month:02d}", getattr(row, f"m{month.month:02d}") + kronor)
    PersonYear.objects.filter(source=HISTORY).delete()
    PersonYear.objects.bulk_create(rows.values(), batch_size=1000)
    return len(rows)


def demo_statistics_seed(*, seed: int, today: date) -> DemoStatisticsResult:
    rng = random.Random(seed + 5)
    municipality = Municipality.objects.order_by("id").first()
    if municipality is None:
        return DemoStatisticsResult(0, 0, 0, 0, 0, None)
    runs, orders = _paid_runs(today)
    _changed_decisions(today)
    exits = _exits(rng, today)
    first_lika = _month(today, 1)
    switch = _month(today, 7)  # the demo municipality switched to equal split seven months ago
    with transaction.atomic():
        municipality.equal_split_from = switch
        municipality.save(update_fields=["equal_split_from"])
        history = _history(rng, switch, first_lika)
    refresh.refresh_years({today.year - 1, today.year})
    own = {year: records_from_report(build_report(period=parse_period(str(year))))
           for year in (today.year - 1, today.year)}
    peers = seed_peers(seed=seed, years=sorted(own), own=own)
    kolada = load_kolada_example(year=today.year - 1).values
    return DemoStatisticsResult(runs, orders, exits, history, peers, switch, kolada)
