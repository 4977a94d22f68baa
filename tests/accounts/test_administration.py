"""Issue 17: the administrator's pages and services: users, units and the municipality's
effective-dated settings, every change in the access log with the old and the new value."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lika.accounts import administration, services
from lika.accounts import settings as muni_settings
from lika.accounts.models import MunicipalitySetting, User
from lika.audit.models import AccessLogEntry
from lika.cases import decisions
from lika.cases import services as cases
from lika.cases.decisions import LineDecision
from lika.payments import services as payments
from lika.payments.bankdays import default_payday
from tests.cases.factories import couple_case
from tests.conftest import PASSWORD, _user


def _next_month(day):
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _last_log(object_type):
    return AccessLogEntry.objects.filter(object_type=object_type).order_by("-id").first()


# --- users ---------------------------------------------------------------------------------

def test_the_administrator_creates_a_user_with_attest_rights_and_a_one_time_password(admin_user, unit_a):
    user = services.user_create(acting_user=admin_user, username="pelle", password=None, role="payment_officer",
                                unit_code="norr", first_name="Pelle", last_name="Pengar",
                                email="pelle@example.se", phone="0123-456 78", can_attest_payments=True)
    assert user.can_attest_payments and user.email == "pelle@example.se" and not user.has_usable_password()
    assert _last_log("user").new_values["can_attest_payments"] is True
    password = administration.user_password_set(acting_user=admin_user, user_id=user.pk)
    user.refresh_from_db()
    assert user.check_password(password)
    entry = _last_log("user")
    assert password not in str(entry.old_values) + str(entry.new_values) + entry.summary, "never logged"


def test_a_change_of_role_unit_and_attest_rights_is_logged_with_old_and_new(admin_user, alice, unit_b):
    administration.user_update(acting_user=admin_user, user_id=alice.pk, role="unit_manager", unit_id=unit_b.pk,
                               can_attest_payments=True, first_name="Alice", last_name=alice.last_name)
    alice.refresh_from_db()
    assert (alice.role, alice.unit_id, alice.can_attest_payments) == ("unit_manager", unit_b.pk, True)
    entry = _last_log("user")
    assert entry.old_values["role"] == "case_worker" and entry.new_values["role"] == "unit_manager"
    assert entry.old_values["can_attest_payments"] is False and entry.new_values["can_attest_payments"] is True


@pytest.mark.parametrize("change, message", [
    ({"role": "case_worker", "unit_id": None}, "måste tillhöra en enhet"),
    ({"role": "association"}, "ska höra till en förening"),
    ({"role": "analyst", "association_orgnr": "802400-0005"}, "Bara en föreningsanvändare"),
    ({"role": "eservice"}, "Välj en roll"),
    ({"role": "analyst", "email": "inte en adress"}, "ingen giltig e-postadress"),
])
def test_a_user_change_that_breaks_a_rule_is_refused_and_nothing_changes(admin_user, alice, change, message):
    with pytest.raises(ValidationError, match=message):
        administration.user_update(acting_user=admin_user, user_id=alice.pk, **change)
    alice.refresh_from_db()
    assert alice.role == "case_worker" and alice.unit_id is not None


def test_deactivated_never_deleted_and_reactivated(admin_user, alice, client):
    administration.user_set_active(acting_user=admin_user, user_id=alice.pk, active=False)
    assert not client.login(username="alice", password=PASSWORD)
    assert User.objects.filter(pk=alice.pk).exists()
    administration.user_set_active(acting_user=admin_user, user_id=alice.pk, active=True)
    assert client.login(username="alice", password=PASSWORD)
    assert [e.new_values for e in AccessLogEntry.objects.filter(object_type="user", object_id=str(alice.pk))
            .order_by("id")][-2:] == [{"is_active": False}, {"is_active": True}]


def test_an_administrator_cannot_remove_her_own_role_or_deactivate_herself(admin_user):
    with pytest.raises(ValidationError, match="din egen administratörsroll"):
        administration.user_update(acting_user=admin_user, user_id=admin_user.pk, role="analyst")
    with pytest.raises(ValidationError, match="din egen administratörsroll"):
        administration.user_set_active(acting_user=admin_user, user_id=admin_user.pk, active=False)
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.role == "administrator"


def test_the_last_active_administrator_cannot_be_removed(admin_user, municipality):
    ben = _user("ben", "administrator", None, "Ben", "Admin")
    administration.user_set_active(acting_user=ben, user_id=admin_user.pk, active=False)
    # ada is gone: she can no longer act, and ben is the last one
    with pytest.raises(ValidationError, match="inte längre en aktiv administratör"):
        administration.user_update(acting_user=admin_user, user_id=ben.pk, role="analyst")
    system = None  # the CLI acts as nobody: still the last administrator stays
    with pytest.raises(ValidationError, match="sista aktiva administratören"):
        administration.user_set_active(acting_user=system, user_id=ben.pk, active=False)
    ben.refresh_from_db()
    assert ben.is_active and ben.role == "administrator"


# --- units ---------------------------------------------------------------------------------

def test_units_are_created_renamed_and_given_a_contact(admin_user, municipality):
    unit = services.unit_create(acting_user=admin_user, code="syd", name="Försörjningsstöd Syd",
                                municipality_code=municipality.code, phone="0123-100 00")
    administration.unit_update(acting_user=admin_user, unit_id=unit.pk, name="Ekonomiskt bistånd Syd",
                               phone="0123-100 00", email="syd@example.se")
    unit.refresh_from_db()
    assert (unit.name, unit.email) == ("Ekonomiskt bistånd Syd", "syd@example.se")
    logged = list(AccessLogEntry.objects.filter(object_type="unit", object_id=str(unit.pk)).order_by("id"))
    assert logged[1].old_values == {"name": "Försörjningsstöd Syd"}
    assert logged[2].old_values == {"email": ""} and logged[2].new_values == {"email": "syd@example.se"}


# --- the municipality's settings ---------------------------------------------------------------------

def test_a_setting_is_the_environment_default_until_a_row_overrides_it_from_its_date(admin_user, settings):
    settings.LIKA_STATISTICS_THRESHOLD = 5
    today = timezone.localdate()
    later = today + timedelta(days=10)
    administration.setting_change(acting_user=admin_user, name="statistics_threshold", value=7, valid_from=later)
    assert muni_settings.current("statistics_threshold", on=today) == 5
    assert muni_settings.current("statistics_threshold", on=later) == 7
    administration.setting_change(acting_user=admin_user, name="statistics_threshold", value=4, valid_from=later)
    assert muni_settings.current("statistics_threshold", on=later) == 4, "the later row from the same day wins"
    assert MunicipalitySetting.objects.count() == 2, "append-only: a change is a new row"
    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalitySetting.objects.filter(valid_from=later).update(value=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalitySetting.objects.all().delete()
    entry = _last_log("municipality_setting")
    assert entry.old_values == {"statistics_threshold": 7}
    assert entry.new_values == {"statistics_threshold": 4, "valid_from": later.isoformat()}


@pytest.mark.parametrize("name, value, valid_from, message", [
    ("pay_day", 29, 0, "mellan 1 och 28"),
    ("pay_day", 0, 0, "mellan 1 och 28"),
    ("delegation_limit_kronor", 0, 0, "positivt belopp"),
    ("delegation_limit_kronor", -5, 0, "positivt belopp"),
    ("statistics_threshold", 2, 0, "minst 3"),
    ("statistics_threshold", 5, -1, "har passerat"),
    ("plan_days", "trettio", 0, "mellan 1 och 365"),
])
def test_a_bad_setting_is_refused_with_a_swedish_message(admin_user, name, value, valid_from, message):
    with pytest.raises(ValidationError, match=message):
        administration.setting_change(acting_user=admin_user, name=name, value=value,
                                      valid_from=timezone.localdate() + timedelta(days=valid_from))
    assert not MunicipalitySetting.objects.exists()


def test_a_payment_run_for_a_month_after_the_change_uses_the_new_pay_day(admin_user, petra, settings):
    settings.LIKA_PAY_DAY = 25
    today = timezone.localdate()
    month_before, change_from = _next_month(today), _next_month(_next_month(today))
    # from the 10th: the pay day of the support months from the next month's first day
    administration.setting_change(acting_user=admin_user, name="pay_day", value=18,
                                  valid_from=change_from - timedelta(days=20))
    before = payments.payment_run_create(acting_user=petra, month=month_before)
    after = payments.payment_run_create(acting_user=petra, month=change_from)
    assert before.payday == default_payday(month_before, pay_day=25, today=today)
    assert after.payday == default_payday(change_from, pay_day=18, today=today)
    assert after.payday.day <= 18


def test_the_pay_day_cannot_change_for_a_month_that_has_a_run(admin_user, petra):
    today = timezone.localdate()
    month = _next_month(_next_month(today))
    payments.payment_run_create(acting_user=petra, month=month)
    with pytest.raises(ValidationError, match="redan en utbetalningskörning"):
        administration.setting_change(acting_user=admin_user, name="pay_day", value=18, valid_from=today)
    administration.setting_change(acting_user=admin_user, name="pay_day", value=18, valid_from=_next_month(month))


def _adults(case, month):
    return [m.person for m in cases.memberships_in_month(case.household_id, month) if m.role == "adult"]


def test_a_decision_above_the_new_delegation_limit_needs_the_enhetschef(admin_user, unit_a, alice, settings):
    settings.LIKA_DELEGATION_LIMIT_KRONOR = 100000
    month = date(2026, 12, 1)
    case, _woman, _man, _kids = couple_case(unit_a, case_worker=alice)

    def decide():
        application = cases.application_create(acting_user=alice, case=case, month=month,
                                               applicant=_adults(case, month)[0])
        cases.application_entries_save(acting_user=alice, application=application, incomes=[],
                                       costs=[cases.Entry("housing", 700000)],
                                       obstacles={p.pk: "unemployed" for p in _adults(case, month)})
        cases.calculation_make(acting_user=alice, application=application)
        rows = len(decisions.need_lines(application.calculations.get()))
        return decisions.decision_make(acting_user=alice, application=application,
                                       lines=[LineDecision("granted")] * rows, acknowledge_provisional=True)

    administration.setting_change(acting_user=admin_user, name="delegation_limit_kronor", value=1000,
                                  valid_from=timezone.localdate())
    assert decisions.delegation_limit() == 1000 * 100
    assert decide().status == "awaiting_approval", "above the new limit: the enhetschef decides"


# --- the pages -------------------------------------------------------------------------------

@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_pages_answer_the_administrator(admin_client, alice, unit_a):
    for url in (reverse("admin_users"), reverse("admin_user_new"), reverse("admin_user_edit", args=[alice.pk]),
                reverse("admin_units"), reverse("admin_unit_edit", args=[unit_a.pk]), reverse("admin_settings")):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    assert 'href="/admin-lika/anvandare/"' in admin_client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("persona", ["alice", "bob", "stina", "petra"])
def test_other_roles_are_refused(client, request, persona, admin_user):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("admin_settings")).status_code == 403
    assert client.post(reverse("admin_settings"), {"name": "pay_day", "value": 20,
                                                   "valid_from": timezone.localdate().isoformat()}).status_code == 403
    assert client.post(reverse("admin_user_edit", args=[admin_user.pk]), {"action": "deactivate"}).status_code == 403
    assert not MunicipalitySetting.objects.exists()
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_the_settings_page_changes_a_setting(admin_client):
    day = timezone.localdate() + timedelta(days=3)
    response = admin_client.post(reverse("admin_settings"), {"name": "delegation_limit_kronor", "value": "25000",
                                                             "valid_from": day.isoformat()})
    assert response.status_code == 302
    assert muni_settings.current("delegation_limit_kronor", on=day) == 25000


@pytest.mark.parametrize("data, message", [
    ({"name": "pay_day", "value": "31"}, "mellan 1 och 28"),
    ({"name": "statistics_threshold", "value": "1"}, "minst 3"),
    ({"name": "pay_day", "value": "tjugo"}, "Ange ett heltal"),
    ({"name": "pay_day", "value": "20", "valid_from": "2001-01-01"}, "har passerat"),
    ({"name": "pay_day", "value": "20", "valid_from": "igår"}, "Ange ett datum"),
    ({"name": "okänd", "value": "20"}, "Välj ett giltigt alternativ"),
])
def test_bad_input_on_the_settings_page_is_400_with_a_swedish_message(admin_client, data, message):
    data = {"valid_from": timezone.localdate().isoformat(), **data}
    response = admin_client.post(reverse("admin_settings"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MunicipalitySetting.objects.exists()


def test_the_user_pages_create_change_and_refuse(admin_client, admin_user, unit_a):
    response = admin_client.post(reverse("admin_user_new"), {
        "username": "pelle", "first_name": "Pelle", "last_name": "Pengar", "role": "payment_officer",
        "unit": unit_a.pk, "can_attest_payments": "on", "email": "pelle@example.se"})
    pelle = User.objects.get(username="pelle")
    assert response.status_code == 302 and pelle.can_attest_payments
    page = admin_client.post(reverse("admin_user_edit", args=[pelle.pk]), {"action": "password"})
    assert page.status_code == 200 and 'id="one-time-password"' in page.content.decode()
    refused = admin_client.post(reverse("admin_user_new"), {"username": "karin", "role": "case_worker"})
    assert refused.status_code == 400 and "måste tillhöra en enhet" in refused.content.decode()
    assert not User.objects.filter(username="karin").exists()
    own = admin_client.post(reverse("admin_user_edit", args=[admin_user.pk]), {"action": "deactivate"})
    assert own.status_code == 400 and "inaktivera dig själv" in own.content.decode()
    own = admin_client.post(reverse("admin_user_edit", args=[admin_user.pk]),
                            {"action": "save", "role": "analyst"})
    assert own.status_code == 400 and "din egen administratörsroll" in own.content.decode()


def test_the_unit_pages_create_and_refuse(admin_client, unit_a):
    response = admin_client.post(reverse("admin_units"), {"code": "syd", "name": "Syd", "phone": "0123-1"})
    assert response.status_code == 302
    bad = admin_client.post(reverse("admin_units"), {"code": "ost", "name": "Öst", "phone": "ring mig"})
    assert bad.status_code == 400 and "telefonnumret får bara" in bad.content.decode()
    twice = admin_client.post(reverse("admin_units"), {"code": "syd", "name": "Syd igen"})
    assert twice.status_code == 400 and "finns redan" in twice.content.decode()
    renamed = admin_client.post(reverse("admin_unit_edit", args=[unit_a.pk]), {"name": "Norr", "email": "x@y"})
    assert renamed.status_code == 400
    unit_a.refresh_from_db()
    assert unit_a.name == "Försörjningsstöd Norr", "nothing half-written"
