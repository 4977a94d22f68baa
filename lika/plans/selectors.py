"""Reads for plans and meetings (DESIGN.md M4, M6, M7).

Nothing here returns a violence screening answer except ``meeting_for_case``, which
serves the meeting's own page: the case page, the plan page and the work list get
plans and meetings without it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from lika.cases.models import Case, Decision
from lika.households.models import HouseholdMembership, Person

from .models import Meeting, Plan, PlanActivity, PlanGoal

OPEN_ACTIVITY = (PlanActivity.Status.PLANNED, PlanActivity.Status.ONGOING)


def _current(on: date) -> Q:
    """Memberships that have not ended on ``on``."""
    return Q(valid_to__isnull=True) | Q(valid_to__gte=on)


def household_adults(case: Case, *, on: date | None = None) -> list[Person]:
    """The adults of the case's household whose membership has not ended."""
    on = on or timezone.localdate()
    memberships = (HouseholdMembership.objects
                   .filter(_current(on), household_id=case.household_id,
                           role=HouseholdMembership.Role.ADULT)
                   .select_related("person").order_by("valid_from", "id"))
    adults = {}
    for membership in memberships:
        adults.setdefault(membership.person_id, membership.person)
    return list(adults.values())


def is_adult_in_case(case: Case, person: Person, *, on: date | None = None,
                     current: bool = True) -> bool:
    """``person`` is an adult of the case's household (now, or ever when not ``current``)."""
    memberships = HouseholdMembership.objects.filter(
        household_id=case.household_id, person_id=person.pk, role=HouseholdMembership.Role.ADULT)
    if current:
        memberships = memberships.filter(_current(on or timezone.localdate()))
    return memberships.exists()


def plan_active(case: Case, person: Person) -> Plan | None:
    return Plan.objects.filter(case=case, person=person, status=Plan.Status.ACTIVE).first()


def person_plans(case: Case, person: Person) -> dict:
    """The adult's active plan with its goals and activities, and the earlier (closed) plans."""
    plans = list(Plan.objects.filter(case=case, person=person)
                 .prefetch_related(Prefetch("goals", PlanGoal.objects.order_by("id")),
                                   Prefetch("activities", PlanActivity.objects.order_by("id")))
                 .order_by("-created_at", "-id"))
    active = next((p for p in plans if p.status == Plan.Status.ACTIVE), None)
    return {"active": active, "closed": [p for p in plans if p is not active]}


def _count(model, **filters):
    """A correlated COUNT subquery on ``model`` rows of the outer plan."""
    rows = (model.objects.filter(plan=OuterRef("pk"), **filters).order_by()
            .values("plan").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _next_activity_follow_up():
    rows = (PlanActivity.objects.filter(plan=OuterRef("pk"), status__in=OPEN_ACTIVITY,
                                        follow_up_on__isnull=False)
            .order_by("follow_up_on").values("follow_up_on")[:1])
    return Subquery(rows)


def case_plan_section(case: Case, adults) -> dict:
    """What the case page shows of plans and meetings, in three queries however many there are.

    Returns ``{"adults": [...], "meetings": [...]}``: one entry per adult in the order
    given, ``{"person", "plan" (active Plan or None), "goal_count", "activity_count",
    "next_follow_up" (date or None: the earliest of the plan's own follow-up and its
    open activities')}``; and the case's meetings newest first, each ``{"meeting",
    "kind" (value), "kind_label", "held_on", "participants" (list of Person)}``.
    Screening answers are not read.
    """
    adults = list(adults)
    plans = (Plan.objects.filter(case=case, person_id__in=[a.pk for a in adults],
                                 status=Plan.Status.ACTIVE)
             .annotate(goal_count=_count(PlanGoal), activity_count=_count(PlanActivity),
                       next_activity_follow_up=_next_activity_follow_up()))
    by_person = {plan.person_id: plan for plan in plans}
    rows = []
    for adult in adults:
        plan = by_person.get(adult.pk)
        dates = [d for d in (plan.follow_up_on, plan.next_activity_follow_up) if d] if plan else []
        rows.append({
            "person": adult, "plan": plan,
            "goal_count": plan.goal_count if plan else 0,
            "activity_count": plan.activity_count if plan else 0,
            "next_follow_up": min(dates) if dates else None,
        })
    meetings = (Meeting.objects.filter(case=case).order_by("-held_on", "-id")
                .prefetch_related(Prefetch("participants", Person.objects.order_by("first_name", "id"))))
    from .calendar import case_bookings  # issue 17: meetings booked ahead

    return {
        "adults": rows,
        "bookings": case_bookings(case),
        "meetings": [{"meeting": m, "kind": m.kind, "kind_label": m.get_kind_display(),
                      "held_on": m.held_on, "participants": list(m.participants.all())}
                     for m in meetings],
    }


def adults_without_plan(case_ids, today: date, days: int) -> set[tuple[int, int]]:
    """``(case_id, person_id)`` of the adults who should have an own plan by now and have none.

    An adult should have one ``days`` days after the case's first issued decision
    (``LIKA_PLAN_DAYS``): the adults of open cases among ``case_ids``, whose adult
    membership has not ended on ``today``, whose case had a decision issued on or
    before ``today - days``, and who have no active plan in the case.  One query.
    """
    cutoff = timezone.make_aware(datetime.combine(today - timedelta(days=days - 1), time.min))
    issued = Decision.objects.filter(application__case=OuterRef("household__case"),
                                     status=Decision.Status.ISSUED, decided_at__lt=cutoff)
    planned = Plan.objects.filter(case=OuterRef("household__case"), person=OuterRef("person"),
                                  status=Plan.Status.ACTIVE)
    rows = (HouseholdMembership.objects
            .filter(_current(today), household__case__in=list(case_ids),
                    household__case__status=Case.Status.OPEN, role=HouseholdMembership.Role.ADULT)
            .filter(Exists(issued), ~Exists(planned))
            .values_list("household__case__id", "person_id"))
    return set(rows)


def case_lacks_plan(today: date, days: int):
    """``Exists`` for a queryset of cases: an adult of the (open) case lacks the plan she
    should have by now, by the same rule as ``adults_without_plan`` (issue 17: the case
    list filters on it in the database, so its pages stay a fixed number of queries)."""
    cutoff = timezone.make_aware(datetime.combine(today - timedelta(days=days - 1), time.min))
    issued = Decision.objects.filter(application__case=OuterRef("household__case"),
                                     status=Decision.Status.ISSUED, decided_at__lt=cutoff)
    planned = Plan.objects.filter(case=OuterRef("household__case"), person=OuterRef("person"),
                                  status=Plan.Status.ACTIVE)
    return Exists(HouseholdMembership.objects
                  .filter(_current(today), household__case=OuterRef("pk"),
                          household__case__status=Case.Status.OPEN, role=HouseholdMembership.Role.ADULT)
                  .filter(Exists(issued), ~Exists(planned)))


@dataclass(frozen=True)
class FollowUp:
    """A plan or an activity to follow up: ``activity`` is None for the plan itself."""

    follow_up_on: date
    case: Case
    person: Person
    plan_id: int
    activity: PlanActivity | None = None

    @property
    def label(self) -> str:
        return self.activity.get_kind_display() if self.activity else str(Plan._meta.verbose_name)


def follow_ups_due(case_ids, until: date) -> list[FollowUp]:
    """Follow-ups on or before ``until`` in the cases ``case_ids``, earliest first (two queries).

    Active plans whose own follow-up date has come, and planned or ongoing activities
    of active plans whose follow-up date has come.
    """
    case_ids = list(case_ids)
    plans = (Plan.objects.filter(case__in=case_ids, status=Plan.Status.ACTIVE, follow_up_on__lte=until)
             .select_related("case", "person"))
    activities = (PlanActivity.objects
                  .filter(plan__case__in=case_ids, plan__status=Plan.Status.ACTIVE,
                          status__in=OPEN_ACTIVITY, follow_up_on__lte=until)
                  .select_related("plan__case", "plan__person"))
    due = [FollowUp(p.follow_up_on, p.case, p.person, p.pk) for p in plans]
    due += [FollowUp(a.follow_up_on, a.plan.case, a.plan.person, a.plan_id, a) for a in activities]
    return sorted(due, key=lambda f: (f.follow_up_on, f.case.pk, f.person.pk, f.activity is not None,
                                      f.activity.pk if f.activity else 0))


def meeting_for_case(case: Case, meeting_id: int) -> Meeting | None:
    """One meeting of the case with its participants and, for the meeting's page only, the screening."""
    return (Meeting.objects.filter(case=case, pk=meeting_id).select_related("screening__person", "created_by")
            .prefetch_related(Prefetch("participants", Person.objects.order_by("first_name", "id")))
            .first())


def plan_next_follow_up(plan: Plan) -> date | None:
    """The earliest of the plan's follow-up and its open activities' (activities prefetched)."""
    dates = [plan.follow_up_on] + [a.follow_up_on for a in plan.activities.all()
                                   if a.status in OPEN_ACTIVITY]
    dates = [d for d in dates if d]
    return min(dates) if dates else None

