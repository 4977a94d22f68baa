"""The handling pages: the work list and its filters (query count), the officer's forms
with their Swedish refusals, the association's page, withdrawal with confirmation, and the
letter for the officer and for her own association only."""

import pytest
from django.urls import reverse

from lika.audit.models import AccessLogEntry
from lika.grants import handling
from lika.grants.models import (
    GrantApplication,
    GrantDecision,
    GrantGiver,
    Programme,
    ProgrammeBudget,
)
from tests.conftest import _user
from tests.grants.test_handling import apply, world  # noqa: F401  (fixture)


@pytest.fixture
def applications(world):  # noqa: F811
    club, other, programme, user, officer = world
    giver = GrantGiver.objects.create(name="Kommunstyrelsen")
    other_programme = Programme.objects.create(giver=giver, kind=Programme.Kind.OPERATING, name="Verksamhetsbidrag")
    ProgrammeBudget.objects.create(programme=other_programme, year=2026, amount=1_000_000)
    made = {
        "project": apply(club, programme, user, 400_000),
        "operating": apply(other, other_programme, user, 300_000),
        "old": apply(club, programme, user, 100_000, year=2025),
    }
    GrantApplication.objects.filter(pk=made["old"].pk).update(status=GrantApplication.Status.WITHDRAWN)
    return world, made


@pytest.mark.parametrize("query, expected", [
    ({}, {"project", "operating", "old"}),
    ({"status": "submitted"}, {"project", "operating"}),
    ({"status": "withdrawn"}, {"old"}),
    ({"year": "2025"}, {"old"}),
    ({"giver": "giver:Kommunstyrelsen"}, {"operating"}),
    ({"programme": "programme:Projektbidrag"}, {"project", "old"}),
    ({"year": "inte ett år"}, {"project", "operating", "old"}),  # a bad filter is ignored, not a 500
])
def test_work_list_filters(client, applications, query, expected, django_assert_max_num_queries):
    (_club, _other, _programme, _user, officer), made = applications
    query = dict(query)
    for key in ("giver", "programme"):
        if key in query:
            model = GrantGiver if key == "giver" else Programme
            query[key] = model.objects.get(name=query[key].split(":", 1)[1]).pk
    client.force_login(officer)
    with django_assert_max_num_queries(12):  # one query for the rows, whatever their number
        page = client.get(reverse("grants_worklist"), query)
    assert page.status_code == 200
    shown = {name for name, a in made.items() if reverse("grants_handle", args=[a.pk]) in page.content.decode()}
    assert shown == expected


def test_officer_page_shows_budget_and_decides_with_reasons(client, applications):
    (_club, _other, _programme, _user, officer), made = applications
    application = made["project"]
    url = reverse("grants_handle", args=[application.pk])
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert "10\u00a0000,00\u00a0kr" in page and "bankgiro ****1055" in page and "Tjejläger" in page
    assert AccessLogEntry.objects.filter(actor=officer, action="read", object_id=str(application.pk)).count() == 1
    refused = client.post(url, {"action": "decide", "decide-outcome": "partly", "decide-amount": "2 500",
                                "decide-reasons": ""})
    assert refused.status_code == 200 and "Skäl krävs" in refused.content.decode()
    bad = client.post(url, {"action": "decide", "decide-outcome": "partly", "decide-amount": "tvåtusen",
                            "decide-reasons": "Skäl"})
    assert bad.status_code == 200 and not GrantDecision.objects.exists()
    client.post(url, {"action": "assess", "assess-text": "Bra verksamhet för flickor."})
    done = client.post(url, {"action": "decide", "decide-outcome": "partly", "decide-amount": "2 500,50",
                             "decide-reasons": "Budgeten räcker inte."})
    assert done.status_code == 302
    decision = GrantDecision.objects.get()
    assert (decision.amount, decision.assessment) == (250_050, "Bra verksamhet för flickor.")
    again = client.get(url).content.decode()
    assert "Fatta beslut" not in again and "Ladda ner beslutsbrevet (PDF)" in again


def test_association_sees_withdraws_with_confirmation_and_downloads_only_her_letter(client, applications):
    (club, _other, _programme, user, officer), made = applications
    mine, theirs = made["project"], made["operating"]
    handling.decision_make(acting_user=officer, application_id=theirs.pk, outcome="granted")
    client.force_login(user)
    url = reverse("grants_own_application", args=[club.pk, mine.pk])
    assert "Återta ansökan" in client.get(url).content.decode()
    client.post(url, {"action": "withdraw"})  # no confirmation: nothing happens
    mine.refresh_from_db()
    assert mine.status == GrantApplication.Status.SUBMITTED
    assert client.post(url, {"action": "withdraw", "confirm": "on"}).status_code == 302
    mine.refresh_from_db()
    assert mine.status == GrantApplication.Status.WITHDRAWN
    assert client.get(reverse("grants_own_application", args=[club.pk, theirs.pk])).status_code == 404
    assert client.get(reverse("grants_decision_letter", args=[theirs.pk])).status_code == 404
    client.force_login(officer)
    letter = client.get(reverse("grants_decision_letter", args=[theirs.pk]))
    assert letter["Content-Type"] == "application/pdf" and letter.content.startswith(b"%PDF")
    client.force_login(_user("soc", "case_worker", None, "S", "S"))
    assert client.get(reverse("grants_decision_letter", args=[theirs.pk])).status_code == 403


def test_association_page_lists_the_decision(client, applications):
    (club, _other, _programme, user, officer), made = applications
    handling.decision_make(acting_user=officer, application_id=made["project"].pk, outcome="refused",
                           reasons="Utanför syftet.")
    client.force_login(user)
    page = client.get(reverse("grants_association", args=[club.pk])).content.decode()
    assert "Avslås: 0,00\u00a0kr" in page
    own = client.get(reverse("grants_own_application", args=[club.pk, made["project"].pk])).content.decode()
    assert "Utanför syftet." in own and "Återta ansökan" not in own
