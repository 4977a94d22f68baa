"""The e-service's frame: support first, one person per session, protected identity routed,
the quick exit ends the session, staff and residents never share a session."""

import pytest
from django.test import Client
from django.urls import reverse

from lika.audit.models import AccessLogEntry
from lika.eservice.session import KEY
from tests.cases.factories import couple_case
from tests.conftest import PASSWORD

from .conftest import resident_client

pytestmark = pytest.mark.django_db


def test_the_start_page_shows_violence_support_before_any_question(client):
    html = client.get(reverse("eservice_start")).content.decode()
    assert "020-50 50 50" in html
    assert html.index("Om du utsätts för våld eller hot") < html.index("Så ansöker du")
    assert "Lämna sidan snabbt" in html


@pytest.mark.parametrize("name", ["eservice_home"])
def test_pages_need_a_resident(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("eservice_login"))


def test_a_staff_session_is_no_resident_session(client, alice):
    client.login(username=alice.username, password=PASSWORD)
    response = client.get(reverse("eservice_home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("eservice_login"))


def test_the_demo_login_is_off_unless_switched_on(client, settings, couple):
    settings.LIKA_ESERVICE_DEMO_LOGIN = False
    assert client.get(reverse("eservice_demo_login")).status_code == 404
    case, woman, man, kids = couple
    assert client.post(reverse("eservice_demo_login"), {"identity_number": woman.identity_number}).status_code == 404
    assert KEY not in client.session


def test_the_demo_login_starts_a_session_for_one_person_and_ends_a_staff_session(client, settings, couple, alice):
    settings.LIKA_ESERVICE_DEMO_LOGIN = True
    case, woman, man, kids = couple
    client.login(username=alice.username, password=PASSWORD)
    response = client.post(reverse("eservice_demo_login"), {"identity_number": woman.identity_number})
    assert response.status_code == 302
    assert client.session[KEY]["pnr"] == woman.identity_number
    assert "_auth_user_id" not in client.session  # the staff login is gone
    assert client.get(reverse("worklist")).status_code == 302  # and with it the staff pages
    home = client.get(reverse("eservice_home"))
    assert home.status_code == 200 and "Sara Lind" in home.content.decode()
    assert AccessLogEntry.objects.filter(action="login", object_type="resident", person_id=woman.pk).exists()


def test_a_bad_personnummer_in_the_demo_login_is_a_swedish_error(client, settings):
    settings.LIKA_ESERVICE_DEMO_LOGIN = True
    response = client.post(reverse("eservice_demo_login"), {"identity_number": "19900101-0000"})
    assert response.status_code == 400
    assert "Ange ett giltigt personnummer" in response.content.decode()
    assert KEY not in client.session


def test_a_staff_login_ends_a_resident_session(couple, alice):
    case, woman, man, kids = couple
    client = resident_client(woman)
    assert client.get(reverse("eservice_home")).status_code == 200
    client.login(username=alice.username, password=PASSWORD)
    assert KEY not in client.session


def test_the_quick_exit_ends_the_session(couple):
    case, woman, man, kids = couple
    client = resident_client(woman)
    assert client.post(reverse("eservice_quick_exit")).status_code == 204
    assert client.get(reverse("eservice_home")).status_code == 302


def test_a_person_with_protected_identity_is_routed_to_contact_the_unit(unit_a, alice):
    case, woman, man, kids = couple_case(unit_a, protected_woman=True, case_worker=alice)
    unit_a.phone = "0123-45 67 89"
    unit_a.save()
    client = resident_client(woman)
    response = client.get(reverse("eservice_home"))
    assert response.status_code == 302 and response["Location"] == reverse("eservice_protected")
    page = client.get(reverse("eservice_protected")).content.decode()
    assert "0123-45 67 89" in page
    assert case.reference not in page


def test_logout_ends_the_session(couple):
    case, woman, man, kids = couple
    client = resident_client(woman)
    client.post(reverse("eservice_logout"))
    assert client.get(reverse("eservice_home")).status_code == 302


def test_an_anonymous_client_cannot_fake_a_session():
    client = Client()
    client.cookies["sessionid"] = "x" * 32
    assert client.get(reverse("eservice_home")).status_code == 302


@pytest.mark.parametrize("target", ["/e-tjanst/../logga-in/", "/e-tjanst/%2e%2e/admin/", "//evil.example/",
                                    "/e-tjanst/\\evil", "https://evil.example/e-tjanst/"])
def test_the_demo_login_sends_nowhere_outside_the_e_service(client, settings, couple, target):
    settings.LIKA_ESERVICE_DEMO_LOGIN = True
    case, woman, man, kids = couple
    response = client.post(reverse("eservice_demo_login"), {"identity_number": woman.identity_number,
                                                           "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("eservice_home")
