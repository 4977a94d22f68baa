"""Messages with the case worker and the private channel (issue 16).

The private channel's promise is tested the strong way: every e-service page the other
adult can reach is rendered before and after one adult writes privately, asks for an
individual meeting and gets a private answer, and the pages are the same (CSRF tokens
aside); no notification file is addressed to her; no letter and no log row carries it."""

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.cases.models import Case
from lika.eservice.models import ResidentContact
from lika.eservice.models_messages import BODY_MAX, Message, MessageRead
from lika.eservice.selectors_messages import unread_counts, worklist_messages
from lika.eservice.services_messages import message_write, message_write_staff
from lika.households.models import Household, HouseholdMembership
from tests.cases.factories import PROTECTED_ADDRESS, couple_case, person, single_case
from tests.conftest import PASSWORD

from .conftest import resident_client

pytestmark = pytest.mark.django_db

SECRET = "Han tar mina pengar och jag vill prata ensam"
ANSWER = "Vi ses på tisdag klockan tio, kom ensam"
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')


def eservice_url_names():
    """(name, pattern) of every e-service page in the URLconf (also pages other parts add)."""
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield p.name, prefix + str(p.pattern)
    return [(name, pattern) for name, pattern in walk(get_resolver().url_patterns)
            if pattern.startswith("e-tjanst/")]


def pages_of(client, ids):
    """Every e-service page the client can reach with a GET: {name: normalised html}.
    Pages needing an id not in ``ids`` are skipped; redirects are followed."""
    out = {}
    for name, pattern in eservice_url_names():
        wanted = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
        if any(w not in ids for w in wanted):
            continue
        response = client.get(reverse(name, kwargs={w: ids[w] for w in wanted}), follow=True)
        assert response.status_code < 500, name
        text = response.content.decode(errors="replace")
        out[name] = (response.status_code, CSRF.sub(r'\1"', text))
    return out


def _contact(person, email):
    ResidentContact.objects.create(person=person, email=email, notify_by_email=True)


def _notifications(folder: Path):
    if not folder.exists():
        return []
    return [json.loads(f.read_text(encoding="utf-8")) for f in sorted(folder.iterdir())]


def test_a_household_message_is_the_same_insight_for_both(couple, alice, files):
    case, woman, man, _kids = couple
    _contact(woman, "sara@example.se")
    _contact(man, "johan@example.se")
    sara, johan = resident_client(woman), resident_client(man)
    response = sara.post(reverse("eservice_messages"), {"body": "Vi har fått en ny hyresavi."})
    assert response.status_code == 302
    assert "Vi har fått en ny hyresavi." in johan.get(reverse("eservice_messages")).content.decode()
    assert "Vi har fått en ny hyresavi." in sara.get(reverse("eservice_messages")).content.decode()
    sent = _notifications(files / "notifications")
    assert [n["to"] for n in sent] == ["johan@example.se"]  # the partner, not the writer
    assert "hyresavi" not in json.dumps(sent, ensure_ascii=False)  # never the content
    # the case worker answers the household: both are told
    message_write_staff(acting_user=alice, case=case, body="Tack, jag har tagit emot den.")
    assert sorted(n["to"] for n in _notifications(files / "notifications")) == [
        "johan@example.se", "johan@example.se", "sara@example.se"]
    assert unread_counts(woman, case) == {"household": 1, "private": 0}
    home = sara.get(reverse("eservice_home")).content.decode()
    assert "1 oläst" in home
    sara.get(reverse("eservice_messages"))
    assert unread_counts(woman, case) == {"household": 0, "private": 0}
    assert unread_counts(man, case) == {"household": 1, "private": 0}  # read markers are per reader


def test_nothing_of_the_private_channel_reaches_the_other_adult(couple, alice, files):
    case, woman, man, _kids = couple
    _contact(woman, "sara@example.se")
    _contact(man, "johan@example.se")
    household = message_write(person=man, body="Hej, här är hushållets fråga.")
    message_write_staff(acting_user=alice, case=case, body="Hushållets svar.")
    johan = resident_client(man)
    ids = {"message_id": household.pk}
    pages_of(johan, ids)  # his first visit marks the household's messages read
    before = pages_of(johan, ids)
    assert set(before) >= {"eservice_home", "eservice_messages", "eservice_messages_private",
                           "eservice_message_detail"}
    notified_before = _notifications(files / "notifications")

    mark = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    sara = resident_client(woman)
    assert sara.post(reverse("eservice_messages_private"), {"action": "message", "body": SECRET}).status_code == 302
    assert sara.post(reverse("eservice_messages_private"), {"action": "meeting", "body": ""}).status_code == 302
    private = Message.objects.get(body=SECRET)
    assert (private.visibility, private.private_to) == ("private", woman)
    request = Message.objects.get(kind="meeting_request")
    assert request.private_to == woman
    staff = Client()
    staff.login(username=alice.username, password=PASSWORD)
    assert staff.post(reverse("case_messages", args=[case.pk]), {"body": ANSWER, "reply_to": private.pk}).status_code == 302
    answer = Message.objects.get(body=ANSWER)
    assert (answer.visibility, answer.private_to) == ("private", woman)
    # the private channel's log rows are on her alone, never on the household
    rows = AccessLogEntry.objects.filter(id__gt=mark, object_type="message")
    assert rows.count() == 3 and not rows.filter(household_id__isnull=False).exists()
    assert set(rows.values_list("person_id", flat=True)) == {woman.pk}

    # she sees all of it, on her private page, with her own unread count
    mine = sara.get(reverse("eservice_home")).content.decode()
    assert "1 oläst" in mine
    page = sara.get(reverse("eservice_messages_private")).content.decode()
    assert SECRET in page and ANSWER in page
    assert sara.get(reverse("eservice_message_detail", args=[answer.pk])).status_code == 200

    # he sees nothing: every e-service page he can reach is as it was
    after = pages_of(johan, ids)
    assert after == before
    for message in (private, request, answer):
        response = johan.get(reverse("eservice_message_detail", args=[message.pk]))
        assert response.status_code == 404
        assert SECRET not in response.content.decode() and ANSWER not in response.content.decode()
        assert johan.post(reverse("eservice_message_detail", args=[message.pk]), {"body": "x"}).status_code == 404
    assert unread_counts(man, case) == {"household": 0, "private": 0}
    # no notification to him: only her answer's, to her, without its words
    sent = _notifications(files / "notifications")
    new = sent[len(notified_before):]
    assert [n["to"] for n in new] == ["sara@example.se"]
    assert all(SECRET not in json.dumps(n, ensure_ascii=False) and ANSWER not in json.dumps(n, ensure_ascii=False)
               for n in sent)
    # no log row names him or carries the words
    assert not AccessLogEntry.objects.filter(object_type="message", person_id=man.pk,
                                             object_id__in=[str(private.pk), str(request.pk), str(answer.pk)]).exists()
    assert not any(SECRET in (e.summary or "") or ANSWER in (e.summary or "") for e in AccessLogEntry.objects.all())


def test_letters_never_read_messages(couple, alice):
    """A decision letter is made from the decision alone: it cannot mention a message."""
    source = Path(decisions.__file__).with_name("letters.py").read_text(encoding="utf-8")
    assert "eservice" not in source and "Message" not in source
    case, woman, man, _kids = couple
    message_write(person=woman, body=SECRET, private=True)
    application = services.application_create(acting_user=alice, case=case, month=date(2026, 12, 1), applicant=woman)
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700000)],
                                      obstacles={woman.pk: "unemployed", man.pk: "unemployed"})
    services.calculation_make(acting_user=alice, application=application)
    rows = len(decisions.need_lines(application.calculations.get()))
    decision = decisions.decision_make(acting_user=alice, application=application,
                                       lines=[LineDecision("granted")] * rows, acknowledge_provisional=True)
    for recipient in decision.recipients.all():
        assert SECRET not in recipient.letter_html
        assert "privat" not in recipient.letter_html.lower()


def test_messages_are_never_edited_or_deleted(couple, alice):
    case, woman, man, _kids = couple
    message = message_write(person=woman, body="Första versionen")
    read = MessageRead.objects.get(message=message)
    for queryset in (Message.objects.filter(pk=message.pk), MessageRead.objects.filter(pk=read.pk)):
        with pytest.raises(IntegrityError), transaction.atomic():
            queryset.update(read_at=None) if queryset.model is MessageRead else queryset.update(body="Ändrad")
        with pytest.raises(IntegrityError), transaction.atomic():
            queryset.delete()
    message.refresh_from_db()
    assert message.body == "Första versionen"


def test_the_database_refuses_a_private_message_to_the_partner(couple):
    case, woman, man, _kids = couple
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(case=case, author_person=woman, visibility="private", private_to=man, body="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(case=case, author_person=woman, visibility="household", kind="meeting_request",
                               body="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(case=case, author_person=woman, visibility="household", body="x" * (BODY_MAX + 1))


def test_a_resident_of_another_household_cannot_read_or_post_to_the_case(couple, unit_b):
    case, woman, man, _kids = couple
    household = message_write(person=woman, body="Hushållets sak")
    _case_b, stranger = single_case(unit_b)
    client = resident_client(stranger)
    count = Message.objects.count()
    assert client.get(reverse("eservice_message_detail", args=[household.pk])).status_code == 404
    assert client.post(reverse("eservice_message_detail", args=[household.pk]), {"body": "in"}).status_code == 404
    assert "Hushållets sak" not in client.get(reverse("eservice_messages")).content.decode()
    # a case id in the form is not listened to: her message lands in her own case
    client.post(reverse("eservice_messages"), {"body": "Min egen", "case": case.pk, "case_id": case.pk})
    assert Message.objects.count() == count + 1
    assert Message.objects.get(body="Min egen").case_id == _case_b.pk


@pytest.mark.parametrize("name", ["eservice_messages", "eservice_messages_private"])
@pytest.mark.parametrize("body, error", [
    ("x" * 50_000, "högst 5 000 tecken"),
    ("Hej\x00då", "otillåtet tecken (NUL)"),
    ("   ", "Skriv ett meddelande."),
])
def test_hostile_input_is_a_swedish_400_and_nothing_is_written(couple, name, body, error):
    case, woman, man, _kids = couple
    response = resident_client(woman).post(reverse(name), {"action": "message", "body": body})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Message.objects.exists()


def test_html_is_stored_as_text_and_shown_escaped(couple, alice):
    case, woman, man, _kids = couple
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert resident_client(woman).post(reverse("eservice_messages"), {"body": hostile}).status_code == 302
    for html in (resident_client(man).get(reverse("eservice_messages")).content.decode(),):
        assert hostile not in html and "&lt;script&gt;" in html
    staff = Client()
    staff.login(username=alice.username, password=PASSWORD)
    html = staff.get(reverse("case_messages", args=[case.pk])).content.decode()
    assert hostile not in html and "&lt;script&gt;" in html
    for body in ("x" * 50_000, "a\x00b"):
        response = staff.post(reverse("case_messages", args=[case.pk]), {"body": body})
        assert response.status_code == 400
    for bad in ("abc", "9" * 40, "-1", "1\x00"):
        response = staff.post(reverse("case_messages", args=[case.pk]), {"body": "svar", "reply_to": bad})
        assert response.status_code == 400 and "finns inte i ärendet" in response.content.decode()
    huge = 2 ** 63
    assert resident_client(woman).get(f"/e-tjanst/meddelanden/{huge}/").status_code == 404
    assert resident_client(woman).post(f"/e-tjanst/meddelanden/{huge}/", {"body": "x"}).status_code == 404
    assert Message.objects.count() == 1


def test_the_staff_page_marks_private_and_the_work_list_shows_unread_and_meeting_requests(couple, alice, charlie):
    case, woman, man, _kids = couple
    message_write(person=man, body="Hushållsfråga")
    message_write(person=woman, body="", meeting_request=True)
    unread, requests = worklist_messages(alice, [case.pk])
    assert unread == [(case, 2)] and [r.author_person for r in requests] == [woman]
    staff = Client()
    staff.login(username=alice.username, password=PASSWORD)
    worklist = staff.get(reverse("worklist")).content.decode()
    assert "2 olästa meddelanden" in worklist and "bad om ett eget möte" in worklist
    page = staff.get(reverse("case_messages", args=[case.pk])).content.decode()
    assert "Privat – visas inte för den andra vuxna" in page
    assert "Jag vill ha ett eget möte med min handläggare." in page
    assert AccessLogEntry.objects.filter(actor=alice, object_type="case", object_id=str(case.pk),
                                         summary="Läst meddelanden från e-tjänsten").exists()
    unread, requests = worklist_messages(alice, [case.pk])
    assert unread == [] and len(requests) == 1  # read, but still open until answered
    request = requests[0]
    staff.post(reverse("case_messages", args=[case.pk]), {"body": "Passar torsdag?", "reply_to": request.pk})
    assert worklist_messages(alice, [case.pk])[1] == []
    reply = Message.objects.get(body="Passar torsdag?")
    assert reply.private_to == woman
    assert "Passar torsdag?" not in resident_client(man).get(reverse("eservice_messages")).content.decode()
    # another unit's case worker does not find the case
    other = Client()
    other.login(username=charlie.username, password=PASSWORD)
    assert other.get(reverse("case_messages", args=[case.pk])).status_code == 404
    assert other.post(reverse("case_messages", args=[case.pk]), {"body": "x"}).status_code == 404


def test_an_individual_meeting_closes_the_request(couple, alice):
    from lika.plans import services as plans

    case, woman, man, _kids = couple
    message_write(person=woman, body="", meeting_request=True)
    plans.meeting_create(acting_user=alice, case=case, kind="joint", held_on=date.today(),
                         participants=[woman, man], notes="")
    assert len(worklist_messages(alice, [case.pk])[1]) == 1  # a joint meeting is not hers alone
    plans.meeting_create(acting_user=alice, case=case, kind="individual", held_on=date.today(),
                         participants=[woman], notes="", screening_answer="not_asked")
    assert worklist_messages(alice, [case.pk])[1] == []


def test_a_new_partner_does_not_read_the_earlier_conversation(couple):
    case, woman, man, _kids = couple
    Message.objects.create(case=case, author_person=man, visibility="household", body="Det gamla parets sak",
                           created_at=timezone.now() - timedelta(days=2))
    HouseholdMembership.objects.filter(person=woman).update(valid_to=date(2026, 2, 1))
    newcomer = person("Nora", "Ny", date(1992, 5, 5), "F")
    HouseholdMembership.objects.create(household=case.household, person=newcomer, role="adult",
                                       valid_from=date.today())
    page = resident_client(newcomer).get(reverse("eservice_messages")).content.decode()
    assert "Det gamla parets sak" not in page
    assert unread_counts(newcomer, case) == {"household": 0, "private": 0}
    # and the woman who left no longer reads the household's case at all
    assert "Det gamla parets sak" not in resident_client(woman).get(reverse("eservice_messages")).content.decode()


def test_a_protected_partner_leaves_no_trace_of_her_address_unit_or_new_case(unit_a, unit_b, alice, charlie):
    """She has protected identity, has left and has a case of her own in another unit:
    his pages show nothing of her address, her new case or its unit."""
    case, woman, man, _kids = couple_case(unit_a, protected_woman=True, case_worker=alice)
    message_write_staff(acting_user=alice, case=case, body="Till hushållet")
    HouseholdMembership.objects.filter(person=woman).update(valid_to=date(2026, 3, 1))
    unit_b.phone = "0555-12 34 56"
    unit_b.save()
    household_b = Household.objects.create(unit=unit_b, reference="T-SKYDD")
    HouseholdMembership.objects.create(household=household_b, person=woman, role="adult", valid_from=date(2026, 3, 2))
    case_b = Case.objects.create(reference="Ä-SKYDD-1", unit=unit_b, household=household_b, case_worker=charlie,
                                 opened_on=date(2026, 3, 2))
    johan = resident_client(man)
    ids = {"message_id": Message.objects.get().pk}
    for name, (_status, html) in pages_of(johan, ids).items():
        for trace in (PROTECTED_ADDRESS, unit_b.name, "0555-12 34 56", case_b.reference, household_b.reference):
            assert trace not in html, (name, trace)
    # her own session is routed to contact the unit
    sara = resident_client(woman)
    for name in ("eservice_messages", "eservice_messages_private"):
        response = sara.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse("eservice_protected")
        assert sara.post(reverse(name), {"body": "x"}).status_code == 302
    assert not Message.objects.filter(author_person=woman).exists()


def test_a_resident_unknown_to_lika_has_no_messages_and_cannot_write(db):
    from lika.eservice.session import KEY
    from lika.identity.personnummer import FEMALE, generate_fictional

    client = Client()
    session = client.session
    session[KEY] = {"pnr": generate_fictional(date(1995, 1, 1), FEMALE, 99_001), "given": "Ny", "family": "Sökande",
                    "method": "oidc", "at": 0}
    session.save()
    client.cookies["sessionid"] = session.session_key
    for name in ("eservice_messages", "eservice_messages_private"):
        response = client.get(reverse(name))
        assert response.status_code == 200 and "Du har inget pågående ärende" in response.content.decode()
        assert client.post(reverse(name), {"body": "Hej"}).status_code == 404
    assert client.get(reverse("eservice_home")).status_code == 200
    assert not Message.objects.exists()


def test_a_private_answer_is_not_announced_to_a_shared_inbox(couple, alice, files):
    case, woman, man, _kids = couple
    _contact(woman, "familjen@example.se")
    _contact(man, "Familjen@example.se")
    private = message_write(person=woman, body=SECRET, private=True)
    message_write_staff(acting_user=alice, case=case, body=ANSWER, reply_to_id=private.pk)
    assert _notifications(files / "notifications") == []
    message_write_staff(acting_user=alice, case=case, body="Till hushållet")
    assert len(_notifications(files / "notifications")) == 2  # the household's message: both, as usual
