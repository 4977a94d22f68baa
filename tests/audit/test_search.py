"""Searching the access log: who may, what an enhetschef sees, and that the search is logged."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.audit.selectors import access_log_search, changes_of
from lika.audit.services import READ, UPDATE, access_log_write
from lika.households.models import HouseholdMembership
from tests.cases.factories import couple_case, single_case

pytestmark = pytest.mark.django_db

URL = reverse("access_log")


FIELDS = ("identity_number", "username", "action", "date_from", "date_to")


def search(client, page=None, **params):
    """Submit the form as a browser does: every field posted, empty unless given, and the
    redirect to the results followed (with ``page``: to that page of them)."""
    response = client.post(URL, {**dict.fromkeys(FIELDS, ""), **params})
    if response.status_code != 302:
        return response
    assert response["Location"].startswith(f"{URL}?s="), response["Location"]
    return client.get(response["Location"] + (f"&page={page}" if page else ""))


def shown(response):
    return [row.entry for row in response.context["rows"] or []]


def read_case(user, case, what="Visade ärendet"):
    return access_log_write(actor=user, action=READ, object_type="case", object_id=case.pk,
                            household_id=case.household_id, summary=what)


def read_person(user, case, person, what="Visade personen"):
    return access_log_write(actor=user, action=READ, object_type="person", object_id=person.pk,
                            person_id=person.pk, household_id=case.household_id, summary=what)


@pytest.fixture
def case_a(unit_a, alice):
    """Sara and Johan Lind's case in unit A, and alice's reads of it."""
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    return case, woman, man


@pytest.fixture
def case_b(unit_b, charlie):
    case, adult = single_case(unit_b, case_worker=charlie)
    read_case(charlie, case, "Visade ärendet i Söder")
    read_person(charlie, case, adult, "Visade personen i Söder")
    return case, adult


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"


@pytest.mark.parametrize(("persona", "status"), [
    ("alice", 403), ("charlie", 403), ("stina", 403), ("petra", 403), ("bob", 200), ("admin_user", 200),
])
def test_role_matrix(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == status
    assert search(client, identity_number="").status_code == status


def test_the_empty_form_shows_no_results_and_logs_nothing(client, bob):
    client.force_login(bob)
    response = client.get(URL)
    assert response.context["page"] is None
    assert "Träffar" not in response.content.decode()
    assert not AccessLogEntry.objects.filter(object_type="access_log").exists()


def test_a_managers_person_search_lists_the_case_read_by_the_case_worker(client, bob, alice, case_a):
    case, woman, _man = case_a
    entry = read_case(alice, case, "Öppnade ärendet")
    client.force_login(bob)
    response = search(client, identity_number=woman.formatted_identity_number)
    assert response.status_code == 200
    assert shown(response) == [entry]
    text = response.content.decode()
    assert "Öppnade ärendet" in text and "Alice Andersson" in text and case.reference in text
    assert "Läsning" in text


@pytest.mark.parametrize("written", ["{n}", "{n8}-{n4}", "{n6}-{n4}", "{n6}{n4}"])
def test_the_number_may_be_written_with_ten_or_twelve_digits(client, bob, alice, case_a, written):
    case, woman, _man = case_a
    entry = read_case(alice, case)
    n = woman.identity_number
    text = written.format(n=n, n8=n[:8], n6=n[2:8], n4=n[8:])
    client.force_login(bob)
    assert shown(search(client, identity_number=text)) == [entry]


def test_a_person_search_lists_household_entries_and_the_persons_own_entries(
        client, bob, alice, case_a, unit_a):
    case, woman, man = case_a
    household_read = read_case(alice, case)
    woman_read = read_person(alice, case, woman)
    man_read = read_person(alice, case, man)
    # An entry about the woman alone, with no household (e.g. a search for her).
    own = access_log_write(actor=alice, action=READ, object_type="person", object_id=woman.pk,
                           person_id=woman.pk)
    # Another household's case in the same unit: not about her.
    other_case, _adult = single_case(unit_a)
    other = read_case(alice, other_case)
    client.force_login(bob)
    entries = shown(search(client, identity_number=woman.identity_number))
    assert entries == [own, man_read, woman_read, household_read]  # newest first
    assert other not in entries


def test_a_household_the_person_has_left_is_still_searched(client, bob, alice, case_a, unit_a):
    case, woman, _man = case_a
    old_read = read_case(alice, case)
    HouseholdMembership.objects.filter(person=woman).update(valid_to=timezone.localdate())
    client.force_login(bob)
    assert shown(search(client, identity_number=woman.identity_number)) == [old_read]


def test_a_manager_does_not_see_another_units_entries(client, bob, alice, case_a, case_b):
    case, _woman, _man = case_a
    ours = read_case(alice, case)
    client.force_login(bob)
    entries = shown(search(client))
    assert ours in entries
    assert not [e for e in entries if "Söder" in e.summary]
    assert "Söder" not in search(client).content.decode()


def test_a_manager_searching_for_a_person_of_another_unit_gets_nothing(client, bob, case_b):
    _case, adult = case_b
    client.force_login(bob)
    response = search(client, identity_number=adult.identity_number)
    assert response.status_code == 200
    assert shown(response) == []
    assert "Inga loggposter matchar sökningen." in response.content.decode()


def test_an_unknown_number_gives_the_same_empty_result(client, bob, case_a):
    client.force_login(bob)
    response = search(client, identity_number="19900101-0017")
    assert response.status_code == 200 and shown(response) == []


def test_a_manager_sees_what_the_units_users_did_but_not_other_units_users(client, bob, alice, charlie):
    login_a = access_log_write(actor=alice, action="login", object_type="user", object_id=alice.pk)
    login_b = access_log_write(actor=charlie, action="login", object_type="user", object_id=charlie.pk)
    client.force_login(bob)
    entries = shown(search(client, action="login"))
    assert login_a in entries and login_b not in entries


def test_an_administrator_sees_every_unit(client, admin_user, alice, case_a, case_b):
    case, woman, _man = case_a
    ours = read_case(alice, case)
    _case_b, adult = case_b
    client.force_login(admin_user)
    assert shown(search(client, identity_number=woman.identity_number)) == [ours]
    entries = shown(search(client, identity_number=adult.identity_number))
    assert [e.summary for e in entries] == ["Visade personen i Söder", "Visade ärendet i Söder"]


def test_filter_by_user_action_and_dates(client, bob, alice, case_a):
    case, _woman, _man = case_a
    today = timezone.localdate()
    read = read_case(alice, case)
    by_bob = read_case(bob, case)
    update = access_log_write(actor=alice, action=UPDATE, object_type="case", object_id=case.pk,
                              household_id=case.household_id, old={"status": "open"},
                              new={"status": "closed"})
    client.force_login(bob)
    assert shown(search(client, username="ALICE")) == [update, read]
    assert shown(search(client, username="alice", action="read")) == [read]
    assert by_bob in shown(search(client, action="read"))
    assert shown(search(client, username="alice", date_from=today.isoformat(),
                        date_to=today.isoformat())) == [update, read]
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert shown(search(client, username="alice", date_from=tomorrow)) == []
    yesterday = (today - timedelta(days=1)).isoformat()
    assert shown(search(client, username="alice", date_to=yesterday)) == []


def test_a_date_range_backwards_is_refused_in_swedish(client, bob):
    client.force_login(bob)
    response = search(client, date_from="2026-03-01", date_to="2026-02-01")
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "Slutdatumet kan inte vara före startdatumet." in response.content.decode()
    assert not AccessLogEntry.objects.filter(object_type="access_log").exists()


@pytest.mark.parametrize("text", ["19900412-1235", "123", "abcdefghij", "20991231-0000", "19900412+-1234"])
def test_an_invalid_personnummer_gives_a_swedish_error_not_a_traceback(client, bob, text):
    client.force_login(bob)
    response = search(client, identity_number=text)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Personnumret är inte giltigt" in body
    assert "Traceback" not in body
    assert response.context["page"] is None
    assert 'aria-invalid="true"' in body


def test_the_search_itself_is_logged(client, bob, alice, case_a):
    case, woman, _man = case_a
    read_case(alice, case)
    client.force_login(bob)
    search(client, identity_number=woman.identity_number, action="read")
    row = AccessLogEntry.objects.get(object_type="access_log")
    assert (row.actor, row.action, row.person_id) == (bob, READ, woman.pk)
    assert woman.formatted_identity_number in row.summary and "händelse read" in row.summary
    search(client, username="alice")
    row = AccessLogEntry.objects.filter(object_type="access_log").latest("id")
    assert row.person_id is None and "användare alice" in row.summary


def test_results_are_paginated_fifty_a_page(client, bob, alice, case_a):
    case, woman, _man = case_a
    for i in range(51):
        read_case(alice, case, f"läsning {i}")
    client.force_login(bob)
    # Only alice's entries: bob's own searches for her are logged about her too.
    first = search(client, identity_number=woman.identity_number, username="alice")
    assert len(shown(first)) == 50
    assert shown(first)[0].summary == "läsning 50"
    assert "Sida 1 av 2" in first.content.decode()
    second = search(client, identity_number=woman.identity_number, username="alice", page=2)
    assert [e.summary for e in shown(second)] == ["läsning 0"]
    token = first.wsgi_request.GET["s"]
    assert f'href="?s={token}&amp;page=2"' in first.content.decode()
    assert woman.identity_number not in first.wsgi_request.get_full_path()


def test_the_query_count_does_not_grow_with_the_rows(client, bob, alice, case_a, django_assert_num_queries):
    case, woman, man = case_a
    client.force_login(bob)

    def write_some(n):
        for _ in range(n):
            read_case(alice, case)
            read_person(bob, case, man)
            access_log_write(actor=alice, action=UPDATE, object_type="person", object_id=woman.pk,
                             person_id=woman.pk, old={"phone": ""}, new={"phone": "070-1"})

    write_some(1)
    search(client, identity_number=woman.identity_number)  # the session's first request writes its expiry
    with CaptureQueriesContext(connection) as few:
        search(client, identity_number=woman.identity_number)
    write_some(15)
    with django_assert_num_queries(len(few)):
        response = search(client, identity_number=woman.identity_number)
    assert len(shown(response)) == 16 * 3 + 2  # and bob's first two searches for her


def test_old_and_new_values_are_shown_as_text_not_python(client, bob, alice, case_a):
    case, woman, _man = case_a
    access_log_write(actor=alice, action=UPDATE, object_type="person", object_id=woman.pk,
                     person_id=woman.pk, household_id=case.household_id,
                     old={"phone": "", "protected_identity": False, "address": {"city": "Lika"}},
                     new={"phone": "070-123", "protected_identity": True, "address": {"city": "Lika"}})
    client.force_login(bob)
    body = search(client, identity_number=woman.identity_number).content.decode()
    assert "<details>" in body
    assert "070-123" in body and "protected_identity" in body
    assert "{" not in body.split("<main")[1] and "True" not in body and "None" not in body


def test_changes_list_only_what_changed_and_flatten_nesting():
    assert changes_of(None, None) == []
    created = changes_of(None, {"code": "norr", "tags": ["a", "b"], "on": True})
    assert [(c.field, c.old, c.new) for c in created] == [
        ("code", "—", "norr"), ("tags", "—", "a, b"), ("on", "—", "ja")]
    updated = changes_of({"adults": {"single": "1000", "cohabiting": "1800"}, "items": [{"x": 1}]},
                         {"adults": {"single": "1100", "cohabiting": "1800"}, "items": [{"x": 2}]})
    assert [(c.field, c.old, c.new) for c in updated] == [
        ("adults.single", "1000", "1100"), ("items[1].x", "1", "2")]
    assert [(c.field, c.new) for c in changes_of(None, 5)] == [("värde", "5")]


def test_the_selector_refuses_users_who_may_not_search(alice, case_a):
    case, woman, _man = case_a
    read_case(alice, case)
    assert list(access_log_search(user=alice)) == []
    assert list(access_log_search(user=alice, identity_number=woman.identity_number)) == []
