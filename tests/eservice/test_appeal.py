"""Issue 16: överklagande from the e-service.  Three weeks from the day she took part of
the decision (FL 44 §, moved past weekends and holidays: lag 1930:173 2 §); a late one is
received and flagged (FL 45 §); the case worker sees it in her work list with its
deadline and records the omprövning (FL 38–39 §§) or forwards it (FL 46 §); one handling
only; the other adult sees nothing of it."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.cases.decisions import recipient_record_delivery
from lika.cases.models import Application, DecisionRecipient, ImmutableError
from lika.eservice import appeals
from lika.eservice.models import Appeal, AppealEvent, Notification, ResidentContact
from tests import threads
from tests.conftest import PASSWORD

from .conftest import resident_client
from .decided import decide

TEXT = "Jag behöver mer pengar till hyran eftersom hyran har höjts."


@pytest.fixture
def decided(couple, alice, files):
    case, woman, man, _kids = couple
    application, decision = decide(case, woman, man, alice)
    return {"case": case, "woman": woman, "man": man, "application": application, "decision": decision}


def _deliver(decision, person, day, user):
    recipient = DecisionRecipient.objects.get(decision=decision, person=person)
    DecisionRecipient.objects.filter(pk=recipient.pk).update(channel="post", delivered_on=day,
                                                             delivery_recorded_by=user)


# -- the deadline -----------------------------------------------------------------------

@pytest.mark.parametrize(("took_part", "deadline"), [
    (date(2026, 11, 2), date(2026, 11, 23)),   # three weeks, a Monday
    (date(2026, 12, 3), date(2026, 12, 28)),   # julafton, juldagen, annandag jul, Sunday → Monday 28th
    (date(2026, 12, 10), date(2027, 1, 4)),    # nyårsafton, nyårsdagen, the weekend → Monday 4 January
    (date(2026, 12, 15), date(2027, 1, 5)),    # across the new year, a Tuesday
    (date(2026, 12, 16), date(2027, 1, 7)),    # trettondedag jul → the next day
    (date(2026, 12, 19), date(2027, 1, 11)),   # a Saturday → Monday
])
def test_three_weeks_moved_past_weekends_and_holidays(took_part, deadline):
    assert appeals.appeal_deadline(took_part) == deadline


@pytest.mark.django_db
def test_an_appeal_in_time(decided, alice):
    woman, decision = decided["woman"], decided["decision"]
    _deliver(decision, woman, timezone.localdate(), alice)
    client = resident_client(woman)
    response = client.post(reverse("eservice_appeal_new", kwargs={"decision_id": decision.pk}), {"text": TEXT})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.person, appeal.decision, appeal.text, appeal.status) == (woman, decision, TEXT, "received")
    assert appeal.counted_from == timezone.localdate() and appeal.counted_from_basis == "delivered"
    assert appeal.deadline == appeals.appeal_deadline(timezone.localdate()) and appeal.in_time
    page = client.get(response["Location"]).content.decode()
    assert "Kommunen prövar ditt överklagande" in page and "hyran har höjts" in page
    assert AccessLogEntry.objects.filter(object_type="appeal", action="create", person_id=woman.pk).exists()
    assert AppealEvent.objects.filter(appeal=appeal, status="received", by_person=woman).exists()


@pytest.mark.django_db
def test_the_deadline_counts_from_the_decision_date_when_delivery_is_not_recorded(decided):
    appeal = appeals.appeal_submit(person=decided["woman"], decision_id=decided["decision"].pk, text=TEXT)
    assert appeal.counted_from_basis == "decided"
    assert appeal.counted_from == timezone.localdate(decided["decision"].decided_at)


@pytest.mark.django_db
def test_a_late_appeal_is_received_and_flagged(decided, alice, client):
    woman, decision = decided["woman"], decided["decision"]
    later = timezone.now() + timedelta(days=40)
    appeal = appeals.appeal_submit(person=woman, decision_id=decision.pk, text=TEXT, now=later)
    assert appeal.status == "received" and not appeal.in_time
    client.login(username=alice.username, password=PASSWORD)
    worklist = client.get(reverse("worklist")).content.decode()
    assert "inkom för sent" in worklist
    page = client.get(reverse("appeal_detail", kwargs={"case_id": decided["case"].pk, "appeal_id": appeal.pk}))
    assert "Inkom för sent" in page.content.decode()
    # a late appeal may be dismissed (FL 45 §), with reasons
    response = client.post(page.request["PATH_INFO"], {"action": "dismissed", "note": ""})
    assert response.status_code == 400 and "Skriv skälen" in response.content.decode()
    client.post(page.request["PATH_INFO"], {"action": "dismissed", "note": "Kom in efter sex veckor."})
    appeal.refresh_from_db()
    assert appeal.status == "dismissed" and appeal.handled_by == alice


@pytest.mark.django_db
def test_the_deadline_in_december_runs_into_the_new_year(decided, alice):
    woman, decision = decided["woman"], decided["decision"]
    _deliver(decision, woman, date(2026, 12, 10), alice)
    in_time = appeals.appeal_submit(person=woman, decision_id=decision.pk, text=TEXT,
                                    now=timezone.make_aware(datetime(2027, 1, 4, 23, 30)))
    assert in_time.deadline == date(2027, 1, 4) and in_time.in_time
    appeals.appeal_withdraw(person=woman, appeal_id=in_time.pk)
    late = appeals.appeal_submit(person=woman, decision_id=decision.pk, text=TEXT,
                                 now=timezone.make_aware(datetime(2027, 1, 5, 0, 10)))
    assert late.deadline == date(2027, 1, 4) and not late.in_time


@pytest.mark.django_db
def test_the_appeal_is_in_the_case_workers_work_list_with_its_deadline(decided, alice, client):
    woman = decided["woman"]
    appeal = appeals.appeal_submit(person=woman, decision_id=decided["decision"].pk, text=TEXT)
    client.login(username=alice.username, password=PASSWORD)
    html = client.get(reverse("worklist")).content.decode()
    section = html[html.index('id="wl-appeals"'):html.index("</section>", html.index('id="wl-appeals"'))]
    assert "Sara Lind" in section and f"sista dag {appeal.deadline:%Y-%m-%d}" in section
    assert reverse("appeal_detail", kwargs={"case_id": decided["case"].pk, "appeal_id": appeal.pk}) in section


@pytest.mark.django_db
def test_not_changed_it_is_forwarded_to_the_court_with_the_date(decided, alice, client, files,
                                                                 django_capture_on_commit_callbacks):
    woman = decided["woman"]
    ResidentContact.objects.create(person=woman, mobile="0701234567", notify_by_sms=True)
    appeal = appeals.appeal_submit(person=woman, decision_id=decided["decision"].pk, text=TEXT)
    url = reverse("appeal_detail", kwargs={"case_id": decided["case"].pk, "appeal_id": appeal.pk})
    client.login(username=alice.username, password=PASSWORD)
    page = client.get(url).content.decode()
    assert "hyran har höjts" in page
    bad = client.post(url, {"action": "forwarded", "forwarded_on": "2099-01-01"})
    assert bad.status_code == 400 and "framtiden" in bad.content.decode()
    assert client.post(url, {"action": "forwarded", "forwarded_on": "inte ett datum"}).status_code == 400
    assert client.post(url, {"action": "forwarded", "forwarded_on": "2026-02-30"}).status_code == 400
    assert client.post(url, {"action": "nonsense"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "forwarded", "forwarded_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "forwarded" and appeal.forwarded_on == timezone.localdate()
    assert Notification.objects.filter(person=woman, kind="appeal").exists()
    assert client.get(reverse("worklist")).content.decode().count("överklagande från Sara") == 0
    her_page = resident_client(woman).get(reverse("eservice_appeal", kwargs={"appeal_id": appeal.pk}))
    assert "förvaltningsrätten" in her_page.content.decode()


@pytest.mark.django_db
def test_changed_opens_the_change_decision_flow(decided, alice, client):
    appeal = appeals.appeal_submit(person=decided["woman"], decision_id=decided["decision"].pk, text=TEXT)
    client.login(username=alice.username, password=PASSWORD)
    url = reverse("appeal_detail", kwargs={"case_id": decided["case"].pk, "appeal_id": appeal.pk})
    response = client.post(url, {"action": "changed", "note": "Hyran godtas."})
    assert response.status_code == 302
    assert response["Location"] == reverse("application_detail", kwargs={
        "case_id": decided["case"].pk, "application_id": decided["application"].pk})
    appeal.refresh_from_db()
    decided["application"].refresh_from_db()
    assert appeal.status == "reconsidered_changed" and decided["application"].status == Application.Status.CHANGING


@pytest.mark.django_db
def test_a_second_handling_is_refused_after_reading_again(decided, alice, bob):
    appeal = appeals.appeal_submit(person=decided["woman"], decision_id=decided["decision"].pk, text=TEXT)
    appeals.appeal_handle(acting_user=alice, appeal_id=appeal.pk, outcome="forwarded",
                          forwarded_on=timezone.localdate())
    with pytest.raises(ValidationError, match="redan handlagt"):
        appeals.appeal_handle(acting_user=bob, appeal_id=appeal.pk, outcome="changed")
    appeal.refresh_from_db()
    assert appeal.status == "forwarded" and appeal.handled_by == alice
    assert list(appeal.events.values_list("status", flat=True)) == ["received", "forwarded"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks in threads: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_case_workers_at_once_get_one_handling(unit_a, alice, bob, tmp_path, settings):
    from tests.cases.factories import couple_case

    settings.LIKA_NOTIFICATION_SENDER = "lika.eservice.notify.FileSender"
    settings.LIKA_NOTIFICATION_DIR = tmp_path
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    _application, decision = decide(case, woman, man, alice)
    appeal = appeals.appeal_submit(person=woman, decision_id=decision.pk, text=TEXT)
    results = threads.race(
        lambda: appeals.appeal_handle(acting_user=alice, appeal_id=appeal.pk, outcome="forwarded",
                                      forwarded_on=timezone.localdate()),
        lambda: appeals.appeal_handle(acting_user=bob, appeal_id=appeal.pk, outcome="changed"),
        expected=(ValidationError,))
    assert sum(isinstance(r, Appeal) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert AppealEvent.objects.filter(appeal=appeal).exclude(status="received").count() == 1


@pytest.mark.django_db
def test_the_other_adult_sees_nothing_of_the_appeal(decided):
    woman, man, decision = decided["woman"], decided["man"], decided["decision"]
    appeal = appeals.appeal_submit(person=woman, decision_id=decision.pk, text=TEXT)
    his = resident_client(man)
    assert his.get(reverse("eservice_appeal", kwargs={"appeal_id": appeal.pk})).status_code == 404
    for url in (reverse("eservice_home"), reverse("eservice_applications"),
                reverse("eservice_decision", kwargs={"decision_id": decision.pk}),
                reverse("eservice_appeal_new", kwargs={"decision_id": decision.pk})):
        html = his.get(url).content.decode()
        assert "hyran har höjts" not in html and "Ditt överklagande från" not in html, url
        assert "Kommunen prövar" not in html, url
    # he may appeal himself: the right is each adult's own
    his_appeal = appeals.appeal_submit(person=man, decision_id=decision.pk, text="Jag överklagar också.")
    assert his_appeal.person == man
    assert his.post(reverse("eservice_appeal", kwargs={"appeal_id": appeal.pk}),
                    {"action": "withdraw"}).status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == "received"


@pytest.mark.django_db
def test_bad_input_is_a_swedish_message_and_nothing_is_written(decided):
    client = resident_client(decided["woman"])
    url = reverse("eservice_appeal_new", kwargs={"decision_id": decided["decision"].pk})
    response = client.post(url, {"text": "   "})
    assert response.status_code == 400 and "Skriv vad du vill ändra" in response.content.decode()
    response = client.post(url, {"text": "x" * 10_001})
    assert response.status_code == 400 and "för lång" in response.content.decode()
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_one_open_appeal_per_adult_and_decision_and_she_may_withdraw_it(decided):
    woman, decision = decided["woman"], decided["decision"]
    appeal = appeals.appeal_submit(person=woman, decision_id=decision.pk, text=TEXT)
    with pytest.raises(ValidationError, match="redan överklagat"):
        appeals.appeal_submit(person=woman, decision_id=decision.pk, text="Igen")
    client = resident_client(woman)
    url = reverse("eservice_appeal_new", kwargs={"decision_id": decision.pk})
    assert client.post(url, {"text": "Igen"}).status_code == 400
    assert client.post(reverse("eservice_appeal", kwargs={"appeal_id": appeal.pk}),
                       {"action": "withdraw"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "withdrawn"
    assert appeals.appeal_submit(person=woman, decision_id=decision.pk, text="Nytt").status == "received"


@pytest.mark.django_db
def test_an_appeal_is_never_overwritten(decided):
    appeal = appeals.appeal_submit(person=decided["woman"], decision_id=decided["decision"].pk, text=TEXT)
    appeal.text = "Något annat"
    with pytest.raises(ImmutableError):
        appeal.save()
    with pytest.raises(ImmutableError):
        appeal.save(update_fields=["text"])
    event = appeal.events.get()
    with pytest.raises(ImmutableError):
        event.save()


@pytest.mark.django_db
def test_the_case_worker_of_another_unit_cannot_handle_it(decided, charlie):
    appeal = appeals.appeal_submit(person=decided["woman"], decision_id=decided["decision"].pk, text=TEXT)
    with pytest.raises(ValidationError):
        appeals.appeal_handle(acting_user=charlie, appeal_id=appeal.pk, outcome="forwarded",
                              forwarded_on=timezone.localdate())


@pytest.mark.django_db
def test_record_delivery_then_appeal_counts_from_delivery(decided, alice):
    woman, decision = decided["woman"], decided["decision"]
    recipient = DecisionRecipient.objects.get(decision=decision, person=woman)
    recipient_record_delivery(acting_user=alice, recipient=recipient, channel="post",
                              delivered_on=timezone.localdate())
    appeal = appeals.appeal_submit(person=woman, decision_id=decision.pk, text=TEXT)
    assert appeal.counted_from_basis == "delivered"
