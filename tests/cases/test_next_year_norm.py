"""Issue 14, next year's norm: in December the application form knows which months can be
calculated (the years with a riksnorm table), says so before saving, defaults to a month
that can be calculated, and refuses a month of a year without a table with a Swedish
message.  The norm page tells the administrator how to load next year's table."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from lika.cases.forms import calculable_months_text, default_application_month
from lika.cases.models import Application
from lika.norms.selectors import year_ranges
from lika.norms.services import norm_table_save
from tests.cases.factories import single_case

DECEMBER = date(2026, 12, 6)
SHIPPED = set(range(2017, 2027))


@pytest.fixture
def december(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: DECEMBER)


@pytest.mark.parametrize(("today", "years", "expected"), [
    (date(2026, 12, 6), SHIPPED, date(2026, 12, 1)),  # 2027 not loaded: December, not January
    (date(2026, 12, 6), SHIPPED | {2027}, date(2027, 1, 1)),  # loaded: next month as before
    (date(2026, 6, 15), SHIPPED, date(2026, 7, 1)),
    (date(2026, 1, 31), SHIPPED, date(2026, 2, 1)),
    (date(2028, 3, 1), SHIPPED, date(2026, 12, 1)),  # nothing for 2028: the last calculable month
    (date(2026, 12, 6), set(), date(2027, 1, 1)),
])
def test_default_month(today, years, expected):
    assert default_application_month(today, years) == expected


@pytest.mark.parametrize(("years", "text"), [
    (SHIPPED, "januari 2017–december 2026"),
    ({2017, 2019, 2020}, "januari 2017–december 2017, januari 2019–december 2020"),
    ({2026}, "januari 2026–december 2026"),
])
def test_calculable_months_text(years, text):
    assert calculable_months_text(years) == text


def test_year_ranges():
    assert year_ranges([2021, 2017, 2018, 2019]) == [(2017, 2019), (2021, 2021)]
    assert year_ranges([]) == []


def test_in_december_the_form_says_which_months_and_refuses_january(december, unit_a, alice, client):
    case, adult = single_case(unit_a, case_worker=alice)
    client.force_login(alice)
    url = reverse("application_new", kwargs={"case_id": case.pk})
    response = client.get(url)
    form = response.context["form"]
    assert form.initial["month"] == "2026-12"
    assert "Månader som kan beräknas: januari 2017–december 2026" in response.content.decode()

    data = {"month": "2027-01", "applicant": adult.pk, "channel": "paper", "received_on": "2026-12-06",
            "applicant_confirmed": "on"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["month"] == [
        "Riksnormen för 2027 är inte inläst, så en ansökan för januari 2027 kan inte beräknas. Välj en månad "
        "som kan beräknas (januari 2017–december 2026), eller be systemadministratören läsa in 2027 års "
        "riksnorm när regeringen har fastställt den."]
    assert not Application.objects.filter(case=case).exists()

    response = client.post(url, {**data, "month": "2026-12"})
    assert response.status_code == 302
    assert Application.objects.get(case=case).month == date(2026, 12, 1)


def test_once_next_years_table_is_loaded_january_is_the_default_and_accepted(december, unit_a, alice,
                                                                            admin_user, client):
    from lika.norms.files import shipped_tables

    data = shipped_tables()[2026].as_dict()
    data.update(year=2027, source="SFS 2026:9999 (test)")
    norm_table_save(acting_user=admin_user, data=data, note="SFS 2026:9999")
    case, adult = single_case(unit_a, case_worker=alice)
    client.force_login(alice)
    url = reverse("application_new", kwargs={"case_id": case.pk})
    response = client.get(url)
    assert response.context["form"].initial["month"] == "2027-01"
    assert "januari 2017–december 2027" in response.content.decode()
    response = client.post(url, {"month": "2027-01", "applicant": adult.pk, "channel": "paper",
                                 "received_on": "2026-12-06", "applicant_confirmed": "on"})
    assert response.status_code == 302


def test_the_norm_page_says_how_to_load_next_years_table(december, admin_user, alice, client):
    client.force_login(admin_user)
    page = client.get(reverse("norm_list")).content.decode()
    assert "Riksnormen för 2027 är inte inläst" in page
    assert "lika load-norm-table riksnorm-2027.json --user" in page
    assert "docs/formats.md" in page and "socialtjänstförordningen (2001:937) 2 kap. 1 §" in page
    client.force_login(alice)  # case workers read the page too: they learn why January waits
    assert "Riksnormen för 2027 är inte inläst" in client.get(reverse("norm_list")).content.decode()


def test_the_note_goes_when_next_years_table_is_there(monkeypatch, admin_user, client):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2025, 12, 6))
    client.force_login(admin_user)
    assert "är inte inläst" not in client.get(reverse("norm_list")).content.decode()
