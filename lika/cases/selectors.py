"""Reads of cases for the lists and pages.  Each list runs a fixed number of queries
whatever its length (asserted in tests/cases/test_selectors.py)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery

from lika.accounts.settings import current as current_setting
from lika.households.models import HouseholdMembership, Person

from .models import (
    Application,
    ApplicationParty,
    Case,
    Decision,
    DecisionRecipient,
    PaymentException,
)

EXCEPTION_REMINDER_DAYS = 30
# A recipient's letter (the HTML and the PDF): lists and pages that show who a decision went
# to do not read it (issue 18).
LETTER_CONTENT = ("letter_html", "letter")


def _current_adults():
    return Prefetch("household__memberships",
                    queryset=HouseholdMembership.objects.filter(valid_to__isnull=True, role="adult")
                    .select_related("person").order_by("id"),
                    to_attr="current_adults")


def has_undelivered():
    """``Exists``: a decision of the case is issued and not yet delivered to every recipient."""
    return Exists(DecisionRecipient.objects.filter(decision__application__case=OuterRef("pk"),
                                                   decision__status=Decision.Status.ISSUED,
                                                   delivered_on__isnull=True))


def cases_for_unit(user, *, query: str = "", status: str = "open", mine: bool = False):
    """The unit's cases that the list's status and search select, newest first: no joins
    and no annotations, so that counting and ordering them stays cheap (issue 18: at
    10 000 households the annotated query grouped every open case of the unit for each
    page).  ``with_list_flags`` adds what the list shows, for the page's rows only."""
    cases = Case.objects.filter(unit_id=user.unit_id).order_by("-opened_on", "-id")
    if status in (Case.Status.OPEN, Case.Status.CLOSED):
        cases = cases.filter(status=status)
    if mine:
        cases = cases.filter(case_worker=user)
    query = query.strip()
    if query:
        from .case_list import search_condition  # issue 17: names word by word; protection kept

        cases = cases.filter(search_condition(query))
    return cases


def latest_month():
    """The month of the case's latest application; a withdrawn one is not counted (issue 17)."""
    return Subquery(Application.objects.filter(case=OuterRef("pk"))
                    .exclude(status=Application.Status.WITHDRAWN).order_by("-month").values("month")[:1])


def applications_in(status):
    """``Exists``: the case has an application in ``status``."""
    return Exists(Application.objects.filter(case=OuterRef("pk"), status=status))


def with_list_flags(cases):
    """The cases with what the list shows: the registerledare, the case worker, the adults,
    the latest month and the flags (to calculate, to decide, a decision not delivered)."""
    return (cases.select_related("registerledare", "case_worker", "household")
            .prefetch_related(_current_adults())
            .annotate(latest_month=latest_month(),
                      undelivered=has_undelivered(),
                      to_calculate=applications_in(Application.Status.RECEIVED),
                      to_decide=applications_in(Application.Status.CALCULATED)))


def mark_missing_plans(cases, today: date) -> None:
    """Set ``adults_without_plan`` on each case of the list (one query for all)."""
    from lika.plans.selectors import adults_without_plan

    missing = adults_without_plan([c.pk for c in cases], today, current_setting("plan_days", on=today))
    for case in cases:
        # the prefetch hangs the adults on the household; the list template reads them on the case
        case.current_adults = getattr(case.household, "current_adults", [])
        case.adults_without_plan = [m.person for m in case.current_adults
                                    if (case.pk, m.person_id) in missing]


@dataclass
class Worklist:
    to_calculate: list = field(default_factory=list)
    to_decide: list = field(default_factory=list)
    awaiting_approval: list = field(default_factory=list)
    undelivered: list = field(default_factory=list)
    without_plan: list = field(default_factory=list)
    exceptions_to_approve: list = field(default_factory=list)
    exceptions_ending: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    payments_held: list = field(default_factory=list)
    payments_failed: list = field(default_factory=list)
    appeals: list = field(default_factory=list)  # issue 16: appeals from the e-service
    messages_unread: list = field(default_factory=list)  # [(case, n)] residents' messages (issue 16)
    meeting_requests: list = field(default_factory=list)  # open requests for an individual meeting
    account_changes: list = field(default_factory=list)  # [(case, change)] pending account changes to confirm
    without_individual_meeting: list = field(default_factory=list)  # [(case, person)] issue 17

    @property
    def payments_problem_count(self) -> int:
        """Stopped and returned payments together (the heading's count)."""
        return len(self.payments_held) + len(self.payments_failed)

    @property
    def total(self) -> int:
        return sum(len(v) for v in vars(self).values())


def worklist_for(user, today: date) -> Worklist:
    """"Mina ärenden": what waits for the user.  A case worker's queue covers the cases
    assigned to them; an enhetschef's also what waits for the manager in the unit."""
    from lika.plans.selectors import follow_ups_due

    manager = user.role == "unit_manager"
    mine = Q(case__unit_id=user.unit_id) & (Q(case__case_worker=user) | Q(case__case_worker__isnull=True))
    applications = (Application.objects.filter(mine).select_related("case", "applicant", "created_by")
                    .annotate(co_applicant_pending=Exists(ApplicationParty.objects.filter(  # issue 16: joint, not yet
                        application=OuterRef("pk"), role="co_applicant", confirmed_at__isnull=True)),  # confirmed
                              co_applicant_confirmed=Exists(ApplicationParty.objects.filter(
                                  application=OuterRef("pk"), role="co_applicant", confirmed_at__isnull=False)))
                    .order_by("received_on", "id"))
    work = Worklist()
    for application in applications.filter(status__in=[Application.Status.RECEIVED, Application.Status.CALCULATED]):
        target = work.to_calculate if application.status == Application.Status.RECEIVED else work.to_decide
        target.append(application)
    awaiting = (Decision.objects.filter(status=Decision.Status.AWAITING_APPROVAL,
                                        application__case__unit_id=user.unit_id)
                .select_related("application__case", "prepared_by").order_by("prepared_at"))
    if not manager:
        awaiting = awaiting.filter(prepared_by=user)
    work.awaiting_approval = list(awaiting)
    waiting = {d.application_id for d in work.awaiting_approval}
    work.to_decide = [a for a in work.to_decide if a.pk not in waiting]
    work.undelivered = list(
        DecisionRecipient.objects.filter(decision__status=Decision.Status.ISSUED, delivered_on__isnull=True)
        .filter(Q(decision__application__case__unit_id=user.unit_id)
                & (Q(decision__application__case__case_worker=user)
                   | Q(decision__application__case__case_worker__isnull=True)))
        .select_related("person", "decision__application__case").defer(*LETTER_CONTENT)
        .order_by("decision__decided_at", "id"))
    my_cases = list(Case.objects.filter(unit_id=user.unit_id, status=Case.Status.OPEN)
                    .filter(Q(case_worker=user) | Q(case_worker__isnull=True))
                    .select_related("household").prefetch_related(_current_adults()))
    mark_missing_plans(my_cases, today)
    work.without_plan = [(case, person) for case in my_cases for person in case.adults_without_plan]
    exceptions = PaymentException.objects.filter(case__unit_id=user.unit_id).select_related("case", "recipient")
    if manager:
        work.exceptions_to_approve = list(exceptions.filter(status=PaymentException.Status.REQUESTED)
                                          .exclude(requested_by=user).order_by("requested_at"))
    work.exceptions_ending = list(
        exceptions.filter(status=PaymentException.Status.APPROVED,
                          valid_to__lte=today + timedelta(days=EXCEPTION_REMINDER_DAYS))
        .filter(Q(case__case_worker=user) | Q(case__case_worker__isnull=True) | Q(requested_by=user))
        .order_by("valid_to"))
    work.follow_ups = follow_ups_due([c.pk for c in my_cases], today + timedelta(days=7))
    from lika.payments.selectors import payment_problems

    work.payments_held, work.payments_failed = payment_problems([c.pk for c in my_cases])
    from lika.eservice.appeals import appeals_for_worklist

    work.appeals = appeals_for_worklist(user)
    from lika.eservice.selectors_messages import worklist_messages

    work.messages_unread, work.meeting_requests = worklist_messages(user, [c.pk for c in my_cases])
    work.account_changes = pending_account_changes(user, my_cases)
    from lika.plans.calendar import adults_without_individual_meeting  # issue 17: the reminder

    due = adults_without_individual_meeting([c.pk for c in my_cases], today, settings.LIKA_INDIVIDUAL_MEETING_DAYS)
    people = Person.objects.in_bulk({p for _, p in due}) if due else {}
    work.without_individual_meeting = [(c, people[p]) for c in my_cases for (case_id, p) in sorted(due)
                                       if case_id == c.pk and p in people]
    return work


def pending_account_changes(user, cases) -> list:
    """Account changes waiting for confirmation for the adults of the user's cases (a
    resident's own request from the e-service too), but not those the user asked for
    herself: another person confirms (four eyes).  One query."""
    from lika.households.models import BankAccountChange

    case_of = {m.person_id: case for case in cases for m in getattr(case.household, "current_adults", [])}
    if not case_of:
        return []
    changes = (BankAccountChange.objects.filter(status=BankAccountChange.Status.PENDING, person_id__in=case_of)
               .exclude(requested_by=user).select_related("person").order_by("requested_at", "id"))
    return [(case_of[change.person_id], change) for change in changes]


def case_applications(case):
    return (case.applications.select_related("applicant").prefetch_related("parties__person")
            .order_by("-month", "-id"))


def case_decisions(case):
    return (Decision.objects.filter(application__case=case).select_related("application", "decided_by")
            .prefetch_related(Prefetch("recipients", DecisionRecipient.objects.defer(*LETTER_CONTENT)),
                              "recipients__person").order_by("-prepared_at", "-id"))


def case_exceptions(case):
    return case.payment_exceptions.select_related("recipient", "requested_by", "decided_by")


def household_history(case):
    """Every membership of the household, also ended ones: composition is history."""
    return (HouseholdMembership.objects.filter(household_id=case.household_id)
            .select_related("person").order_by("valid_from", "id"))


MONEY_KEYS = {"personal_costs_total", "household_costs", "norm_total", "reasonable_costs", "income_total",
              "disregarded_income", "counted_income", "need", "support", "surplus", "amount", "applied"}


def stored_result(result):
    """A stored calculation result (kronor as JSON numbers) with its amounts as exact
    ``Kronor`` values again, for the templates' ``kronor`` filter."""
    from decimal import Decimal

    from lika.core.household_json import Kronor
    from lika.core.money import to_ore

    if isinstance(result, dict):
        return {k: Kronor(to_ore(Decimal(str(v)))) if k in MONEY_KEYS and isinstance(v, int | float)
                else stored_result(v) for k, v in result.items()}
    if isinstance(result, list):
        return [stored_result(v) for v in result]
    return result
