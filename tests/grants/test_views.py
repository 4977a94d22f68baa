"""The association user's pages: her own only, line errors from a bad file, preview and submit."""

import pytest
from django.urls import reverse

from lika.grants.models import Association, GrantApplication
from tests.grants.helpers import BAD, GOOD, upload
from tests.grants.test_services import setup  # noqa: F401  (fixture)


def test_other_association_is_404_and_case_pages_403(client, setup):  # noqa: F811
    club, other, _programme, user = setup
    client.force_login(user)
    assert client.get(reverse("grants_association", args=[club.pk])).status_code == 200
    assert client.get(reverse("grants_association", args=[other.pk])).status_code == 404
    assert client.get(reverse("grants_apply", args=[other.pk])).status_code == 404
    for name in ("worklist", "case_list", "norm_list", "statistics", "access_log", "payment_runs"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("home")).url == reverse("grants_home")


def test_bad_file_lists_every_line_and_saves_nothing(client, setup):  # noqa: F811
    club, _other, programme, user = setup
    client.force_login(user)
    page = client.post(reverse("grants_apply", args=[club.pk]),
                       {"action": "preview", "programme": programme.pk, "file": upload(BAD)})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Rad 3" in html and "Rad 4" in html
    assert "Skicka in ansökan" not in html
    assert GrantApplication.objects.count() == 0


@pytest.mark.parametrize("name", ["narvaro.xlsx", "narvaro.pdf"])
def test_wrong_file_type_is_refused(client, setup, name):  # noqa: F811
    club, _other, programme, user = setup
    client.force_login(user)
    page = client.post(reverse("grants_apply", args=[club.pk]),
                       {"action": "preview", "programme": programme.pk, "file": upload(GOOD, name)})
    assert "CSV-fil" in page.content.decode()


def test_preview_then_submit(client, setup):  # noqa: F811
    club, _other, programme, user = setup
    client.force_login(user)
    page = client.post(reverse("grants_apply", args=[club.pk]),
                       {"action": "preview", "programme": programme.pk, "file": upload(GOOD)})
    html = page.content.decode()
    assert "45 minuter, minst 60 krävs" in html
    assert GrantApplication.objects.count() == 0
    token = page.context["submit"]["token"].value()
    done = client.post(reverse("grants_apply", args=[club.pk]),
                       {"action": "submit", "submit-programme": programme.pk, "submit-token": token})
    assert done.status_code == 302
    assert GrantApplication.objects.get().total == 5800
    bad = client.post(reverse("grants_apply", args=[club.pk]),
                      {"action": "submit", "submit-programme": programme.pk, "submit-token": token + "x"})
    assert bad.status_code == 200 and "läs in filen igen" in bad.content.decode()
    assert GrantApplication.objects.count() == 1


def test_admin_creates_association_and_refuses_a_bad_orgnr(client, admin_user):
    client.force_login(admin_user)
    url = reverse("grants_associations")
    bad = client.post(url, {"action": "save", "orgnr": "802400-0006", "name": "IK Fel"})
    assert "Organisationsnumret är inte giltigt" in bad.content.decode()
    good = client.post(url, {"action": "save", "orgnr": "8024000013", "name": "IK Rätt", "bankgiro": "5050-1055"})
    assert good.status_code == 302
    assert list(Association.objects.values_list("orgnr", "bankgiro")) == [("802400-0013", "5050-1055")]


def test_a_programme_with_bad_rules_is_not_half_saved(client, admin_user):
    import json

    from lika.grants.models import GrantGiver, Programme
    from tests.grants.helpers import RULES

    giver = GrantGiver.objects.create(name="Kultur- och fritidsnämnden")
    client.force_login(admin_user)
    url = reverse("grants_programmes")
    data = {"action": "save", "giver": giver.pk, "kind": "activity", "name": "Aktivitetsbidrag"}
    bad = client.post(url, {**data, "rules": json.dumps({**RULES, "min_minutes": 0})})
    assert bad.status_code == 200 and "min_minutes" in bad.content.decode()
    assert Programme.objects.count() == 0
    assert client.post(url, {**data, "rules": "{inte json"}).status_code == 200
    good = client.post(url, {**data, "rules": json.dumps(RULES)})
    assert good.status_code == 302
    assert Programme.objects.get().rule_versions.count() == 1
