"""Issue 17, item 5: the case worker starts on "Mina ärenden", and the case list has search,
sorting, filters and pages (lika/cases/case_list.py).

The free text is posted and kept behind a token (it can hold a personnummer); filters,
sorting and the page are GET parameters beside it.  Only the user's unit's cases are
searched; a person with skyddad identitet is found only through the household she is in
now.  A page runs a fixed number of queries whatever its size."""

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.cases import case_list
from lika.cases.models import Application, Case, DecisionRecipient
from lika.households.models import Household, HouseholdMembership
from lika.identity.personnummer import MALE
from tests.cases.factories import couple_case, single_case
from tests.conftest import PASSWORD, _user
from tests.plans.test_services import issue_decision

pytestmark = pytest.mark.django_db


def _refs(response):
    return [c.reference for c in response.context["cases"]]


def _search(client, q, **filters):
    """Post the search form; the page it redirects to."""
    response = client.post(reverse("case_list"), {"q": q, **filters})
    assert response.status_code == 302
    return response["Location"], client.get(response["Location"])


# --- the start page ---------------------------------------------------------------------------

@pytest.mark.parametrize(("persona", "start"), [("alice", "/mina-arenden/"), ("bob", "/mina-arenden/"),
                                                ("petra", "/"), ("admin_user", "/"), ("stina", "/")])
def test_the_login_lands_a_case_worker_and_an_enhetschef_on_mina_arenden(client, persona, start, request):
    user = request.getfixturevalue(persona)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == start


def test_a_next_address_still_wins_and_the_overview_is_still_there(client, alice):
    response = client.post(reverse("login") + "?next=/arenden/", {"username": "alice", "password": PASSWORD})
    assert response["Location"] == "/arenden/"
    assert "Välkommen, Alice" in client.get(reverse("home")).content.decode()


def test_a_case_worker_without_a_unit_keeps_the_overview(client, municipality):
    _user("nils", "case_worker", None, "Nils", "Nordin")
    response = client.post(reverse("login"), {"username": "nils", "password": PASSWORD})
    assert response["Location"] == "/"


# --- search -------------------------------------------------------------------------------------

@pytest.fixture
def cases(unit_a, unit_b, alice, bob):
    lind, sara, johan, _kids = couple_case(unit_a, case_worker=alice)
    holm, eva = single_case(unit_a, case_worker=bob)
    nobody, erik = single_case(unit_a, gender=MALE)
    other, *_rest = couple_case(unit_b, reference="T-SODER")
    return {"lind": lind, "sara": sara, "johan": johan, "holm": holm, "eva": eva, "nobody": nobody,
            "erik": erik, "other": other}


def test_search_by_case_number_name_and_personnummer_only_in_the_unit(client, alice, cases):
    client.force_login(alice)
    assert _refs(_search(client, cases["lind"].reference)[1]) == [cases["lind"].reference]
    assert _refs(_search(client, "sara lind")[1]) == [cases["lind"].reference], "words of one person"
    assert _refs(_search(client, "Sara Holm")[1]) == [], "not first name of one and last of another"
    location, found = _search(client, cases["eva"].identity_number)
    assert _refs(found) == [cases["holm"].reference]
    assert cases["eva"].identity_number not in location
    assert _refs(_search(client, cases["eva"].identity_number.replace("-", ""))[1]) == [cases["holm"].reference]
    # unit B's couple has the same names: not found from unit A
    assert cases["other"].reference not in _refs(_search(client, "Lind")[1])
    other_man = cases["other"].household.memberships.filter(role="adult").first().person
    assert _refs(_search(client, other_man.identity_number)[1]) == []


def test_a_protected_person_is_found_only_through_her_present_household(client, alice, unit_a, unit_b, cases):
    """Sara (skyddad identitet) leaves Johan's household in unit A for a case in unit B."""
    sara = cases["sara"]
    sara.protected_identity = True
    sara.save()
    client.force_login(alice)
    assert _refs(_search(client, sara.identity_number)[1]) == [cases["lind"].reference], "her unit finds her"
    HouseholdMembership.objects.filter(person=sara).update(valid_to=date(2026, 3, 31))
    household = Household.objects.create(unit=unit_b, reference="T-NY")
    HouseholdMembership.objects.create(household=household, person=sara, role="adult", valid_from=date(2026, 4, 1))
    Case.objects.create(reference="Ä-T-NY", unit=unit_b, household=household)
    nobody_has = "19991231-9999"
    for term in (sara.identity_number, "Sara"):
        location, found = _search(client, term)
        assert _refs(found) == [], f"{term}: the household she left does not come up under her"
        page = found.content.decode()
        assert "Ä-T-NY" not in page and "Söder" not in page
    # the same answer as for a number nobody has
    blank = _search(client, nobody_has)[1]
    assert blank.context["page"].paginator.count == found.context["page"].paginator.count == 0
    # Johan is still found, and an unprotected person who moved out is found through history
    assert _refs(_search(client, "Johan")[1]) == [cases["lind"].reference]
    HouseholdMembership.objects.filter(person=cases["eva"]).update(valid_to=date(2026, 3, 31))
    assert _refs(_search(client, cases["eva"].identity_number)[1]) == [cases["holm"].reference]


def test_the_number_never_goes_in_the_address_and_the_filters_do(client, alice, cases):
    client.force_login(alice)
    response = client.post(reverse("case_list"), {"q": cases["sara"].identity_number, "status": "all",
                                                  "handlaggare": "mine", "att_gora": "", "sortering": "arende"})
    location = response["Location"]
    assert cases["sara"].identity_number not in location
    query = parse_qs(urlsplit(location).query)
    assert set(query) == {"s", "status", "handlaggare", "sortering"}
    assert query["status"] == ["all"] and query["handlaggare"] == ["mine"]
    # without search text: no token, only the filters
    response = client.post(reverse("case_list"), {"q": " ", "status": "closed"})
    assert response["Location"] == "/arenden/?status=closed"
    # a number in the address is not searched
    assert len(_refs(client.get(reverse("case_list"), {"q": cases["sara"].identity_number}))) == 3


# --- filters ----------------------------------------------------------------------------------

def test_filter_by_case_worker_mine_unassigned_and_status(client, alice, bob, cases):
    client.force_login(alice)
    url = reverse("case_list")
    assert _refs(client.get(url, {"handlaggare": "mine"})) == [cases["lind"].reference]
    assert _refs(client.get(url, {"handlaggare": "none"})) == [cases["nobody"].reference]
    assert _refs(client.get(url, {"handlaggare": str(bob.pk)})) == [cases["holm"].reference]
    Case.objects.filter(pk=cases["holm"].pk).update(status="closed", closed_on=date(2026, 6, 30))
    assert set(_refs(client.get(url))) == {cases["lind"].reference, cases["nobody"].reference}
    assert _refs(client.get(url, {"status": "closed"})) == [cases["holm"].reference]
    assert len(_refs(client.get(url, {"status": "all"}))) == 3
    # the old "Bara mina ärenden" box still works in a post
    location = client.post(url, {"q": "", "mine": "1"})["Location"]
    assert location == "/arenden/?handlaggare=mine"


def test_filter_by_what_is_to_be_done(client, alice, cases, settings):
    client.force_login(alice)
    url = reverse("case_list")
    decision = issue_decision(cases["lind"], alice, on=timezone.localdate() - timedelta(days=60))
    DecisionRecipient.objects.create(decision=decision, person=cases["sara"])  # not yet sent to her
    Application.objects.create(case=cases["holm"], month=date(2026, 12, 1), applicant=cases["eva"],
                               created_by=alice, status=Application.Status.CALCULATED)
    assert _refs(client.get(url, {"att_gora": "berakna"})) == [cases["lind"].reference]
    assert _refs(client.get(url, {"att_gora": "besluta"})) == [cases["holm"].reference]
    assert _refs(client.get(url, {"att_gora": "skicka"})) == [cases["lind"].reference]
    planless = client.get(url, {"att_gora": "plan"})
    assert _refs(planless) == [cases["lind"].reference]
    assert "Sara saknar plan" in planless.content.decode() and "Johan saknar plan" in planless.content.decode()


def test_the_adults_column_shows_the_households_adults(client, alice, cases):
    """The bug on cdf3b63: the template read ``case.current_adults``; the data hangs on the household."""
    client.force_login(alice)
    page = client.get(reverse("case_list")).content.decode()
    row = re.search(rf'{re.escape(cases["lind"].reference)}</a></th>\s*<td>(.*?)</td>', page, re.DOTALL).group(1)
    assert "Sara Lind" in row and "Johan Lind" in row


# --- sorting ----------------------------------------------------------------------------------

def test_sorting_by_each_column_both_ways(client, alice, cases):
    client.force_login(alice)
    url = reverse("case_list")
    Case.objects.filter(pk=cases["nobody"].pk).update(opened_on=date(2025, 6, 1))
    Application.objects.create(case=cases["holm"], month=date(2026, 11, 1), applicant=cases["eva"],
                               created_by=alice)
    Application.objects.create(case=cases["lind"], month=date(2026, 12, 1), applicant=cases["sara"],
                               created_by=alice)
    refs = sorted(c.reference for c in (cases["lind"], cases["holm"], cases["nobody"]))
    assert _refs(client.get(url, {"sortering": "arende"})) == refs
    assert _refs(client.get(url, {"sortering": "-arende"})) == refs[::-1]
    assert _refs(client.get(url, {"sortering": "ansokan"})) == [cases["holm"].reference, cases["lind"].reference,
                                                                 cases["nobody"].reference], "no application last"
    assert _refs(client.get(url, {"sortering": "-ansokan"}))[:2] == [cases["lind"].reference,
                                                                      cases["holm"].reference]
    assert _refs(client.get(url, {"sortering": "aktualiserat"}))[0] == cases["nobody"].reference
    assert _refs(client.get(url))[-1] == cases["nobody"].reference, "newest first by default"
    # by name: the registerledare, else the first adult (Holm, Holm, Lind)
    by_name = _refs(client.get(url, {"sortering": "namn"}))
    assert by_name[-1] == cases["lind"].reference
    Case.objects.filter(pk=cases["holm"].pk).update(status="closed")
    assert _refs(client.get(url, {"sortering": "status", "status": "all"}))[0] == cases["holm"].reference
    assert _refs(client.get(url, {"sortering": "-status", "status": "all"}))[-1] == cases["holm"].reference


def test_the_sort_headers_say_the_order_and_keep_the_search(client, alice, cases):
    client.force_login(alice)
    location, page = _search(client, "Lind", handlaggare="mine", sortering="arende")
    text = page.content.decode()
    token = parse_qs(urlsplit(location).query)["s"][0]
    assert 'aria-sort="ascending"' in text
    header = re.search(r'aria-sort="ascending"><a href="([^"]+)"', text).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(header).query) == {"s": [token], "handlaggare": ["mine"], "sortering": ["-arende"]}


@pytest.mark.parametrize("params", [{"sortering": "password"}, {"status": "x"}, {"handlaggare": "999999"},
                                    {"att_gora": "<script>"}, {"sida": "-4"}, {"sida": "abc"}, {"s": "nope"}])
def test_unknown_values_are_the_defaults_never_an_error(client, alice, cases, params):
    client.force_login(alice)
    response = client.get(reverse("case_list"), params)
    assert response.status_code == 200 and len(_refs(response)) == 3


# --- pages --------------------------------------------------------------------------------------

def test_pages_with_a_count_and_links_that_keep_the_filters(client, alice, unit_a, monkeypatch):
    monkeypatch.setattr(case_list, "PER_PAGE", 4)
    made = [single_case(unit_a, case_worker=alice)[0] for _ in range(10)]
    client.force_login(alice)
    location, first = _search(client, "Holm", handlaggare="mine", sortering="arende")
    assert _refs(first) == sorted(c.reference for c in made)[:4]
    text = first.content.decode()
    assert "Visar 1–4 av 10 ärenden." in text and "Sida 1 av 3" in text
    assert '<nav class="pagination" aria-label="Sidor i ärendelistan">' in text
    following = reverse("case_list") + re.search(r'<a href="([^"]+)" rel="next">', text).group(1).replace(
        "&amp;", "&")
    assert parse_qs(urlsplit(following).query) == {**parse_qs(urlsplit(location).query), "sida": ["2"]}
    last = client.get(following.replace("sida=2", "sida=3"))
    assert _refs(last) == sorted(c.reference for c in made)[8:]
    assert "Visar 9–10 av 10 ärenden." in last.content.decode() and 'rel="next"' not in last.content.decode()
    assert client.get(following.replace("sida=2", "sida=99")).context["page"].number == 3
    entry = AccessLogEntry.objects.filter(object_type="case_list").order_by("id").last()
    assert "sida 3" in entry.summary and len(entry.new_values["households"]) == 2


def test_a_page_runs_a_fixed_number_of_queries_whatever_its_size(client, alice, unit_a, monkeypatch,
                                                                  django_assert_max_num_queries):
    client.force_login(alice)
    for _ in range(3):
        couple_case(unit_a, case_worker=alice)
    location, _page = _search(client, "Lind", att_gora="plan")
    pages = [location, reverse("case_list") + "?sortering=namn&handlaggare=none",
             reverse("case_list") + "?sortering=-ansokan&status=all"]
    counts = []
    for url in pages:
        with django_assert_max_num_queries(15) as few:
            client.get(url)
        counts.append(len(few.captured_queries))
    for _ in range(30):
        couple_case(unit_a, case_worker=alice)
    monkeypatch.setattr(case_list, "PER_PAGE", 25)
    for url, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            response = client.get(url)
    with django_assert_max_num_queries(counts[-1]):
        response = client.get(pages[-1] + "&sida=2")
    assert len(response.context["cases"]) == 8


def test_another_units_case_worker_sees_none_of_it(client, charlie, cases):
    client.force_login(charlie)
    assert _refs(client.get(reverse("case_list"), {"status": "all"})) == [cases["other"].reference]
    assert _refs(_search(client, cases["sara"].identity_number)[1]) == []
    assert _refs(_search(client, cases["lind"].reference)[1]) == []
