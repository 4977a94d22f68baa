"""The administrator's programme page: rule versions read as rates, a new version from a
date (never an edit), and the budget per year with its old figure in the access log."""

import json

import pytest
from django.db import connection  # noqa: F401 - connection: in a skipif
from django.urls import reverse

from lika.audit.models import AccessLogEntry
from lika.grants import services
from lika.grants.models import ProgrammeBudget, ProgrammeRuleVersion
from tests.grants.helpers import RULES
from tests.grants.test_services import setup  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _url(programme):
    return reverse("grants_programme", kwargs={"programme_id": programme.pk})


def test_the_page_shows_the_rates_per_band_and_gender(client, setup, admin_user):  # noqa: F811
    _club, _other, programme, _user = setup
    client.force_login(admin_user)
    page = client.get(_url(programme)).content.decode()
    assert "Gäller från 2026-01-01" in page
    # 7-12: girls 10 kr, boys 8 kr; 13-25: 6 kr for both
    assert "<th scope=\"row\">7-12</th><td>10,00\u00a0kr</td><td>8,00\u00a0kr</td>" in page
    assert "<th scope=\"row\">13-25</th><td>6,00\u00a0kr</td><td>6,00\u00a0kr</td>" in page
    # the form starts from the latest version without its dates
    draft = json.loads(services.next_version_draft(programme))
    assert draft["valid_from"] == "" and draft["occasion_rate"] == RULES["occasion_rate"]


@pytest.mark.parametrize("change, error", [
    ({"valid_from": "2025-06-01"}, "efter 2026-01-01"),
    ({"valid_from": "2027-01-01", "source": ""}, "källa"),
    ({"valid_from": "2027-01-01", "participant_rates": {"7-12": 5}}, "ska sluta på 25"),
])
def test_a_bad_version_is_refused_and_nothing_is_stored(client, setup, admin_user, change, error):  # noqa: F811
    _club, _other, programme, _user = setup
    client.force_login(admin_user)
    response = client.post(_url(programme), {"action": "rule", "rule-rules": json.dumps({**RULES, **change})})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert ProgrammeRuleVersion.objects.filter(programme=programme).count() == 1


def test_a_new_version_from_a_date(client, setup, admin_user):  # noqa: F811
    _club, _other, programme, _user = setup
    client.force_login(admin_user)
    new = {**RULES, "valid_from": "2027-01-01", "participant_rates": {"7-12": {"F": 12, "M": 8}, "13-25": 6}}
    response = client.post(_url(programme), {"action": "rule", "rule-rules": json.dumps(new)})
    assert response.status_code == 302
    versions = list(programme.rule_versions.order_by("valid_from"))
    assert [v.valid_from.isoformat() for v in versions] == ["2026-01-01", "2027-01-01"]
    assert versions[0].rules == RULES  # the old version is untouched
    core = services.core_programme(programme)
    assert core.versions[0].valid_to.isoformat() == "2026-12-31"


def test_the_budget_is_set_and_changed_with_the_old_figure_logged(client, setup, admin_user):  # noqa: F811
    _club, _other, programme, _user = setup
    client.force_login(admin_user)
    assert client.post(_url(programme), {"action": "budget", "budget-year": "2026",
                                         "budget-amount": "1 250 000,50"}).status_code == 302
    assert client.post(_url(programme), {"action": "budget", "budget-year": "2026",
                                         "budget-amount": "1 300 000"}).status_code == 302
    assert ProgrammeBudget.objects.get(programme=programme, year=2026).amount == 130_000_000
    change = AccessLogEntry.objects.filter(object_type="grants.programmebudget", action="update").get()
    assert change.old_values == {"amount": 125_000_050} and change.new_values == {"amount": 130_000_000}


def test_a_negative_budget_is_refused(client, setup, admin_user):  # noqa: F811
    _club, _other, programme, _user = setup
    client.force_login(admin_user)
    response = client.post(_url(programme), {"action": "budget", "budget-year": "2026", "budget-amount": "-5"})
    assert response.status_code == 200 and "Budgeten kunde inte sparas" in response.content.decode()
    assert not ProgrammeBudget.objects.exists()


@pytest.mark.parametrize("role, orgnr, error", [
    ("association", "", "ska höra till en förening"),
    ("association", "802400-0006", "inte giltigt"),
    ("association", "802400-0021", "finns inte i registret"),
    ("analyst", "802400-0005", "bara en föreningsanvändare"),
])
def test_create_user_refuses_an_association_login_without_its_association(setup, tmp_path, role, orgnr, error):  # noqa: F811
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from lika.accounts.models import User

    secret = tmp_path / "pw"
    secret.write_text("ett-långt-lösenord-2026")
    with pytest.raises(CommandError, match=error) as caught:
        call_command("create_user", "ny", "--role", role, "--association", orgnr, "--password-file", str(secret))
    assert caught.value.returncode == 2
    assert not User.objects.filter(username="ny").exists()


def test_create_user_makes_an_association_login(setup, tmp_path):  # noqa: F811
    from django.core.management import call_command

    from lika.accounts.models import User

    club = setup[0]
    secret = tmp_path / "pw"
    secret.write_text("ett-långt-lösenord-2026")
    call_command("create_user", "klubben", "--role", "association", "--association", "8024000005",
                 "--password-file", str(secret))
    assert User.objects.get(username="klubben").association == club


def test_the_database_refuses_an_association_user_without_association(setup):  # noqa: F811
    from django.db import IntegrityError, transaction

    user = setup[3]
    user.association = None
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a race: PostgreSQL")
def test_two_administrators_setting_a_new_years_budget_at_once(admin_user):
    """One budget row; the other administrator gets a Swedish refusal, not a server error."""
    from django.core.exceptions import ValidationError

    from lika.grants.models import GrantGiver, Programme
    from tests.conftest import _user
    from tests.threads import race

    second = _user("bertil", "administrator", None, "Bertil", "Berg")
    programme = Programme.objects.create(giver=GrantGiver.objects.create(name="Kultur- och fritidsnämnden"),
                                         kind="activity", name="Aktivitetsbidrag")

    def set_budget(user, amount):
        return lambda: services.budget_set(acting_user=user, programme=programme, year=2027, amount=amount)

    results = race(set_budget(admin_user, 100), set_budget(second, 200), expected=(ValidationError,))
    assert ProgrammeBudget.objects.filter(programme=programme, year=2027).count() == 1
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) <= 1 and all("någon annan" in str(r) for r in refused)
