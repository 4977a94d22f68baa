"""Issue 17, "Done when", in the real Chromium: one case worker's day in the demo.

The demo municipality is loaded as `make demo` loads it (`lika seed-demo`, fewer households).
The demo case worker handlaggare1 logs in and lands on her work list, "Mina ärenden". She
opens the monthly application that has come in from a couple, books an individual meeting
with each adult and a joint one (a kallelse for each invitee), starts the application from
last month's, adds a row, calculates and decides; the two letters are in the day's print
batch, which she hands to the post; she corrects the decision by an ändringsbeslut; in an
individual meeting the answer to the question about violence is yes, and the guidance
follows. At the end of the day the administrator changes the pay day and a delegation limit.
axe-core checks every page on the way."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from lika.accounts.models import User
from lika.cases import services
from lika.cases.models import Application, Decision, DecisionRecipient, LetterDispatch
from lika.households.demo import DEMO_PASSWORD
from lika.plans.models import BookedMeeting, RiskAssessment
from tests.e2e.conftest import assert_accessible, follow, kronor, login, logout

DAY = timezone.localdate() + timedelta(days=1)
while DAY.weekday() >= 5:
    DAY += timedelta(days=1)


def field(page, label):
    return page.get_by_label(label, exact=True).and_(page.locator("input, select, textarea"))


def group(page, name):
    return page.get_by_role("group", name=name, exact=True)


def _the_couples_waiting_application(worker) -> Application:
    """The demo gives each case worker a couple whose monthly application has come in and is
    not yet started, with last month's decided before it (lika/cases/demo.py)."""
    today = timezone.localdate()
    for application in (Application.objects.filter(case__case_worker=worker, status="received")
                        .select_related("case").order_by("case_id")):
        adults = [m for m in services.memberships_on(application.case.household_id, today) if m.role == "adult"]
        earlier = application.case.applications.filter(month__lt=application.month, status="decided")
        if len(adults) == 2 and earlier.exists() and not application.costs.exists():
            return application
    pytest.fail("the demo has no couple's application waiting for handlaggare1")


def _book(page, kind, people, hour):
    page.get_by_role("group", name="Typ av möte").get_by_label(kind, exact=True).check()
    for person in people:
        page.get_by_role("group", name="Kallade").get_by_label(str(person), exact=True).check()
    field(page, "Dag").fill(DAY.isoformat())
    field(page, "Tid").fill(hour)
    field(page, "Längd").select_option(label="1 timme")
    page.get_by_role("group", name="Mötesform").get_by_label("Besök", exact=True).check()
    field(page, "Plats eller information").fill("Stadshuset, rum 3")
    page.get_by_role("button", name="Boka och gör kallelser").click()
    expect(page.get_by_role("status")).to_contain_text("Mötet är bokat och kallelser är gjorda.")
    links = page.get_by_role("region", name="Kallelser").get_by_role("link")
    return sorted(links.nth(i).inner_text() for i in range(links.count()))


def _decide(page, button="Fatta beslut"):
    """Decide on the decision page; a provisional riksnorm needs the decision maker's tick."""
    provisional = page.get_by_label("Jag fattar beslutet med ett preliminärt belopp")
    if provisional.count():
        provisional.check()
    page.get_by_role("button", name=button).click()


@pytest.mark.browser
def test_a_case_workers_day_in_the_demo(page, live_server):
    call_command("seed_demo", "--households", "40", "--seed", "1", "--cases", "40", "--associations", "0",
                 stdout=StringIO())
    worker = User.objects.get(username="handlaggare1")
    application = _the_couples_waiting_application(worker)
    case = application.case
    adults = [m.person for m in services.memberships_on(case.household_id, timezone.localdate())
              if m.role == "adult"]
    month = f"{application.month:%Y-%m}"

    # 1. She logs in and starts on her work list; the new application waits there.
    login(page, live_server, worker, password=DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina ärenden")
    to_calculate = page.get_by_role("region", name=re.compile("^Ansökningar att beräkna"))
    expect(to_calculate.get_by_role("link", name=f"{case.reference} {month}")).to_be_visible()
    assert_accessible(page)

    # 2. Meetings booked ahead: an individual one with each adult and a joint one, each with
    #    its kallelser (the individual meeting's only to that adult).
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    follow(page, page.get_by_role("link", name="Boka möte", exact=True))
    assert_accessible(page)
    assert _book(page, "Enskilt möte", [adults[0]], "09:00") == [f"Kallelse till {adults[0]} (PDF)"]
    page.goto(f"{live_server.url}/arenden/{case.pk}/moten/boka/")
    assert _book(page, "Enskilt möte", [adults[1]], "10:30") == [f"Kallelse till {adults[1]} (PDF)"]
    page.goto(f"{live_server.url}/arenden/{case.pk}/moten/boka/")
    assert _book(page, "Gemensamt möte", adults, "13:00") == sorted(f"Kallelse till {a} (PDF)" for a in adults)
    assert_accessible(page)
    letter = page.get_by_role("region", name="Kallelser").get_by_role("link").first.get_attribute("href")
    response = page.request.get(live_server.url + letter)
    assert response.status == 200 and response.body()[:5] == b"%PDF-"
    assert BookedMeeting.objects.filter(case=case, status="booked").count() == 3

    # 3. The monthly application: from last month's, a row added, calculated and decided.
    page.goto(f"{live_server.url}/mina-arenden/")
    page.get_by_role("link", name=f"{case.reference} {month}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ansökan för {month}")
    confirm = page.get_by_role("button", name=re.compile(r"^Registrera att .* har bekräftat$"))
    while confirm.count():  # the other adult confirmed the joint application at the visit
        page.get_by_label(re.compile(r"^Hur bekräftade ")).first.select_option(label="Besök")
        confirm.first.click()
        expect(page.get_by_role("status")).to_contain_text("Bekräftelsen är registrerad.")
    page.get_by_role("button", name=re.compile(r"^Fyll i från ansökan \d{4}-\d{2}$")).click()
    expect(page.get_by_role("status")).to_contain_text("är ifyllda men inte sparade")
    expect(group(page, "Kostnad 1").get_by_label("Slag")).to_have_value("housing")
    assert_accessible(page)
    page.get_by_role("button", name="Lägg till kostnad").click()
    page.wait_for_load_state("load")  # the form comes back with the new row; count on it whole
    empty = None
    for i in range(1, 30):  # the first empty cost row (copied rows, then the empty ones)
        row = group(page, f"Kostnad {i}")
        if row.count() == 0:
            break
        if not row.get_by_label("Slag").input_value():
            empty = row
            break
    assert empty is not None, "an empty cost row after 'Lägg till kostnad'"
    empty.get_by_label("Slag").select_option(label="Tandvård")
    empty.get_by_label("Belopp, kr per månad").fill("1 200")
    page.get_by_role("button", name="Spara och beräkna").click()
    expect(page.get_by_role("status")).to_contain_text("beräknad")
    expect(page.get_by_role("region", name="Beräkning")).to_contain_text("Tandvård")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Gå till beslut"))
    assert_accessible(page)
    _decide(page)
    expect(page.get_by_role("status")).to_contain_text(re.compile("Beslutet är fattat|väntar på enhetschefen"))
    decision = Decision.objects.get(application=application, status__in=["issued", "awaiting_approval"])
    if decision.status == "awaiting_approval":  # above her delegation: the enhetschef decides
        logout(page)
        login(page, live_server, User.objects.get(username="chef.norr"), password=DEMO_PASSWORD)
        page.goto(f"{live_server.url}/arenden/{case.pk}/beslut/{decision.pk}/")
        _decide(page, button="Fatta beslutet")
        expect(page.get_by_role("status")).to_contain_text("Beslutet är fattat")
        logout(page)
        login(page, live_server, worker, password=DEMO_PASSWORD)
        page.goto(f"{live_server.url}/arenden/{case.pk}/beslut/{decision.pk}/")
    decision.refresh_from_db()
    assert decision.status == "issued"
    first_amount = kronor(page.locator("#granted").inner_text())
    assert_accessible(page)

    # 4. The letters are in the day's print batch, handed to the post.
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utskick").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utskick")
    assert_accessible(page)
    page.get_by_role("button", name="Gör dagens utskick").click()
    expect(page.get_by_role("status")).to_contain_text("Dagens utskriftsbunt är skapad.")
    for adult in adults:
        recipient = DecisionRecipient.objects.get(decision=decision, person=adult)
        dispatch = LetterDispatch.objects.get(recipient=recipient)
        assert dispatch.batch_id is not None
        expect(page.locator("table.post, table.internal").get_by_role("row").filter(
            has_text=case.reference).filter(has_text=str(adult))).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("button", name="Markera som lämnad till posten").click()
    expect(page.locator("#batch-status")).to_have_text("Lämnad till posten")
    posted = [a for a in adults if LetterDispatch.objects.get(recipient__decision=decision,
                                                             recipient__person=a).channel == "post"]
    assert all(DecisionRecipient.objects.get(decision=decision, person=a).delivered_on == timezone.localdate()
               for a in posted)

    # 5. The rent was wrong: she corrects the decision by an ändringsbeslut.
    page.goto(f"{live_server.url}/arenden/{case.pk}/beslut/{decision.pk}/")
    page.get_by_role("button", name="Ändra beslutet (ändringsbeslut)").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet kan nu ändras")
    rent = group(page, "Kostnad 1").get_by_label("Belopp, kr per månad")
    rent.fill(str(int(kronor(rent.input_value())) + 500))
    page.get_by_role("button", name="Spara och beräkna").click()
    page.get_by_role("link", name="Gå till ändringsbeslut").click()
    page.get_by_label("Skäl till att beslutet ändras").fill("Hyran har höjts med 500 kr från denna månad")
    _decide(page, button="Fatta ändringsbeslut")
    expect(page.get_by_role("status")).to_contain_text(re.compile("Beslutet är fattat|väntar på enhetschefen"))
    changed = Decision.objects.get(supersedes=decision)
    assert changed.change_reason.startswith("Hyran har höjts")
    if changed.status == "issued":
        assert kronor(page.locator("#granted").inner_text()) >= first_amount
    assert_accessible(page)

    # 6. An individual meeting today: the answer about violence is yes, and the guidance follows.
    page.goto(f"{live_server.url}/arenden/{case.pk}/moten/nytt/")
    page.get_by_label("Enskilt möte").check()
    page.get_by_label(str(adults[0]), exact=True).check()
    page.get_by_label("Ja, personen berättar om våld").check()
    field(page, "Information om stöd för våldsutsatta är lämnad").check()
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Stöd efter svaret ja – {adults[0]}")
    expect(page.get_by_role("link", name="FREDA hos Socialstyrelsen")).to_be_visible()
    assert_accessible(page)
    risk = page.get_by_role("region", name="Riskbedömning enligt FREDA")
    field(risk, "Datum för bedömningen").fill(timezone.localdate().isoformat())
    risk.get_by_label("FREDA-kortfrågor").check()
    risk.get_by_label("FREDA-farlighetsbedömning").check()
    risk.get_by_label("Förhöjd risk").check()
    field(risk, "Sammanfattning").fill("Kontroll av ekonomin; hot det senaste året.")
    field(risk, "Planerade skyddsåtgärder").fill("Skyddat boende erbjuds; utbetalning bara till henne prövas.")
    page.get_by_role("button", name="Spara riskbedömningen").click()
    expect(page.get_by_role("status")).to_contain_text("Riskbedömningen är registrerad.")
    assert RiskAssessment.objects.filter(screening__person=adults[0]).count() == 1
    assert_accessible(page)
    logout(page)

    # 7. The administrator changes the pay day and a delegation limit.
    today = timezone.localdate()
    from_month = (today.replace(day=1) + timedelta(days=62)).replace(day=1)
    login(page, live_server, User.objects.get(username="admin"), password=DEMO_PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Kommunens inställningar").click()
    page.get_by_label("Inställning", exact=True).select_option("pay_day")
    page.get_by_label("Nytt värde").fill("20")
    page.get_by_label("Gäller från").fill(from_month.isoformat())
    page.get_by_role("button", name="Spara ändringen").click()
    expect(page.get_by_role("status")).to_contain_text(f"Utbetalningsdag är 20 från {from_month.isoformat()}")
    page.get_by_label("Inställning", exact=True).select_option("delegation_limit_kronor")
    page.get_by_label("Nytt värde").fill("20000")
    page.get_by_label("Gäller från").fill(today.isoformat())
    page.get_by_role("button", name="Spara ändringen").click()
    expect(page.get_by_role("status")).to_contain_text("Delegationsgräns, kronor är 20000")
    assert_accessible(page)
    from lika.accounts import settings as municipality

    assert municipality.current("pay_day", on=from_month) == 20
    assert municipality.current("delegation_limit_kronor") == 20000
