"""Issue 17, correcting a plan: a goal and an activity are changed and ended (never
deleted), under a row lock, with old and new values in the access log, refused on a
closed plan or case and for another unit."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.cases.models import Case
from lika.plans import services
from lika.plans.models import PlanActivity, PlanGoal
from tests.cases.factories import couple_case
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def plan(alice, unit_a):
    case, woman, man, kids = couple_case(unit_a)
    return services.plan_create(acting_user=alice, case=case, person=woman)


@pytest.fixture
def goal(alice, plan):
    return services.plan_goal_add(acting_user=alice, plan=plan, text="Börja på SFI", target_on=TODAY)


@pytest.fixture
def activity(alice, plan):
    return services.plan_activity_add(acting_user=alice, plan=plan, kind="sfi", responsible="Komvux",
                                      starts_on=TODAY - timedelta(days=10), follow_up_on=TODAY)


GOAL_EDITS = [
    # (text, target_on, error field or None)
    ("Ta körkort", TODAY + timedelta(days=30), None),
    ("  Ta körkort  ", None, None),
    ("", TODAY, "text"),
    ("x" * 301, TODAY, "text"),
]


@pytest.mark.parametrize(("text", "target_on", "error"), GOAL_EDITS)
def test_a_goal_is_edited_with_old_and_new_values_in_the_log(alice, goal, text, target_on, error):
    if error:
        with pytest.raises(ValidationError) as exc:
            services.plan_goal_update(acting_user=alice, goal=goal, text=text, target_on=target_on)
        assert set(exc.value.message_dict) == {error}
        assert PlanGoal.objects.get(pk=goal.pk).text == "Börja på SFI"
        return
    services.plan_goal_update(acting_user=alice, goal=goal, text=text, target_on=target_on)
    goal.refresh_from_db()
    assert (goal.text, goal.target_on) == (text.strip(), target_on)
    row = AccessLogEntry.objects.filter(object_type="plangoal", summary="Ändrade mål i genomförandeplan").get()
    assert row.old_values["text"] == "Börja på SFI" and row.new_values["text"] == text.strip()
    assert row.person_id == goal.plan.person_id


GOAL_ENDS = [
    # (ended_on, reason, achieved first, error field or None ("" = not a field error))
    (TODAY, "Har valt en annan utbildning", False, None),
    (None, "Skäl", False, "ended_on"),
    (TODAY + timedelta(days=1), "Skäl", False, "ended_on"),
    (TODAY - timedelta(days=400), "Skäl", False, "ended_on"),  # before the plan was made
    (TODAY, "", False, "end_reason"),
    (TODAY, "x" * 301, False, "end_reason"),
    (TODAY, "Skäl", True, ""),  # an achieved goal is reached, not ended
]


@pytest.mark.parametrize(("ended_on", "reason", "achieved", "error"), GOAL_ENDS)
def test_a_goal_is_ended_without_being_reached_and_stays_in_the_plan(alice, goal, ended_on, reason, achieved,
                                                                     error):
    if achieved:
        services.plan_goal_set_achieved(acting_user=alice, goal=goal, achieved=True)
    if error is not None:
        with pytest.raises(ValidationError) as exc:
            services.plan_goal_end(acting_user=alice, goal=goal, ended_on=ended_on, end_reason=reason)
        if error:
            assert error in exc.value.message_dict
        assert PlanGoal.objects.get(pk=goal.pk).ended_on is None
        return
    services.plan_goal_end(acting_user=alice, goal=goal, ended_on=ended_on, end_reason=reason)
    goal = PlanGoal.objects.get(pk=goal.pk)  # still there
    assert goal.ended and goal.end_reason == reason and not goal.achieved
    row = AccessLogEntry.objects.filter(object_type="plangoal").order_by("-id").first()
    assert row.old_values == {"ended_on": None, "end_reason": ""}
    assert row.new_values == {"ended_on": ended_on.isoformat(), "end_reason": reason}
    # an ended goal is not changed again, nor marked achieved
    for call in (lambda: services.plan_goal_update(acting_user=alice, goal=goal, text="Nytt", target_on=None),
                 lambda: services.plan_goal_end(acting_user=alice, goal=goal, ended_on=TODAY, end_reason="Igen"),
                 lambda: services.plan_goal_set_achieved(acting_user=alice, goal=goal, achieved=True)):
        with pytest.raises(ValidationError, match="avslutat"):
            call()


ACTIVITY_EDITS = [
    # (changes, error field or None)
    ({"kind": "studies", "description": "Komvux matematik"}, None),
    ({"responsible": "Arbetsförmedlingen", "starts_on": TODAY, "follow_up_on": TODAY + timedelta(days=7)}, None),
    ({"starts_on": None, "follow_up_on": None}, None),
    ({"kind": "fishing"}, "kind"),
    ({"kind": "other", "description": ""}, "description"),
    ({"responsible": ""}, "responsible"),
    ({"responsible": "x" * 151}, "responsible"),
    ({"description": "x" * 301}, "description"),
    ({"starts_on": TODAY, "follow_up_on": TODAY - timedelta(days=1)}, "follow_up_on"),
]


@pytest.mark.parametrize(("changes", "error"), ACTIVITY_EDITS)
def test_an_activity_is_edited_with_the_same_rules_as_a_new_one(alice, activity, changes, error):
    before = {f: getattr(activity, f) for f in services.ACTIVITY_EDIT_FIELDS}
    call = {**before, **changes}
    if error:
        with pytest.raises(ValidationError) as exc:
            services.plan_activity_update(acting_user=alice, activity=activity, **call)
        assert set(exc.value.message_dict) == {error}
        assert {f: getattr(PlanActivity.objects.get(pk=activity.pk), f) for f in before} == before
        return
    services.plan_activity_update(acting_user=alice, activity=activity, **call)
    activity = PlanActivity.objects.get(pk=activity.pk)
    for field, value in changes.items():
        assert getattr(activity, field) == value
    row = AccessLogEntry.objects.filter(summary="Ändrade aktivitet i genomförandeplan").get()
    assert set(row.old_values) == set(row.new_values) == {f for f, v in changes.items() if before[f] != v}


ACTIVITY_ENDS = [
    # (status, ended_on offset from today, reason, error field or None)
    ("cancelled", 0, "Kursen ställdes in", None),
    ("done", 0, "", None),
    ("done", -10, "Klar", None),  # the day it started
    ("cancelled", 0, "", "end_reason"),
    ("planned", 0, "Skäl", "status"),
    ("done", 1, "", "ended_on"),
    ("done", -11, "", "ended_on"),  # before it started
]


@pytest.mark.parametrize(("status", "offset", "reason", "error"), ACTIVITY_ENDS)
def test_an_activity_is_ended_done_or_cancelled_with_a_reason(alice, activity, status, offset, reason, error):
    call = dict(acting_user=alice, activity=activity, status=status, ended_on=TODAY + timedelta(days=offset),
                end_reason=reason)
    if error:
        with pytest.raises(ValidationError) as exc:
            services.plan_activity_end(**call)
        assert error in exc.value.message_dict
        assert PlanActivity.objects.get(pk=activity.pk).ended_on is None
        return
    services.plan_activity_end(**call)
    activity = PlanActivity.objects.get(pk=activity.pk)
    assert (activity.status, activity.end_reason) == (status, reason)
    row = AccessLogEntry.objects.filter(summary="Avslutade aktivitet i genomförandeplan").get()
    assert row.old_values["status"] == "planned" and row.new_values["status"] == status
    with pytest.raises(ValidationError, match="avslutad"):
        services.plan_activity_set_status(acting_user=alice, activity=activity, status="ongoing")
    with pytest.raises(ValidationError, match="avslutad"):
        services.plan_activity_update(acting_user=alice, activity=activity, kind="sfi", responsible="X")


def test_the_database_refuses_an_ended_goal_without_a_reason(goal):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PlanGoal.objects.filter(pk=goal.pk).update(ended_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanActivity.objects.create(plan=goal.plan, kind="sfi", responsible="X", status="cancelled", ended_on=TODAY)


CLOSED = [
    ("plan", "Planen är avslutad"),
    ("case", "Ärendet är avslutat"),
]


@pytest.mark.parametrize(("what", "message"), CLOSED)
def test_nothing_is_corrected_in_a_closed_plan_or_case(alice, goal, activity, what, message):
    if what == "plan":
        services.plan_close(acting_user=alice, plan=goal.plan)
    else:
        Case.objects.filter(pk=goal.plan.case_id).update(status="closed", closed_on=TODAY)
    calls = [
        lambda: services.plan_goal_update(acting_user=alice, goal=goal, text="Nytt", target_on=None),
        lambda: services.plan_goal_end(acting_user=alice, goal=goal, ended_on=TODAY, end_reason="Skäl"),
        lambda: services.plan_activity_update(acting_user=alice, activity=activity, kind="sfi", responsible="X"),
        lambda: services.plan_activity_end(acting_user=alice, activity=activity, status="done", ended_on=TODAY),
    ]
    for call in calls:
        with pytest.raises(ValidationError, match=message):
            call()


def test_another_unit_is_refused_by_the_services_and_gets_404_on_the_pages(client, charlie, goal, activity):
    calls = [
        lambda: services.plan_goal_update(acting_user=charlie, goal=goal, text="Nytt", target_on=None),
        lambda: services.plan_goal_end(acting_user=charlie, goal=goal, ended_on=TODAY, end_reason="Skäl"),
        lambda: services.plan_activity_update(acting_user=charlie, activity=activity, kind="sfi", responsible="X"),
        lambda: services.plan_activity_end(acting_user=charlie, activity=activity, status="done", ended_on=TODAY),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    plan = goal.plan
    client.login(username="charlie", password=PASSWORD)
    for url in (reverse("plan_goal_edit", args=[plan.case_id, plan.person_id, goal.pk]),
                reverse("plan_activity_edit", args=[plan.case_id, plan.person_id, activity.pk])):
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "end", "end-ended_on": TODAY.isoformat(),
                                 "end-end_reason": "x", "end-status": "done"}).status_code == 404
    assert PlanGoal.objects.get(pk=goal.pk).ended_on is None


def test_the_pages_change_and_end_and_show_swedish_errors(client, alice, goal, activity):
    plan = goal.plan
    client.login(username="alice", password=PASSWORD)
    goal_url = reverse("plan_goal_edit", args=[plan.case_id, plan.person_id, goal.pk])
    response = client.post(goal_url, {"action": "end", "end-ended_on": TODAY.isoformat(), "end-end_reason": ""})
    assert response.status_code == 400 and 'id="id_end-end_reason_error"' in response.content.decode()
    response = client.post(goal_url, {"action": "edit", "edit-text": "Ta körkort", "edit-target_on": ""})
    assert response.status_code == 302
    assert PlanGoal.objects.get(pk=goal.pk).text == "Ta körkort"
    activity_url = reverse("plan_activity_edit", args=[plan.case_id, plan.person_id, activity.pk])
    response = client.post(activity_url, {"action": "edit", "edit-kind": "sfi", "edit-responsible": "Komvux",
                                          "edit-starts_on": "2026-05-02", "edit-follow_up_on": "2026-05-01"})
    assert response.status_code == 400
    assert "Uppföljningen kan inte vara före starten." in response.content.decode()
    response = client.post(activity_url, {"action": "end", "end-status": "cancelled",
                                          "end-ended_on": TODAY.isoformat(), "end-end_reason": "Flyttade"})
    assert response.status_code == 302
    page = client.get(reverse("plan_detail", args=[plan.case_id, plan.person_id])).content.decode()
    assert "Flyttade" in page and "Ta körkort" in page
    # another person's goal in the same case is not reached through this adult's address
    other = reverse("plan_goal_edit", args=[plan.case_id, plan.person_id + 1, goal.pk])
    assert client.get(other).status_code == 404
