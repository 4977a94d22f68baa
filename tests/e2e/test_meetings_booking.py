"""Issue 17, "Booking meetings", in the real Chromium: the case worker books an individual
meeting for each adult and a joint one from the case page; a kallelse is made for each
invitee (the individual meeting's only to that adult); a double booking is refused; she
moves one; the week calendar shows them, and her enhetschef can open it; the woman sees
her own booking and the joint one in the e-service, the man never sees hers.  axe-core on
every page."""

import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from lika.plans.calendar import iso_week
from lika.plans.models import BookedMeeting
from tests.cases.factories import couple_case
from tests.e2e.conftest import assert_accessible, login, logout

DAY = timezone.localdate() + timedelta(days=1)
while DAY.weekday() >= 5:
    DAY += timedelta(days=1)


@pytest.fixture
def couple(unit_a, alice, settings, tmp_path):
    settings.LIKA_ESERVICE_DEMO_LOGIN = True
    settings.LIKA_NOTIFICATION_DIR = tmp_path / "notifications"
    settings.LIKA_NOTIFICATION_SENDER = "lika.eservice.notify.FileSender"
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    return case, woman, man


def field(page, label):
    return page.get_by_label(label, exact=True).and_(page.locator("input, select, textarea"))


def book(page, kind, people, hour, *, mode="Besök", place=""):
    page.get_by_role("group", name="Typ av möte").get_by_label(kind, exact=True).check()
    for name in people:
        page.get_by_role("group", name="Kallade").get_by_label(name, exact=True).check()
    field(page, "Dag").fill(DAY.isoformat())
    field(page, "Tid").fill(hour)
    field(page, "Längd").select_option(label="1 timme")
    page.get_by_role("group", name="Mötesform").get_by_label(mode, exact=True).check()
    field(page, "Plats eller information").fill(place)
    page.get_by_role("button", name="Boka och gör kallelser").click()


def pdf_text(page, url) -> str:
    response = page.request.get(url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    return " ".join(text.split())


def kallelser(page):
    links = page.get_by_role("region", name="Kallelser").get_by_role("link")
    return {links.nth(i).inner_text(): links.nth(i).get_attribute("href") for i in range(links.count())}


def test_book_individual_and_joint_meetings_with_kallelser(page, live_server, alice, bob, couple):
    case, woman, man = couple
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Boka möte", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Boka möte")
    assert_accessible(page)

    # Nothing filled in: the errors are listed and the page is still accessible.
    page.get_by_role("button", name="Boka och gör kallelser").click()
    expect(page.get_by_role("alert")).to_contain_text("Mötet kunde inte bokas")
    assert_accessible(page)

    # An individual meeting with Sara: her kallelse only.
    book(page, "Enskilt möte", ["Sara Lind"], "09:00", place="Stadshuset, rum 3")
    expect(page.get_by_role("status")).to_contain_text("Mötet är bokat och kallelser är gjorda.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enskilt möte")
    assert_accessible(page)
    letters = kallelser(page)
    assert list(letters) == ["Kallelse till Sara Lind (PDF)"]
    text = pdf_text(page, live_server.url + letters["Kallelse till Sara Lind (PDF)"])
    assert "Kallelse till möte" in text and "Stadshuset, rum 3" in text and "09:00–10:00" in text
    assert "Johan" not in text
    sara_booking = BookedMeeting.objects.get(participants=woman, kind="individual")
    refused = page.request.get(f"{live_server.url}/arenden/{case.pk}/bokningar/{sara_booking.pk}/kallelse/"
                               f"{man.pk}.pdf")
    assert refused.status == 404  # no letter about her meeting for him

    # An individual meeting with Johan, and the joint one by phone.
    page.goto(f"{live_server.url}/arenden/{case.pk}/moten/boka/")
    book(page, "Enskilt möte", ["Johan Lind"], "10:30", place="Stadshuset, rum 3")
    expect(page.get_by_role("status")).to_contain_text("Mötet är bokat")
    assert list(kallelser(page)) == ["Kallelse till Johan Lind (PDF)"]
    page.goto(f"{live_server.url}/arenden/{case.pk}/moten/boka/")
    book(page, "Gemensamt möte", ["Sara Lind", "Johan Lind"], "13:00", mode="Telefon")
    expect(page.get_by_role("status")).to_contain_text("Mötet är bokat")
    letters = kallelser(page)
    assert sorted(letters) == ["Kallelse till Johan Lind (PDF)", "Kallelse till Sara Lind (PDF)"]
    for href in letters.values():
        text = pdf_text(page, live_server.url + href)
        assert "gemensamt möte" in text and "Per telefon" in text
    assert_accessible(page)

    # She cannot be double-booked.
    page.goto(f"{live_server.url}/arenden/{case.pk}/moten/boka/")
    book(page, "Enskilt möte", ["Sara Lind"], "09:30", place="Rum 1")
    expect(page.get_by_role("alert")).to_contain_text("Handläggaren har redan ett möte")
    assert_accessible(page)

    # Move Johan's meeting to 15:00: a new kallelse says "Ny tid".
    johan = BookedMeeting.objects.get(participants=man, kind="individual")
    page.goto(f"{live_server.url}/arenden/{case.pk}/bokningar/{johan.pk}/")
    move = page.get_by_role("region", name="Flytta mötet")
    move.get_by_label("Tid", exact=True).fill("15:00")
    move.get_by_role("button", name="Flytta och gör nya kallelser").click()
    expect(page.get_by_role("status")).to_contain_text("Mötet är flyttat")
    assert_accessible(page)
    text = pdf_text(page, live_server.url + kallelser(page)["Kallelse till Johan Lind (PDF)"])
    assert "Ny tid för ditt möte" in text and "15:00–16:00" in text

    # The case page lists the bookings; the week calendar shows all three.
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    expect(page.locator("ul.bookings li")).to_have_count(3)
    page.goto(f"{live_server.url}/kalender/?vecka={iso_week(DAY)}")
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name=re.compile("Enskilt möte"))).to_have_count(2)
    expect(table.get_by_role("link", name=re.compile("Gemensamt möte"))).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("link", name="Nästa vecka").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("0 möten denna vecka.")).to_be_visible()
    logout(page)

    # The enhetschef opens her case worker's calendar.
    login(page, live_server, bob)
    page.goto(f"{live_server.url}/kalender/?vecka={iso_week(DAY)}")
    page.get_by_role("navigation", name="Handläggarnas kalendrar").get_by_role("link", name="Alice Andersson").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alice Andersson")
    expect(page.get_by_role("table").get_by_role("link")).to_have_count(3)
    assert_accessible(page)
    logout(page)

    # The day has come: Sara's meeting is recorded as held, with the question about violence.
    yesterday = timezone.localdate() - timedelta(days=1)
    start = timezone.make_aware(datetime.combine(yesterday, time(9)))
    BookedMeeting.objects.filter(pk=sara_booking.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/bokningar/{sara_booking.pk}/")
    page.get_by_role("link", name="Registrera mötet som hållet").click()
    expect(page.get_by_role("group", name="Fråga om våld – bara vid enskilt möte")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("alert")).to_contain_text("Ange svaret på frågan om våld")
    assert_accessible(page)
    page.get_by_label("Nej, inga tecken på våld").check()
    field(page, "Anteckningar").fill("Pratade om SFI.")
    page.get_by_role("button", name="Spara mötet").click()
    expect(page.get_by_role("status")).to_contain_text("Mötet är registrerat som hållet.")
    expect(page.get_by_role("region", name="Fråga om våld")).to_contain_text("Nej, inga tecken på våld")
    assert_accessible(page)
    logout(page)

    # In the e-service: the man sees the joint meeting and his own, never hers.
    for person, mine, theirs, count in ((man, "15:00", "09:00", 2), (woman, "13:00", "15:00", 1)):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/e-tjanst/logga-in/test/")
        page.get_by_label("Personnummer").fill(person.identity_number)
        page.get_by_role("button", name="Logga in", exact=True).click()
        page.goto(f"{live_server.url}/e-tjanst/moten/")
        booked = page.get_by_role("region", name="Bokade möten")
        expect(booked.get_by_role("listitem")).to_have_count(count)
        expect(booked).to_contain_text(mine)
        expect(booked).not_to_contain_text(theirs)
        expect(booked).to_contain_text("Gemensamt möte för er båda")
        assert_accessible(page)
