"""Views: who may see what, and what bad input looks like (browser flows are in tests/e2e)."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PAGES = ["home", "calculate", "norm_list", "norm_new"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_users_are_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "name", "status"),
    [
        ("alice", "calculate", 200), ("bob", "calculate", 200), ("admin_user", "calculate", 200),
        ("stina", "calculate", 403), ("petra", "calculate", 403),
        ("alice", "norm_list", 200), ("stina", "norm_list", 200), ("petra", "norm_list", 200),
        ("alice", "norm_new", 403), ("bob", "norm_new", 403), ("admin_user", "norm_new", 200),
    ],
)
def test_role_matrix(client, request, persona, name, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == status


def test_norm_detail_of_a_missing_year_is_404(client, alice):
    client.force_login(alice)
    assert client.get(reverse("norm_detail", args=[1999])).status_code == 404
    assert client.get(reverse("norm_detail", args=[2021])).status_code == 200


@pytest.mark.argon2
def test_login_with_argon2(client, alice):
    from lika.accounts.models import User

    assert User.objects.get(pk=alice.pk).password.startswith("argon2")
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_calculator_shows_the_result(client, alice):
    client.force_login(alice)
    response = client.post(reverse("calculate"), {
        "month": "2021-05", "adult1_birth_date": "1985-02-03", "adult2_birth_date": "1987-07-12",
        "cohabiting": "on", "child1_birth_date": "2017-01-10", "child2_birth_date": "2013-03-01",
        "child1_lunch_at_home": "on", "child2_lunch_at_home": "on",  # checked from the start (issue 17)
        "payment_mode": "equal",
    })
    text = response.content.decode()
    assert response.status_code == 200
    assert "5\u00a0700,00\u00a0kr" in text and "1\u00a0610,00\u00a0kr" in text
    assert response.context["result"]["support"].ore == (5700 + 2440 + 3060 + 1610) * 100


def test_calculator_error_keeps_the_input(client, alice):
    client.force_login(alice)
    response = client.post(reverse("calculate"), {"month": "2016-01", "adult1_birth_date": "1985-02-03",
                                                  "cost_housing": "6500", "payment_mode": "equal"})
    text = response.content.decode()
    assert "ingen normtabell för 2016" in text
    assert 'value="6500"' in text
    assert response.context["result"] is None


def test_health_check(client):
    assert client.get(reverse("health")).json() == {"status": "ok"}


def test_calculator_errors_name_members_as_the_form_does(client, alice):
    client.force_login(alice)
    response = client.post(reverse("calculate"), {
        "month": "2021-05", "adult1_birth_date": "1985-02-03", "child2_birth_date": "2021-06-01",
        "payment_mode": "equal"})
    form = response.context["form"]
    assert form.errors["child2_birth_date"] == ["Barn 2 är inte född 2021-05"]
    assert "medlem" not in response.content.decode()


def test_calculator_month_error_is_shown_at_the_month_field(client, alice):
    client.force_login(alice)
    response = client.post(reverse("calculate"), {"month": "2016-01", "adult1_birth_date": "1985-02-03",
                                                  "payment_mode": "equal"})
    assert response.context["form"].errors["month"] == ["Det finns ingen normtabell för 2016"]


def test_refusal_and_missing_pages_are_swedish_pages_of_the_site(client, stina):
    client.force_login(stina)
    refused = client.get(reverse("calculate"))
    assert refused.status_code == 403
    assert "Du har inte behörighet" in refused.content.decode()
    missing = client.get(reverse("norm_detail", args=[1999]))
    assert missing.status_code == 404
    assert "Sidan finns inte" in missing.content.decode()


def test_the_english_locale_translates_the_interface(client, alice):
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "en"})
    text = client.get(reverse("calculate")).content.decode()
    assert 'lang="en"' in text
    assert "Trial calculation of income support" in text and "Provberäkning av" not in text


def test_swedish_is_the_default_whatever_the_browser_asks_for(client, alice):
    client.force_login(alice)
    text = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="sv"' in text and "Översikt" in text


def test_violence_support_is_public_and_names_kvinnofridslinjen(client):
    page = client.get(reverse("violence_support")).content.decode()
    assert "020-50 50 50" in page and "Lämna sidan snabbt" in page
    login = client.get(reverse("login")).content.decode()
    assert reverse("violence_support") in login, "linked from every page, also before login"


def test_the_header_names_the_municipality_from_the_database_once(client, alice, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.LIKA_MUNICIPALITY_NAME = ""
    client.force_login(alice)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("home")).content.decode()
    assert '<span class="muni">Exempelby kommun</span>' in html and "– Lika – Exempelby kommun</title>" in html
    assert sum('FROM "accounts_municipality"' in q["sql"] for q in queries.captured_queries) == 1
    client.logout()
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("login")).content.decode()
    assert "Exempelby kommun" not in html  # not before login
    assert not any('FROM "accounts_municipality"' in q["sql"] for q in queries.captured_queries)
    settings.LIKA_MUNICIPALITY_NAME = "Lika kommun"
    client.force_login(alice)
    assert '<span class="muni">Lika kommun</span>' in client.get(reverse("home")).content.decode()
