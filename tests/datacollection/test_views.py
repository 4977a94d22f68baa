"""The pages: the fetch page and the comparison on the application page, the other unit's
404, and the explicit choices posted from the application page."""

from datetime import date

import pytest
from django.urls import reverse

from lika.audit.models import AccessLogEntry
from lika.cases import services as cases
from lika.datacollection.models import CollectedBenefit, CollectedBenefitReview, CollectionRequest
from tests.cases.factories import couple_case

MONTH = date(2026, 12, 1)
SIMULATED = ["lika.datacollection.simulated.ALL_SOURCES"]


@pytest.fixture
def applied(unit_a, alice, settings):
    settings.LIKA_BENEFIT_SOURCES = SIMULATED
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    application = cases.application_create(acting_user=alice, case=case, month=MONTH, applicant=woman)
    url = reverse("collection", kwargs={"case_id": case.pk, "application_id": application.pk})
    page = reverse("application_detail", kwargs={"case_id": case.pk, "application_id": application.pk})
    return application, url, page


def test_the_other_unit_gets_404_and_nothing_is_asked(client, charlie, applied):
    application, url, page = applied
    client.force_login(charlie)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "fetch", "purpose": "Nyfiken"}).status_code == 404
    assert client.get(page).status_code == 404
    assert not CollectionRequest.objects.exists()


def test_fetch_then_the_application_page_shows_it_beside_the_incomes(client, alice, applied):
    application, url, page = applied
    client.force_login(alice)
    form = client.get(url)
    assert form.status_code == 200 and "Försäkringskassan" in form.content.decode()
    response = client.post(url, {"action": "fetch", "purpose": "Utredning av ansökan"})
    assert response.status_code == 302 and response.url == page + "#h-collection"
    request = CollectionRequest.objects.get()
    assert AccessLogEntry.objects.filter(object_type="datacollection", object_id=str(request.pk)).count() == 2
    html = client.get(page).content.decode()
    assert "Digitalt hämtade uppgifter" in html and "Senast hämtat" in html
    for benefit in CollectedBenefit.objects.all():
        assert f'name="benefit" value="{benefit.pk}"' in html
    history = client.get(url).content.decode()
    assert "Utredning av ansökan" in history


def test_a_fetch_without_purpose_is_a_form_error(client, alice, applied):
    _application, url, _page = applied
    client.force_login(alice)
    response = client.post(url, {"action": "fetch", "purpose": ""})
    assert response.status_code == 400 and "Ange syftet med inhämtningen." in response.content.decode()
    assert not CollectionRequest.objects.exists()


def test_use_and_decline_from_the_application_page(client, alice, applied, settings):
    application, url, page = applied
    settings.LIKA_BENEFIT_SOURCES = ["tests.datacollection.test_services.Fixed"]  # one row per adult
    client.force_login(alice)
    client.post(url, {"action": "fetch", "purpose": "Utredning"})
    first, second = CollectedBenefit.objects.order_by("id")
    assert client.post(url, {"action": "use", "benefit": first.pk}).status_code == 302
    assert application.incomes.filter(type=first.income_type, amount=first.amount, person=first.person).exists()
    response = client.post(url, {"action": "decline", "benefit": second.pk, "reason": ""}, follow=True)
    assert "Skriv varför uppgiften inte används." in response.content.decode()
    client.post(url, {"action": "decline", "benefit": second.pk, "reason": "Gäller förra månaden"})
    assert CollectedBenefitReview.objects.get(benefit=second).reason == "Gäller förra månaden"
    assert client.post(url, {"action": "use", "benefit": "x"}).status_code == 404


def test_the_page_says_when_no_source_is_connected(client, alice, applied, settings):
    _application, url, _page = applied
    settings.LIKA_BENEFIT_SOURCES = []
    client.force_login(alice)
    assert "Ingen källa för digital inhämtning är ansluten" in client.get(url).content.decode()


def test_the_access_log_names_the_query_in_swedish():
    from lika.audit.selectors import object_label

    assert object_label("datacollection") == "Digital inhämtning"
