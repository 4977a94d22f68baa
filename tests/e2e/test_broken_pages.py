"""Issue 17, "Broken today", what only a browser shows: the withdrawal's confirmation step
and undo, and a very long word that must not widen the page."""

from datetime import date

import pytest
from playwright.sync_api import expect

from lika.cases import services
from lika.cases.models import Application
from tests.cases.factories import couple_case
from tests.e2e.conftest import assert_accessible, login


def test_withdrawing_an_application_is_confirmed_with_a_reason_and_can_be_undone(page, live_server, unit_a, alice):
    case, woman, _man, _kids = couple_case(unit_a, case_worker=alice)
    application = services.application_create(acting_user=alice, case=case, month=date(2026, 12, 1),
                                              applicant=woman)
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/ansokningar/{application.pk}/")
    page.get_by_role("link", name="Återta ansökan …").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Återta ansökan för 2026-12")
    assert_accessible(page)
    page.get_by_role("button", name="Återta ansökan").click()  # nothing filled in: refused, says why
    expect(page.get_by_role("alert")).to_contain_text("Skriv varför ansökan återtas.")
    expect(page.get_by_role("alert")).to_contain_text("Kryssa i att den sökande vill återta ansökan.")
    assert Application.objects.get(pk=application.pk).status == "received"
    assert_accessible(page)
    page.get_by_label("Varför återtas ansökan?").fill("Har fått arbete från januari")
    page.get_by_label("Jag har kontrollerat att den sökande vill återta ansökan").check()
    page.get_by_role("button", name="Återta ansökan").click()
    expect(page.get_by_role("heading", level=2, name="Ansökan är återtagen")).to_be_visible()
    expect(page.get_by_text("Har fått arbete från januari")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Återuppta ansökan (ångra återtagandet)").click()
    expect(page.get_by_role("status")).to_contain_text("Ansökan är återupptagen")
    assert Application.objects.get(pk=application.pk).status == "received"


MAIN_FITS = "(() => { const m = document.querySelector('main'); return m.scrollWidth <= m.clientWidth; })()"


@pytest.mark.parametrize("width", [1280, 375])
def test_a_very_long_word_in_a_plan_goal_does_not_widen_the_page(page, live_server, unit_a, alice, width):
    from lika.plans import services as plans

    case, woman, _man, _kids = couple_case(unit_a, case_worker=alice)
    plan = plans.plan_create(acting_user=alice, case=case, person=woman, own_view="Långtord" + "a" * 5000)
    plans.plan_goal_add(acting_user=alice, plan=plan, text="Målord" + "b" * 290)  # the longest goal allowed
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, alice)
    for url in (f"/arenden/{case.pk}/planer/{woman.pk}/", f"/arenden/{case.pk}/"):
        page.goto(live_server.url + url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.evaluate(MAIN_FITS), url  # the content fits its column at every width
        if width >= 1024:  # (the staff header itself is not made for phones)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, url
    assert_accessible(page)
