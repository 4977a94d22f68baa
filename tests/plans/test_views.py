"""The plan and meeting pages: who may see them, each action, bad input, and where the
answer to the question about violence may (and may not) be seen."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.plans import selectors, services
from lika.plans.models import Meeting, Plan, PlanActivity, PlanGoal, ViolenceScreening
from tests.cases.factories import couple_case, single_case

pytestmark = pytest.mark.django_db



TODAY = timezone.localdate()
YESTERDAY = TODAY - timedelta(days=1)
CONFIDENTIAL = "Uppgiften visas bara för enhetens handläggare"


@pytest.fixture
def couple(unit_a, alice):
    case, woman, man, kids = couple_case(unit_a)
    meeting = services.meeting_create(acting_user=alice, case=case, held_on=YESTERDAY, kind="individual",
                                      participants=[woman], screening_answer="yes",
                                      screening_note="Berättar om kontroll av pengar")
    return {"case": case, "woman": woman, "man": man, "kid": kids[0], "meeting": meeting}


def urls(couple):
    case = couple["case"].pk
    return [reverse("plan_detail", kwargs={"case_id": case, "person_id": couple["woman"].pk}),
            reverse("meeting_new", kwargs={"case_id": case}),
            reverse("meeting_detail", kwargs={"case_id": case, "meeting_id": couple["meeting"].pk})]


def plan_url(couple, who="woman"):
    return reverse("plan_detail", kwargs={"case_id": couple["case"].pk, "person_id": couple[who].pk})


def meeting_post(couple, **data):
    return {"held_on": YESTERDAY.isoformat(), "notes": "", **data}


# --- who may -------------------------------------------------------------------

@pytest.mark.parametrize("index", [0, 1, 2])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_login(client, couple, index, method):
    response = getattr(client, method)(urls(couple)[index])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("index", [0, 1, 2])
@pytest.mark.parametrize(("persona", "status"), [("charlie", 404), ("stina", 403), ("petra", 403)])
def test_other_units_and_other_roles_are_refused(client, request, couple, index, persona, status):
    client.force_login(request.getfixturevalue(persona))
    url = urls(couple)[index]
    assert client.get(url).status_code == status
    posted = {"action": "create", "plan-own_view": "x", **meeting_post(couple, kind="joint",
              participants=[couple["woman"].pk, couple["man"].pk])}
    # the meeting page is read-only: a POST is refused before anything else
    assert client.post(url, posted).status_code == (status if index < 2 else 405)
    assert not Plan.objects.exists() and Meeting.objects.count() == 1


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_the_units_case_worker_and_manager_see_every_page(client, request, couple, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in urls(couple):
        assert client.get(url).status_code == 200


def test_a_child_has_no_plan_page(client, alice, couple):
    client.force_login(alice)
    assert client.get(plan_url(couple, "kid")).status_code == 404
    assert client.post(plan_url(couple, "kid"), {"action": "create"}).status_code == 404
    assert not Plan.objects.exists()


def test_a_person_of_another_household_has_no_plan_page_in_this_case(client, alice, couple, unit_a):
    _case, other = single_case(unit_a)
    client.force_login(alice)
    url = reverse("plan_detail", kwargs={"case_id": couple["case"].pk, "person_id": other.pk})
    assert client.get(url).status_code == 404


def test_a_meeting_of_another_case_is_not_found(client, alice, couple, unit_a):
    other, woman, _man, _kids = couple_case(unit_a)
    client.force_login(alice)
    url = reverse("meeting_detail", kwargs={"case_id": other.pk, "meeting_id": couple["meeting"].pk})
    assert client.get(url).status_code == 404


def test_reading_the_plan_page_is_logged(client, alice, couple):
    client.force_login(alice)
    client.get(plan_url(couple))
    row = AccessLogEntry.objects.filter(action="read", person_id=couple["woman"].pk).latest("id")
    assert (row.actor, row.household_id, row.summary) == (alice, couple["case"].household_id,
                                                         "Läst genomförandeplan")


# --- the plan page -------------------------------------------------------------------

def test_empty_plan_page_offers_to_create_the_plan(client, alice, couple):
    client.force_login(alice)
    text = client.get(plan_url(couple)).content.decode()
    assert "Genomförandeplan – Sara Lind" in text and "Ingen plan ännu" in text
    assert 'value="create"' in text


def test_alice_makes_and_keeps_a_plan_through_every_action(client, alice, couple):
    client.force_login(alice)
    url = plan_url(couple)

    def post(**data):
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == url
        return client.get(url)

    page = post(**{"action": "create", "plan-own_view": "Vill arbeta i vården",
                   "plan-follow_up_on": (TODAY + timedelta(days=60)).isoformat()})
    plan = Plan.objects.get(person=couple["woman"], status="active")
    assert "Genomförandeplanen för Sara Lind är upprättad." in page.content.decode()

    post(**{"action": "update", "plan-own_view": "Vill bli undersköterska", "plan-follow_up_on": ""})
    plan.refresh_from_db()
    assert (plan.own_view, plan.follow_up_on) == ("Vill bli undersköterska", None)

    post(**{"action": "goal", "goal-text": "Klara SFI kurs D", "goal-target_on": "2027-06-30"})
    goal = PlanGoal.objects.get(plan=plan)
    post(action="goal_achieved", goal=goal.pk, achieved="on")
    goal.refresh_from_db()
    assert goal.achieved is True

    page = post(**{"action": "activity", "activity-kind": "sfi", "activity-description": "Kvällskurs",
                   "activity-responsible": "Komvux", "activity-starts_on": "2026-12-01",
                   "activity-follow_up_on": "2027-01-15"})
    activity = PlanActivity.objects.get(plan=plan)
    assert (activity.kind, activity.responsible, str(activity.follow_up_on)) == ("sfi", "Komvux", "2027-01-15")
    assert "Kvällskurs" in page.content.decode()

    post(**{"action": "activity_status", "activity": activity.pk, f"a{activity.pk}-status": "ongoing"})
    activity.refresh_from_db()
    assert activity.status == "ongoing"

    page = post(action="close")
    plan.refresh_from_db()
    assert plan.status == "closed"
    text = page.content.decode()
    assert "Ingen pågående plan" in text and "Tidigare planer" in text


def test_a_second_plan_is_refused_with_a_message(client, alice, couple):
    services.plan_create(acting_user=alice, case=couple["case"], person=couple["woman"])
    client.force_login(alice)
    response = client.post(plan_url(couple), {"action": "create", "plan-own_view": "igen"})
    # The page had no active plan when it was shown: the service refuses the second one.
    assert response.status_code == 200
    assert "har redan en pågående genomförandeplan" in response.content.decode()
    assert Plan.objects.count() == 1


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"action": "goal", "goal-text": ""}, "goal-text", "Detta fält måste fyllas i."),
    ({"action": "activity", "activity-kind": "", "activity-responsible": "Komvux"}, "activity-kind",
     "Detta fält måste fyllas i."),
    ({"action": "activity", "activity-kind": "other", "activity-responsible": "Komvux"}, "activity-description",
     "Beskriv aktiviteten när du väljer ”Annat”."),
    ({"action": "activity", "activity-kind": "sfi", "activity-responsible": "Komvux",
      "activity-starts_on": "2027-02-01", "activity-follow_up_on": "2027-01-01"}, "activity-follow_up_on",
     "Uppföljningen kan inte vara före starten."),
    ({"action": "update", "plan-follow_up_on": "31/31/2026"}, "plan-follow_up_on", "Fyll i ett giltigt datum."),
])
def test_bad_input_is_shown_at_its_field_and_nothing_is_saved(client, alice, couple, data, field, message):
    plan = services.plan_create(acting_user=alice, case=couple["case"], person=couple["woman"])
    client.force_login(alice)
    response = client.post(plan_url(couple), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'class="error-summary"' in text and message in text
    assert f'href="#id_{field}"' in text
    assert f'aria-describedby="id_{field}_error"' in text or f'id_{field}_error"' in text
    assert not PlanGoal.objects.exists() and not PlanActivity.objects.exists()
    plan.refresh_from_db()
    assert plan.follow_up_on is None


def test_a_bad_status_is_shown_at_the_activity(client, alice, couple):
    plan = services.plan_create(acting_user=alice, case=couple["case"], person=couple["woman"])
    activity = services.plan_activity_add(acting_user=alice, plan=plan, kind="sfi", responsible="Komvux")
    client.force_login(alice)
    response = client.post(plan_url(couple), {"action": "activity_status", "activity": activity.pk,
                                              f"a{activity.pk}-status": "forgotten"})
    text = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_a{activity.pk}-status"' in text and f'id="id_a{activity.pk}-status_error"' in text
    activity.refresh_from_db()
    assert activity.status == "planned"


def test_unknown_action_and_foreign_activity_are_bad_requests(client, alice, couple, unit_a):
    plan = services.plan_create(acting_user=alice, case=couple["case"], person=couple["woman"])
    other_case, other_woman, _m, _k = couple_case(unit_a)
    other_plan = services.plan_create(acting_user=alice, case=other_case, person=other_woman)
    foreign = services.plan_activity_add(acting_user=alice, plan=other_plan, kind="sfi", responsible="Komvux")
    client.force_login(alice)
    assert client.post(plan_url(couple), {"action": "drop_tables"}).status_code == 400
    response = client.post(plan_url(couple), {"action": "activity_status", "activity": foreign.pk,
                                              f"a{foreign.pk}-status": "done"})
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert foreign.status == "planned" and plan.status == "active"


def test_changing_a_plan_that_is_gone_sends_back_with_a_message(client, alice, couple):
    client.force_login(alice)
    response = client.post(plan_url(couple), {"action": "goal", "goal-text": "Mål"}, follow=True)
    assert "Det finns ingen pågående plan att ändra." in response.content.decode()
    assert not PlanGoal.objects.exists()


# --- meetings ----------------------------------------------------------------------

def test_alice_records_an_individual_meeting_with_the_question_about_violence(client, alice, couple):
    client.force_login(alice)
    response = client.post(reverse("meeting_new", kwargs={"case_id": couple["case"].pk}), meeting_post(
        couple, kind="individual", participants=[couple["man"].pk], screening_answer="no",
        support_offered="on", notes="Pratade om praktik"))
    meeting = Meeting.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"] == reverse("meeting_detail", kwargs={"case_id": couple["case"].pk,
                                                                     "meeting_id": meeting.pk})
    assert (meeting.screening.person, meeting.screening.answer, meeting.screening.support_offered) == (
        couple["man"], "no", True)
    text = client.get(response["Location"]).content.decode()
    assert "Nej, inga tecken på våld" in text and CONFIDENTIAL in text and "Johan Lind" in text


def test_alice_records_a_joint_meeting(client, alice, couple):
    client.force_login(alice)
    response = client.post(reverse("meeting_new", kwargs={"case_id": couple["case"].pk}), meeting_post(
        couple, kind="joint", participants=[couple["woman"].pk, couple["man"].pk]))
    assert response.status_code == 302
    meeting = Meeting.objects.latest("id")
    assert meeting.kind == "joint" and meeting.participants.count() == 2
    assert not ViolenceScreening.objects.filter(meeting=meeting).exists()
    text = client.get(response["Location"]).content.decode()
    assert "Gemensamt möte" in text and CONFIDENTIAL not in text


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"kind": "joint", "participants": ["woman", "man"], "screening_answer": "no"}, "screening_answer",
     "Frågan om våld ställs bara vid enskilda möten"),
    ({"kind": "joint", "participants": ["woman"]}, "participants", "Ett gemensamt möte har minst två deltagare."),
    ({"kind": "individual", "participants": ["woman", "man"], "screening_answer": "no"}, "participants",
     "Ett enskilt möte har exakt en deltagare."),
    ({"kind": "individual", "participants": ["woman"]}, "screening_answer", "Ange svaret på frågan om våld."),
    ({"kind": "individual", "participants": ["kid"], "screening_answer": "no"}, "participants",
     "Välj ett giltigt alternativ."),
    ({"participants": ["woman"], "screening_answer": "no"}, "kind", "Detta fält måste fyllas i."),
])
def test_meeting_errors_are_shown_and_nothing_is_saved(client, alice, couple, data, field, message):
    client.force_login(alice)
    data = {**data, "participants": [couple[w].pk for w in data["participants"]]}
    response = client.post(reverse("meeting_new", kwargs={"case_id": couple["case"].pk}),
                           meeting_post(couple, **data))
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert f'href="#id_{field}_0"' in text and f'id="id_{field}_error"' in text
    assert Meeting.objects.count() == 1


def test_a_refused_joint_meeting_comes_back_without_the_answer(client, alice, couple):
    """A chosen radio button cannot be unchosen: the form returns with the answer removed."""
    client.force_login(alice)
    url = reverse("meeting_new", kwargs={"case_id": couple["case"].pk})
    data = meeting_post(couple, kind="joint", participants=[couple["woman"].pk, couple["man"].pk],
                        screening_answer="no", support_offered="on", notes="Budget")
    response = client.post(url, data)
    text = response.content.decode()
    assert "Svaret är borttaget" in text and 'id="id_screening_answer_0" checked' not in text
    assert 'id="id_kind_1" required checked' in text and "Budget" in text
    assert Meeting.objects.count() == 1
    assert client.post(url, dict(response.context["form"].data.lists())).status_code == 302
    assert Meeting.objects.latest("id").kind == "joint"


def test_the_answer_is_shown_on_the_meeting_page_only(client, alice, couple):
    services.plan_create(acting_user=alice, case=couple["case"], person=couple["woman"])
    client.force_login(alice)
    plan_page = client.get(urls(couple)[0]).content.decode()
    assert "Ja, personen berättar om våld" not in plan_page and "kontroll av pengar" not in plan_page
    assert "kontroll av pengar" not in client.get(urls(couple)[1]).content.decode()  # the form offers the answers
    section = render_to_string("plans/includes/case_section.html", {
        "case": couple["case"],
        "plan_section": selectors.case_plan_section(couple["case"], [couple["woman"], couple["man"]])})
    assert "Ja, personen berättar om våld" not in section and "kontroll av pengar" not in section
    text = client.get(urls(couple)[2]).content.decode()
    assert "Ja, personen berättar om våld" in text and "kontroll av pengar" in text and CONFIDENTIAL in text


# --- the case page's section --------------------------------------------------------

def test_case_section_shows_each_adult_and_the_meetings(alice, couple):
    case, woman, man = couple["case"], couple["woman"], couple["man"]
    plan = services.plan_create(acting_user=alice, case=case, person=man, follow_up_on=TODAY + timedelta(days=40))
    services.plan_goal_add(acting_user=alice, plan=plan, text="Körkort")
    services.plan_activity_add(acting_user=alice, plan=plan, kind="sfi", responsible="Komvux",
                               follow_up_on=TODAY + timedelta(days=10))
    done = services.plan_activity_add(acting_user=alice, plan=plan, kind="job_search", responsible="AF",
                                      follow_up_on=TODAY + timedelta(days=5))
    services.plan_activity_set_status(acting_user=alice, activity=done, status="done")
    services.meeting_create(acting_user=alice, case=case, held_on=TODAY, kind="joint", participants=[woman, man])

    section = selectors.case_plan_section(case, [woman, man])
    assert [(r["person"], r["plan"], r["goal_count"], r["activity_count"], r["next_follow_up"])
            for r in section["adults"]] == [(woman, None, 0, 0, None),
                                            (man, plan, 1, 2, TODAY + timedelta(days=10))]
    assert [(m["kind"], m["held_on"], [str(p) for p in m["participants"]]) for m in section["meetings"]] == [
        ("joint", TODAY, ["Johan Lind", "Sara Lind"]), ("individual", YESTERDAY, ["Sara Lind"])]

    html = render_to_string("plans/includes/case_section.html", {"case": case, "plan_section": section})
    assert "Sara Lind – plan saknas" in html and "Upprätta plan" in html
    assert "Johan Lind – plan pågår" in html and "Visa plan" in html
    assert "Gemensamt möte" in html and "Enskilt möte" in html and "Nytt möte" in html
    assert reverse("meeting_new", kwargs={"case_id": case.pk}) in html


def _fill(case, adults, user, *, plans, activities, meetings):
    for adult in adults[:plans]:
        plan = services.plan_create(acting_user=user, case=case, person=adult)
        for i in range(activities):
            services.plan_goal_add(acting_user=user, plan=plan, text=f"Mål {i}")
            services.plan_activity_add(acting_user=user, plan=plan, kind="sfi", responsible="Komvux",
                                       follow_up_on=TODAY + timedelta(days=i))
    for i in range(meetings):
        services.meeting_create(acting_user=user, case=case, held_on=YESTERDAY - timedelta(days=i),
                                kind="joint", participants=adults)


@pytest.mark.parametrize(("plans", "activities", "meetings"), [(0, 0, 0), (1, 1, 1), (2, 5, 8)])
def test_case_section_takes_the_same_queries_however_much_there_is(
        alice, unit_a, django_assert_max_num_queries, plans, activities, meetings):
    """Three queries at most (two when there is no meeting to fetch participants for), and
    one or two for the meetings booked ahead (issue 17: the bookings, and their invitees)."""
    case, woman, man, _kids = couple_case(unit_a)
    _fill(case, [woman, man], alice, plans=plans, activities=activities, meetings=meetings)
    with django_assert_max_num_queries(5):
        section = selectors.case_plan_section(case, [woman, man])
        render_to_string("plans/includes/case_section.html", {"case": case, "plan_section": section})
    assert len(section["meetings"]) == meetings
