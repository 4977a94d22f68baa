"""Issue 17: an appeal received on paper is registered on the decision page as the same
``Appeal`` the e-service makes (deadline counted the same way, compared with the day the
paper came in), and the case worker's omprövning is the same flow: "changed" opens the
ändringsbeslut (decision_change_start), "forwarded" records the day it went to court."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.cases.models import Application, DecisionRecipient
from lika.eservice import appeals
from lika.eservice.models import Appeal, AppealEvent
from tests.conftest import PASSWORD

from .decided import decide

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TEXT = "Jag vill ha bistånd till hela hyran."


@pytest.fixture
def decided(couple, alice, files):
    case, woman, man, _kids = couple
    application, decision = decide(case, woman, man, alice)
    return {"case": case, "woman": woman, "man": man, "application": application, "decision": decision}


def _delivered(decision, person, day, user):
    DecisionRecipient.objects.filter(decision=decision, person=person).update(
        channel="post", delivered_on=day, delivery_recorded_by=user)


PAPER = [
    # (delivered days ago, received days ago, text, who, error field, in time)
    (5, 0, TEXT, "woman", None, True),
    (40, 0, TEXT, "man", None, False),  # more than three weeks: received, marked late
    (21, 0, TEXT, "man", None, None),  # the last day (or the weekday after it): in time
    (5, 1, TEXT, "woman", "received_on", None),  # before the decision was made (today)
    (5, 0, "", "woman", "text", None),
    (5, -1, TEXT, "woman", "received_on", None),  # in the future
    (5, 0, TEXT, "stranger", "person", None),
]


@pytest.mark.parametrize(("delivered", "received", "text", "who", "error", "in_time"), PAPER)
def test_a_paper_appeal_is_registered_with_its_deadline(decided, alice, delivered, received, text, who, error,
                                                        in_time):
    decision = decided["decision"]
    for adult in ("woman", "man"):
        _delivered(decision, decided[adult], TODAY - timedelta(days=delivered), alice)
    person_id = decided[who].pk if who in decided else 999_999  # not one of the recipients
    call = dict(acting_user=alice, decision_id=decision.pk, person_id=person_id,
                received_on=TODAY - timedelta(days=received), text=text)
    if error:
        with pytest.raises(ValidationError) as exc:
            appeals.appeal_register_paper(**call)
        assert error in exc.value.message_dict
        assert not Appeal.objects.exists()
        return
    appeal = appeals.appeal_register_paper(**call)
    deadline = appeals.appeal_deadline(TODAY - timedelta(days=delivered))
    assert appeal.in_time is (in_time if in_time is not None else TODAY <= deadline)
    assert appeal.deadline == appeals.appeal_deadline(TODAY - timedelta(days=delivered))
    assert timezone.localdate(appeal.submitted_at) == TODAY - timedelta(days=received)
    event = AppealEvent.objects.get(appeal=appeal)
    assert event.by_user == alice and event.by_person is None and appeals.PAPER_NOTE in event.note
    row = AccessLogEntry.objects.get(object_type="appeal", action="create")
    assert row.actor == alice and row.person_id == person_id
    with pytest.raises(ValidationError, match="redan ett överklagande"):
        appeals.appeal_register_paper(**call)


def test_the_omprovning_of_a_paper_appeal_is_the_same_flow(decided, alice):
    decision, application = decided["decision"], decided["application"]
    appeal = appeals.appeal_register_paper(acting_user=alice, decision_id=decision.pk,
                                           person_id=decided["woman"].pk, received_on=TODAY, text=TEXT)
    appeals.appeal_handle(acting_user=alice, appeal_id=appeal.pk, outcome="changed", note="Hyran ändras")
    application.refresh_from_db()
    assert application.status == Application.Status.CHANGING  # the ändringsbeslut is open
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.Status.RECONSIDERED_CHANGED


def test_another_unit_cannot_register_an_appeal(decided, charlie):
    with pytest.raises(ValidationError) as exc:
        appeals.appeal_register_paper(acting_user=charlie, decision_id=decided["decision"].pk,
                                      person_id=decided["woman"].pk, received_on=TODAY, text=TEXT)
    assert "person" in exc.value.message_dict
    assert not Appeal.objects.exists()


def test_the_decision_page_registers_it_and_links_to_the_omprovning(client, decided, alice, charlie):
    case, decision = decided["case"], decided["decision"]
    url = reverse("decision_detail", args=[case.pk, decision.pk])
    client.login(username="charlie", password=PASSWORD)
    assert client.post(url, {"action": "appeal", "appeal-person": decided["woman"].pk,
                             "appeal-received_on": TODAY.isoformat(), "appeal-text": TEXT}).status_code == 404
    client.login(username="alice", password=PASSWORD)
    page = client.get(url).content.decode()
    assert "Ändra beslutet (ändringsbeslut)" in page and "Registrera ett överklagande som kommit in på papper" in page
    response = client.post(url, {"action": "appeal", "appeal-person": decided["woman"].pk,
                                 "appeal-received_on": TODAY.isoformat(), "appeal-text": ""})
    assert response.status_code == 200 and 'id="id_appeal-text_error"' in response.content.decode()
    response = client.post(url, {"action": "appeal", "appeal-person": decided["woman"].pk,
                                 "appeal-received_on": TODAY.isoformat(), "appeal-text": TEXT})
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appeal_detail", args=[case.pk, appeal.pk])
    assert "Ompröva" in client.get(url).content.decode()
    assert client.get(response["Location"]).status_code == 200
