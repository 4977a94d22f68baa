"""The association applies for an operating grant in the real Chromium: she sees the
programmes' rules, is refused in Swedish when she asks for more than the most per
application, then applies within the rules. axe-core on every page."""

from playwright.sync_api import expect

from lika.grants.models import GrantApplication
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_grants import _login
from tests.grants.test_fixed import make_world


def test_association_applies_for_an_operating_grant(page, live_server, admin_user):
    club, _other, operating, _premises, user = make_world(admin_user)
    _login(page, live_server, user.username)
    page.get_by_role("link", name="Ansök om verksamhets-, projekt- eller lokalbidrag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ansök om verksamhets-, projekt- eller lokalbidrag")
    expect(page.get_by_text("minst 10 medlemmar 7–20 år")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Bidragsprogram").select_option(label="Verksamhetsbidrag: Verksamhetsbidrag (Kultur- och fritidsnämnden)")
    page.get_by_label("Belopp som söks (kr)").fill("25 000")
    page.get_by_label("Ändamål").fill("Träningar och läger för barn och unga")
    page.get_by_label("Perioden börjar").fill("2026-01-01")
    page.get_by_label("Perioden slutar").fill("2026-12-31")
    page.get_by_role("button", name="Skicka in ansökan").click()
    expect(page.get_by_role("alert")).to_contain_text("högst 20 000,00 kr kan sökas per ansökan")
    assert GrantApplication.objects.count() == 0
    assert_accessible(page)

    page.get_by_label("Belopp som söks (kr)").fill("15 000,50")
    page.get_by_role("button", name="Skicka in ansökan").click()
    expect(page.get_by_text("Ansökan är inskickad")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=club.name)).to_be_visible()
    expect(page.get_by_role("row", name="Verksamhetsbidrag")).to_contain_text("15 000,50")
    assert_accessible(page)
    application = GrantApplication.objects.get()
    assert (application.programme, application.total) == (operating, 1_500_050)
