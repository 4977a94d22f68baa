"""Plans and meetings: each adult's own plan (M4), individual and joint meetings (M6),
the question about violence in individual meetings only (M7), and the access log."""

import json
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.cases.models import Application, Case, CaseCalculation, Decision
from lika.households.models import HouseholdMembership
from lika.norms.models import NormTableVersion
from lika.plans import selectors, services
from lika.plans.models import Meeting, Plan, PlanActivity, PlanGoal, ViolenceScreening
from tests.cases.factories import couple_case, single_case

pytestmark = pytest.mark.django_db



TODAY = timezone.localdate()
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture
def couple(unit_a):
    case, woman, man, kids = couple_case(unit_a)
    return {"case": case, "woman": woman, "man": man, "kid": kids[0]}


def log_rows(**filters):
    return list(AccessLogEntry.objects.filter(**filters).order_by("id"))


# --- meetings -----------------------------------------------------------------

MEETINGS = [
    # (kind, participants, screening, errors at)
    ("individual", ["woman"], {"screening_answer": "no"}, set()),
    ("individual", ["man"], {"screening_answer": "not_asked"}, set()),
    ("individual", ["woman", "man"], {"screening_answer": "no"}, {"participants"}),
    ("individual", [], {"screening_answer": "no"}, {"participants"}),
    ("individual", ["kid"], {"screening_answer": "no"}, {"participants"}),
    ("individual", ["woman"], {}, {"screening_answer"}),
    ("individual", ["woman"], {"screening_answer": "maybe"}, {"screening_answer"}),
    ("joint", ["woman", "man"], {}, set()),
    ("joint", ["woman"], {}, {"participants"}),
    ("joint", ["woman", "kid"], {}, {"participants"}),
    ("joint", ["woman", "man"], {"screening_answer": "no"}, {"screening_answer"}),
    ("joint", ["woman", "man"], {"support_offered": True}, {"screening_answer"}),
    ("joint", ["woman", "man"], {"screening_note": "frågade"}, {"screening_answer"}),
    ("group", ["woman", "man"], {}, {"kind"}),
]


@pytest.mark.parametrize(("kind", "who", "screening", "errors"), MEETINGS)
def test_meeting_rules_for_participants_and_the_question_about_violence(
        alice, couple, kind, who, screening, errors):
    """Individual: exactly one adult and the question answered; joint: two adults and no question."""
    call = dict(acting_user=alice, case=couple["case"], held_on=YESTERDAY, kind=kind,
                participants=[couple[w] for w in who], notes="Samtal om arbete", **screening)
    if not errors:
        meeting = services.meeting_create(**call)
        assert meeting.kind == kind
        assert {p.pk for p in meeting.participants.all()} == {couple[w].pk for w in who}
        assert ViolenceScreening.objects.filter(meeting=meeting).exists() == (kind == "individual")
        return
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(**call)
    assert set(exc.value.message_dict) == errors
    assert not Meeting.objects.exists() and not ViolenceScreening.objects.exists()


def test_a_meeting_is_recorded_after_it_was_held(alice, couple):
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(acting_user=alice, case=couple["case"], held_on=TODAY + timedelta(days=1),
                                kind="joint", participants=[couple["woman"], couple["man"]])
    assert "held_on" in exc.value.message_dict


def test_the_screening_is_about_the_one_adult_in_the_individual_meeting(alice, couple):
    meeting = services.meeting_create(acting_user=alice, case=couple["case"], held_on=TODAY, kind="individual",
                                      participants=[couple["man"]], screening_answer="declined",
                                      support_offered=True, screening_note="Fick broschyr")
    screening = meeting.screening
    assert (screening.person, screening.answer, screening.support_offered, screening.note) == (
        couple["man"], "declined", True, "Fick broschyr")


def test_meetings_log_each_participant_and_never_the_answer(alice, couple):
    case, woman, man = couple["case"], couple["woman"], couple["man"]
    joint = services.meeting_create(acting_user=alice, case=case, held_on=YESTERDAY, kind="joint",
                                    participants=[woman, man])
    rows = log_rows(object_type="meeting", object_id=str(joint.pk))
    assert [(r.action, r.person_id, r.household_id) for r in rows] == [
        ("create", woman.pk, case.household_id), ("create", man.pk, case.household_id)]

    single = services.meeting_create(acting_user=alice, case=case, held_on=YESTERDAY, kind="individual",
                                     participants=[woman], screening_answer="yes",
                                     screening_note="Berättar om hot")
    screening_rows = log_rows(object_type="violencescreening")
    assert [(r.action, r.person_id, r.household_id) for r in screening_rows] == [
        ("create", woman.pk, case.household_id)]
    logged = json.dumps([r.new_values for r in log_rows(object_id=str(single.pk))]
                        + [r.new_values for r in screening_rows], ensure_ascii=False)
    assert '"yes"' not in logged and "hot" not in logged


@pytest.mark.parametrize("persona", ["charlie", "stina", "petra"])
def test_only_the_units_case_workers_record_meetings(request, couple, persona):
    with pytest.raises(PermissionDenied):
        services.meeting_create(acting_user=request.getfixturevalue(persona), case=couple["case"],
                                held_on=YESTERDAY, kind="joint", participants=[couple["woman"], couple["man"]])
    assert not Meeting.objects.exists()


# --- plans --------------------------------------------------------------------

def test_each_adult_gets_an_own_plan(alice, couple):
    case = couple["case"]
    hers = services.plan_create(acting_user=alice, case=case, person=couple["woman"],
                                own_view="Vill bli undersköterska", follow_up_on=TODAY + timedelta(days=30))
    his = services.plan_create(acting_user=alice, case=case, person=couple["man"])
    assert (hers.person, his.person) == (couple["woman"], couple["man"])
    assert hers.status == his.status == Plan.Status.ACTIVE
    assert hers.own_view == "Vill bli undersköterska" and hers.created_by == alice


def test_a_plan_is_made_for_an_adult_only(alice, couple):
    with pytest.raises(ValidationError, match="bara för en vuxen"):
        services.plan_create(acting_user=alice, case=couple["case"], person=couple["kid"])
    assert not Plan.objects.exists()


def test_an_adult_who_has_left_the_household_gets_no_new_plan(alice, couple):
    HouseholdMembership.objects.filter(person=couple["man"]).update(valid_to=YESTERDAY)
    with pytest.raises(ValidationError):
        services.plan_create(acting_user=alice, case=couple["case"], person=couple["man"])


def test_a_person_of_another_household_gets_no_plan_in_this_case(alice, couple, unit_a):
    _case, other = single_case(unit_a)
    with pytest.raises(ValidationError):
        services.plan_create(acting_user=alice, case=couple["case"], person=other)


def test_one_active_plan_per_adult(alice, couple):
    case, woman = couple["case"], couple["woman"]
    first = services.plan_create(acting_user=alice, case=case, person=woman)
    with pytest.raises(ValidationError) as exc:
        services.plan_create(acting_user=alice, case=case, person=woman)
    assert exc.value.messages == ["Sara Lind har redan en pågående genomförandeplan. "
                                  "Avsluta den innan en ny upprättas."]
    services.plan_close(acting_user=alice, plan=first)
    second = services.plan_create(acting_user=alice, case=case, person=woman)
    assert list(Plan.objects.filter(person=woman).values_list("pk", "status").order_by("pk")) == [
        (first.pk, "closed"), (second.pk, "active")]


def test_no_plan_in_a_closed_case(alice, couple):
    Case.objects.filter(pk=couple["case"].pk).update(status=Case.Status.CLOSED)
    couple["case"].refresh_from_db()
    with pytest.raises(ValidationError, match="avslutat"):
        services.plan_create(acting_user=alice, case=couple["case"], person=couple["woman"])


@pytest.mark.parametrize("persona", ["charlie", "stina"])
def test_only_the_units_case_workers_make_plans(request, couple, persona):
    with pytest.raises(PermissionDenied):
        services.plan_create(acting_user=request.getfixturevalue(persona), case=couple["case"],
                             person=couple["woman"])


def test_plan_writes_are_logged_with_old_and_new_values(alice, couple):
    case, woman = couple["case"], couple["woman"]
    plan = services.plan_create(acting_user=alice, case=case, person=woman, own_view="Vill plugga")
    [created] = log_rows(object_type="plan", action="create")
    assert (created.person_id, created.household_id, created.object_id) == (woman.pk, case.household_id, str(plan.pk))
    assert created.new_values == {"status": "active", "own_view": "Vill plugga", "follow_up_on": None}

    follow_up = TODAY + timedelta(days=14)
    services.plan_update(acting_user=alice, plan=plan, own_view="Vill plugga till sjuksköterska",
                         follow_up_on=follow_up)
    [updated] = log_rows(object_type="plan", action="update")
    assert updated.old_values == {"own_view": "Vill plugga", "follow_up_on": None}
    assert updated.new_values == {"own_view": "Vill plugga till sjuksköterska", "follow_up_on": follow_up.isoformat()}
    assert (updated.person_id, updated.household_id) == (woman.pk, case.household_id)

    services.plan_update(acting_user=alice, plan=plan, own_view="Vill plugga till sjuksköterska",
                         follow_up_on=follow_up)
    assert len(log_rows(object_type="plan", action="update")) == 1  # nothing changed, nothing logged

    activity = services.plan_activity_add(acting_user=alice, plan=plan, kind="sfi", responsible="Komvux")
    [added] = log_rows(object_type="planactivity", action="create")
    assert added.new_values["kind"] == "sfi" and added.new_values["plan"] == plan.pk
    services.plan_activity_set_status(acting_user=alice, activity=activity, status="ongoing")
    [changed] = log_rows(object_type="planactivity", action="update")
    assert (changed.old_values, changed.new_values, changed.person_id) == (
        {"status": "planned"}, {"status": "ongoing"}, woman.pk)

    goal = services.plan_goal_add(acting_user=alice, plan=plan, text="Klara SFI kurs D")
    services.plan_goal_set_achieved(acting_user=alice, goal=goal, achieved=True)
    assert [r.action for r in log_rows(object_type="plangoal")] == ["create", "update"]

    services.plan_close(acting_user=alice, plan=plan)
    closed = log_rows(object_type="plan", action="update")[-1]
    assert (closed.old_values, closed.new_values) == ({"status": "active"}, {"status": "closed"})


ACTIVITIES = [
    # (arguments, errors at)
    ({"kind": "sfi", "responsible": "Komvux"}, set()),
    ({"kind": "other", "responsible": "Socialtjänsten", "description": "Budgetrådgivning"}, set()),
    ({"kind": "other", "responsible": "Socialtjänsten"}, {"description"}),
    ({"kind": "sfi", "responsible": "  "}, {"responsible"}),
    ({"kind": "knitting", "responsible": "Komvux"}, {"kind"}),
    ({"kind": "job_search", "responsible": "Arbetsförmedlingen", "starts_on": date(2026, 3, 1),
      "follow_up_on": date(2026, 2, 1)}, {"follow_up_on"}),
]


@pytest.mark.parametrize(("arguments", "errors"), ACTIVITIES)
def test_activity_rules(alice, couple, arguments, errors):
    plan = services.plan_create(acting_user=alice, case=couple["case"], person=couple["woman"])
    if not errors:
        activity = services.plan_activity_add(acting_user=alice, plan=plan, **arguments)
        assert activity.status == PlanActivity.Status.PLANNED
        return
    with pytest.raises(ValidationError) as exc:
        services.plan_activity_add(acting_user=alice, plan=plan, **arguments)
    assert set(exc.value.message_dict) == errors
    assert not PlanActivity.objects.exists()


def test_a_closed_plan_is_not_changed(alice, couple):
    plan = services.plan_create(acting_user=alice, case=couple["case"], person=couple["woman"])
    goal = services.plan_goal_add(acting_user=alice, plan=plan, text="Körkort")
    services.plan_close(acting_user=alice, plan=plan)
    for change in (lambda: services.plan_goal_add(acting_user=alice, plan=plan, text="Nytt mål"),
                   lambda: services.plan_update(acting_user=alice, plan=plan, own_view="x", follow_up_on=None),
                   lambda: services.plan_goal_set_achieved(acting_user=alice, goal=goal, achieved=True),
                   lambda: services.plan_close(acting_user=alice, plan=plan)):
        with pytest.raises(ValidationError, match="avslutad"):
            change()
    assert PlanGoal.objects.get().achieved is False and PlanGoal.objects.count() == 1


def test_an_empty_goal_is_refused(alice, couple):
    plan = services.plan_create(acting_user=alice, case=couple["case"], person=couple["woman"])
    with pytest.raises(ValidationError) as exc:
        services.plan_goal_add(acting_user=alice, plan=plan, text="   ")
    assert set(exc.value.message_dict) == {"text"}


# --- selectors for the work list ---------------------------------------------------

def issue_decision(case, user, *, on):
    """An issued decision on ``case``, decided on the date ``on`` (only what the selectors read)."""
    applicant = case.household.memberships.filter(role="adult").first().person
    application = Application.objects.create(case=case, month=on.replace(day=1), applicant=applicant,
                                             created_by=user)
    norm = NormTableVersion.objects.order_by("year", "version").first()
    calculation = CaseCalculation.objects.create(application=application, norm_table=norm, input={}, members=[],
                                                 result={}, support=0, created_by=user)
    decided_at = timezone.make_aware(datetime.combine(on, time(10)))
    return Decision.objects.create(application=application, calculation=calculation, status=Decision.Status.ISSUED,
                                   applied_amount=0, granted_amount=0, prepared_by=user, decided_by=user,
                                   decided_at=decided_at)


def test_adults_without_plan_after_the_days_from_the_first_decision(alice, unit_a):
    due, woman, man, _kids = couple_case(unit_a)
    issue_decision(due, alice, on=TODAY - timedelta(days=30))
    services.plan_create(acting_user=alice, case=due, person=man)
    recent, *_rest = couple_case(unit_a)
    issue_decision(recent, alice, on=TODAY - timedelta(days=29))
    undecided, *_rest = couple_case(unit_a)
    not_listed, *_rest = couple_case(unit_a)
    issue_decision(not_listed, alice, on=TODAY - timedelta(days=90))

    assert selectors.adults_without_plan([due.pk, recent.pk, undecided.pk], TODAY, 30) == {(due.pk, woman.pk)}


def test_adults_without_plan_is_one_query(alice, unit_a, django_assert_num_queries):
    cases = [couple_case(unit_a)[0] for _ in range(3)]
    for case in cases:
        issue_decision(case, alice, on=TODAY - timedelta(days=60))
    with django_assert_num_queries(1):
        found = selectors.adults_without_plan([c.pk for c in cases], TODAY, 30)
    assert len(found) == 6


def test_follow_ups_due(alice, couple, unit_a, django_assert_num_queries):
    case, woman, man = couple["case"], couple["woman"], couple["man"]
    hers = services.plan_create(acting_user=alice, case=case, person=woman, follow_up_on=TODAY)
    sfi = services.plan_activity_add(acting_user=alice, plan=hers, kind="sfi", responsible="Komvux",
                                     follow_up_on=TODAY - timedelta(days=3))
    done = services.plan_activity_add(acting_user=alice, plan=hers, kind="job_search", responsible="AF",
                                      follow_up_on=TODAY - timedelta(days=5))
    services.plan_activity_set_status(acting_user=alice, activity=done, status="done")
    services.plan_activity_add(acting_user=alice, plan=hers, kind="studies", responsible="Komvux",
                               follow_up_on=TODAY + timedelta(days=20))
    his = services.plan_create(acting_user=alice, case=case, person=man, follow_up_on=TODAY - timedelta(days=1))
    services.plan_close(acting_user=alice, plan=his)

    with django_assert_num_queries(2):
        due = selectors.follow_ups_due([case.pk], TODAY + timedelta(days=7))
        labels = [(f.follow_up_on, f.person.pk, f.activity.pk if f.activity else None, f.label, f.case.reference)
                  for f in due]
    assert labels == [(TODAY - timedelta(days=3), woman.pk, sfi.pk, "SFI – svenska för invandrare", case.reference),
                      (TODAY, woman.pk, None, "genomförandeplan", case.reference)]
