"""An enhetschef asks "who has looked at this person?" in the browser."""

import re

from playwright.sync_api import expect

from lika.audit.services import READ, UPDATE, access_log_write
from tests.cases.factories import couple_case
from tests.e2e.conftest import assert_accessible, login


def test_a_manager_finds_who_read_a_persons_case(page, live_server, alice, bob, unit_a):
    case, woman, _man, _kids = couple_case(unit_a, case_worker=alice)
    access_log_write(actor=alice, action=READ, object_type="case", object_id=case.pk,
                     household_id=case.household_id, summary="Visade ärendet")
    access_log_write(actor=alice, action=UPDATE, object_type="person", object_id=woman.pk,
                     person_id=woman.pk, household_id=case.household_id, summary="Ändrade telefon",
                     old={"phone": ""}, new={"phone": "070-123 45 67"})

    login(page, live_server, bob)
    nav = page.get_by_role("navigation", name="Huvudmeny")
    nav.get_by_role("link", name="Åtkomstlogg").click()
    expect(page).to_have_url(f"{live_server.url}/logg/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Åtkomstlogg")
    expect(nav.get_by_role("link", name="Åtkomstlogg")).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    # A mistyped number: a Swedish error at the field, no results.
    page.get_by_label("Personnummer").fill("19900412-0000")
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("alert")).to_contain_text("Personnumret är inte giltigt")
    expect(page.get_by_label("Personnummer")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("heading", name="Träffar")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Personnummer").fill(woman.formatted_identity_number)
    page.get_by_role("button", name="Sök").click()
    # the number was posted: the address holds only the search's token
    expect(page).to_have_url(re.compile(r"/logg/\?s=[\w-]+$"))
    assert woman.identity_number not in page.url and woman.formatted_identity_number not in page.url
    expect(page.get_by_role("alert")).to_have_count(0)
    results = page.get_by_role("table", name="Loggposter, senaste först")
    row = results.get_by_role("row").filter(has_text="Visade ärendet")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Alice Andersson")
    expect(row).to_contain_text("Läsning")
    expect(row).to_contain_text(case.reference)
    change = results.get_by_role("row").filter(has_text="Ändrade telefon")
    change.get_by_text("Visa 1 värde").click()
    expect(change.get_by_role("cell", name="070-123 45 67")).to_be_visible()
    assert_accessible(page)
