"""Sponsorship in the real Chromium: the administrator drafts an agreement, tries to sign it
and is refused with a Swedish message (no gender-equality assessment), records the
assessment and signs; the association user opens her agreement after the period and
reports whom it reached, shown beside the expectation. axe-core on every page."""

from playwright.sync_api import expect

from lika.grants import services
from lika.grants.models import GrantGiver, SponsorshipAgreement
from tests.conftest import _user
from tests.e2e.conftest import assert_accessible, follow
from tests.e2e.test_grants import _login


def test_an_agreement_is_signed_only_after_its_assessment(page, live_server, admin_user):
    club = services.association_create(acting_user=admin_user, orgnr="8024000005", name="IK Exempel")
    services.grant_giver_create(acting_user=admin_user, name="Exempelbostäder AB", kind=GrantGiver.Kind.COMPANY)
    forening = _user("forening1", "association", None, "Fia", "Förening", association=club)

    _login(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/bidrag/sponsring/")
    expect(page.get_by_role("heading", level=1, name="Sponsring")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_giver").select_option(label="Exempelbostäder AB")
    page.locator("#id_association").select_option(label="IK Exempel")
    page.get_by_label("Sponsrad verksamhet").fill("Fotbollsskola 7–12 år")
    page.get_by_label("Belopp (kr)").fill("25 000")
    page.get_by_label("Motprestation").fill("Bolagets namn på matchställen")
    page.get_by_label("Målgrupp").fill("Barn 7–16 år")
    page.get_by_label("Avtalet gäller från").fill("2026-01-01")
    page.get_by_label("Avtalet gäller till").fill("2026-06-30")
    page.get_by_role("button", name="Upprätta utkast").click()
    expect(page.get_by_role("heading", level=1, name="Fotbollsskola 7–12 år")).to_be_visible()
    expect(page.get_by_text("Status: Utkast")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Underteckna avtalet").click()
    expect(page.get_by_role("alert")).to_contain_text("kan inte undertecknas utan en jämställdhetsbedömning")
    assert SponsorshipAgreement.objects.get().status == "draft"
    assert_accessible(page)

    page.get_by_label("Flickor/kvinnor, 7–12 år").fill("10")
    page.get_by_label("Pojkar/män, 7–12 år").fill("90")
    page.get_by_label("Bedömning").fill("Nästan bara pojkar; bolaget kräver ett flicklag under året.")
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.get_by_text("Jämställdhetsbedömningen är sparad.")).to_be_visible()
    shares = page.get_by_role("table", name="Andel per kön")
    expect(shares.get_by_role("row", name="Pojkar/män")).to_contain_text("90,0")
    assert_accessible(page)
    page.get_by_role("button", name="Underteckna avtalet").click()
    expect(page.get_by_text("Avtalet är undertecknat.")).to_be_visible()
    expect(page.get_by_text("Status: Undertecknat")).to_be_visible()
    expect(page.get_by_role("button", name="Underteckna avtalet")).to_have_count(0)
    assert_accessible(page)
    assert SponsorshipAgreement.objects.get().status == "signed"
    page.get_by_role("button", name="Logga ut").click()

    _login(page, live_server, forening.username)
    follow(page, page.get_by_role("link", name="Sponsringsavtal"))
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Fotbollsskola 7–12 år"))
    assert_accessible(page)
    page.get_by_label("Flickor/kvinnor, 7–12 år").fill("40")
    page.get_by_label("Pojkar/män, 7–12 år").fill("60")
    page.get_by_label("Kommentar till utfallet").fill("Flicklaget startade i mars.")
    page.get_by_role("button", name="Rapportera utfallet").click()
    expect(page.get_by_text("Utfallet är sparat.")).to_be_visible()
    shares = page.get_by_role("table", name="Andel per kön")
    expect(shares.get_by_role("row", name="Flickor/kvinnor")).to_contain_text("40,0")
    expect(shares.get_by_role("row", name="Flickor/kvinnor")).to_contain_text("10,0")
    assert_accessible(page)

