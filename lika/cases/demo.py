"""Demo case work for the demo households: cases, applications, calculations,
decisions with letters, exceptions, plans and meetings — made through the same
services as the pages, as the demo case workers, so the demo shows real states:
work waiting in "Mina ärenden", letters not yet sent to both, adults without a plan.

Deterministic by ``seed`` and ``today``.  Everything is fictional.
"""

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lika.accounts.models import Role, User
from lika.core.calculation import age_at_month
from lika.households.models import Household
from lika.housing.selectors import guideline_for
from lika.housing.services import guideline_seed_example
from lika.norms.selectors import norm_table_current

from . import decisions, services
from .housing import housing_deviation_record
from .models import Case, DecisionRecipient, HousingDeviation
from .services import Entry

# The three kinds of unemployment are kept apart, as the register does (docs/formats.md).
OBSTACLES = {"unemployed": 18, "unemployed_insufficient": 14, "unemployed_waiting": 8,
             "unemployed_establishment": 10, "working": 12, "sick_certified": 15,
             "sickness_compensation": 5, "social_reasons": 8, "parental_leave": 10}
EXCEPTION_SHARE = 0.05  # couples paid to one adult under särskilda skäl
ABOVE_GUIDELINE_SHARE = 0.2  # households whose rent is above the guideline for skälig boendekostnad
PLAN_SHARE = 0.8


@dataclass(frozen=True)
class DemoCasesResult:
    cases: int
    applications: int
    decisions: int
    exceptions: int
    plans: int
    meetings: int


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _weighted(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def demo_cases_seed(*, seed: int, today: date, limit: int) -> DemoCasesResult:
    """Open a case for up to ``limit`` demo households that have none, with two months
    of history and this month's application waiting."""
    rng = random.Random(seed)
    staff = {}
    for user in User.objects.filter(role__in=[Role.CASE_WORKER, Role.UNIT_MANAGER]).order_by("username"):
        staff.setdefault((user.unit_id, user.role), []).append(user)
    households = list(Household.objects.filter(case__isnull=True).order_by("id")[:limit])
    counts = dict(cases=0, applications=0, decisions=0, exceptions=0, plans=0, meetings=0)
    # Each case worker's first couple has this month's application come in and not yet started,
    # so that every demo day shows the monthly re-application (issue 17: "a case worker's day").
    waiting_shown = set()
    _housing_guideline()
    for household in households:
        workers = staff.get((household.unit_id, Role.CASE_WORKER))
        managers = staff.get((household.unit_id, Role.UNIT_MANAGER))
        if not workers or not managers:
            continue
        made = dict(counts)
        try:
            with transaction.atomic():
                _one_case(rng, household, rng.choice(workers), managers[0], today, made, waiting_shown)
        except ValidationError:
            # e.g. a youth who turned 19 without hemmavarande: the demo leaves that household without a case
            continue
        counts = made
    return DemoCasesResult(**counts)


def _calculable(children, month) -> bool:
    """No child of the household is too old to be counted as a child in ``month``."""
    return all(age_at_month(m.person.birth_date, month.year, month.month) <= 18
               or (m.hemmavarande and age_at_month(m.person.birth_date, month.year, month.month) <= 20)
               for m in children)


def _one_case(rng, household, worker, manager, today, counts, waiting_shown=None):
    opened = _month_start(today, 1) - timedelta(days=rng.randint(0, 20))
    case = Case.objects.create(reference=f"demo-{household.pk}", unit_id=household.unit_id, household=household,
                               case_worker=worker, opened_on=opened)
    case.reference = f"{opened.year}-{case.pk:06d}"
    case.save(update_fields=["reference"])
    counts["cases"] += 1
    # the months from when the adults of today lived together, at most three
    members = services.memberships_on(household.pk, today)
    adults = [m.person for m in members if m.role == "adult"]
    children = [m for m in members if m.role == "child"]
    if not adults:
        return
    moved_in = max(m.valid_from for m in members if m.role == "adult")
    first_month = max(_month_start(today, 1), moved_in.replace(day=1))
    couple = services.couple_or_single(members)
    show_waiting = waiting_shown is not None and len(couple) == 2 and worker.pk not in waiting_shown
    applicant = rng.choice(adults)  # whoever applies: never chosen by gender
    exception = None
    if len(couple) == 2 and rng.random() < EXCEPTION_SHARE:
        exception = decisions.exception_request(
            acting_user=worker, case=case, recipient=rng.choice(couple),
            reason=rng.choice(["violence_protection", "unable_to_manage_money", "partner_abroad_or_institution"]),
            reason_text="Påhittad motivering för demon.", valid_from=first_month)
        decisions.exception_decide(acting_user=manager, exception=exception, approve=True)
        counts["exceptions"] += 1
    obstacles = {p.pk: _weighted(rng, OBSTACLES) for p in couple}
    rent, deviation = _rent(rng, first_month, len(adults), len(children))
    # last month, this month and next month: next month's applications come in now and
    # most are decided, so the demo has a payment run to prepare for next month.  The newest
    # month is where work waits.  In December next month needs next year's riksnorm, which is
    # not loaded yet, so there the demo stops at this month.
    months_back = (1, 0, -1) if norm_table_current(_month_start(today, -1).year) else (1, 0)
    newest = months_back[-1]
    for back in months_back:
        month = _month_start(today, back)
        if month < first_month:
            continue
        application = services.application_create(
            acting_user=worker, case=case, month=month, applicant=applicant, joint=len(couple) == 2,
            channel=rng.choice(["e_service", "e_service", "paper", "visit"]),
            received_on=min(today, month - timedelta(days=rng.randint(3, 12))))
        counts["applications"] += 1
        # drawn for the newest month only, as before, so the rest of the demo stays as it was
        waits = back == newest and rng.random() < 0.2
        # a youth of 19 or 20 without hemmavarande cannot be calculated: such a household is
        # left without a case (below), never with an application waiting that cannot be done
        if back == newest and (waits or (show_waiting and month > first_month)) and _calculable(children, month):
            if show_waiting:
                waiting_shown.add(worker.pk)
            continue  # the newest application waits to be calculated
        for party in application.parties.filter(confirmed_at__isnull=True):
            services.application_confirm(acting_user=worker, application=application, party=party,
                                         channel="e_service")
        incomes = [Entry("child_allowance", 125000 * len(children))] if children else []
        if rng.random() < 0.25:
            incomes.append(Entry("salary", rng.randrange(2000, 9000, 100) * 100, person_id=couple[0].pk))
        # some teenagers have an extra job: not counted up to a prisbasbelopp a year (SoL 4 kap. 1 a §);
        # a generator of its own, so the rest of the demo stays as it was
        own = random.Random(household.pk * 100 + back)
        teens = [m for m in children if age_at_month(m.person.birth_date, month.year, month.month) >= 15]
        if teens and own.random() < 0.4:
            incomes.append(Entry("salary", own.randrange(1000, 5000, 100) * 100, person_id=teens[0].person_id,
                                 note="Extrajobb"))
        services.application_entries_save(
            acting_user=worker, application=application, obstacles=obstacles, incomes=incomes,
            costs=[Entry("housing", rent), Entry("electricity", rng.randrange(250, 700, 10) * 100),
                   Entry("home_insurance", rng.randrange(120, 250, 5) * 100)])
        if deviation:
            housing_deviation_record(acting_user=worker, application=application, **deviation)
        services.calculation_make(acting_user=worker, application=application)
        application.refresh_from_db()
        if back == newest and rng.random() < 0.15:
            continue  # calculated, decision to make
        calculation = application.calculations.get(superseded_at__isnull=True)
        # bifall, or delvis bifall of a rent above the guideline (with the reason naming it)
        lines = decisions.proposed_lines(calculation)
        decided_on = min(today, application.received_on + timedelta(days=rng.randint(1, 6)))
        with _clock_at(decided_on):
            decision = decisions.decision_make(
                acting_user=worker, application=application, lines=lines,
                payment_mode="single" if exception else "equal", exception_id=exception.pk if exception else None, acknowledge_provisional=True)
            if decision.status != "issued":
                decision = decisions.decision_approve(acting_user=manager, decision=decision, acknowledge_provisional=True)
        counts["decisions"] += 1
        for recipient in DecisionRecipient.objects.filter(decision=decision).select_related("decision"):
            if back == newest and rng.random() < 0.3:
                continue  # not yet sent to this adult: the work list shows it
            decisions.recipient_record_delivery(acting_user=worker, recipient=recipient,
                                                channel=rng.choice(["post", "digital_mailbox", "e_service"]),
                                                delivered_on=min(today, decided_on + timedelta(days=1)))
    _plans_and_meetings(rng, case, worker, couple, today, counts)


def _housing_guideline():
    """The demo municipality's example guideline for skälig boendekostnad (lika.housing)."""
    admin = User.objects.filter(role=Role.ADMINISTRATOR).order_by("id").first()
    if admin is not None:
        guideline_seed_example(acting_user=admin)


_DEVIATION = {"reason": "children_school",
              "reason_text": "Påhittat för demon: barnen går i skolan i området; en flytt mitt i terminen "
                             "prövas inte nu. Hushållet söker en billigare bostad."}


def _rent(rng, month, adults, children) -> tuple[int, dict | None]:
    """Most rents are within the guideline; some are above it (delvis bifall), and the first
    household with children above it has a documented deviation (the whole rent accepted)."""
    found = guideline_for(month, adults, children)
    if found is None:
        return rng.randrange(4500, 9800, 50) * 100, None
    cap = found.amount
    if rng.random() >= ABOVE_GUIDELINE_SHARE:
        return cap - rng.randrange(0, 1500, 50) * 100, None
    rent = cap + rng.randrange(300, 2500, 50) * 100
    if children and not HousingDeviation.objects.exists():
        return rent, _DEVIATION
    return rent, None


@contextmanager
def _clock_at(day):
    """Demo history: the decision is made on ``day`` at 10:00.  An issued decision and its
    letters never change (the database refuses it), so the services are run with their
    clock (``django.utils.timezone.now``) set to that moment instead of back-dating after;
    the access log's own times stay real."""
    moment = timezone.make_aware(datetime.combine(day, time(10, 0)))
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def _plans_and_meetings(rng, case, worker, couple, today, counts):
    from lika.plans import demo as plans_demo

    made = plans_demo.demo_plans(rng=rng, case=case, worker=worker, adults=couple, today=today,
                                 plan_share=PLAN_SHARE)
    counts["plans"] += made.plans
    counts["meetings"] += made.meetings
