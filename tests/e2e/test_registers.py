"""The association keeps her registers in the real Chromium: she edits the board of the year
(adds two members, removes one), saves the year's membership counts, and uploads her
statutes — first a file that is not a PDF (refused in Swedish), then the PDF, which she
can download. axe-core on every page."""

from django.utils import timezone
from playwright.sync_api import expect

from lika.grants import services
from lika.grants.models import AssociationDocument, BoardMember, MembershipCount
from tests.conftest import _user
from tests.e2e.conftest import assert_accessible, follow
from tests.e2e.test_grants import _login
from tests.grants.test_registers import PDF


def test_association_edits_her_board_and_uploads_her_statutes(page, live_server, admin_user, settings, tmp_path):
    settings.LIKA_PRIVATE_FILES = tmp_path / "private"
    club = services.association_create(acting_user=admin_user, orgnr="8024000005", name="IK Exempel")
    user = _user("forening1", "association", None, "Fia", "Förening", association=club)
    year = timezone.localdate().year

    _login(page, live_server, user.username)
    page.get_by_role("link", name="Styrelse och medlemmar").click()
    expect(page.get_by_role("heading", level=1, name=f"Styrelse och medlemmar {year}")).to_be_visible()
    assert_accessible(page)
    for name, role, gender, born in (("Anna Ek", "Ordförande", "Kvinna", "1980"), ("Bo Gran", "Kassör", "Man", "1975")):
        page.get_by_label("Namn").fill(name)
        page.get_by_label("Uppdrag").fill(role)
        page.get_by_label("Juridiskt kön").select_option(label=gender)
        page.get_by_label("Födelseår").fill(born)
        page.get_by_role("button", name="Lägg till ledamot").click()
        expect(page.get_by_text("Ledamoten är tillagd.")).to_be_visible()
    board = page.get_by_role("table", name=f"Styrelsen {year}")
    expect(board.get_by_role("row", name="Anna Ek")).to_contain_text("Ordförande")
    assert_accessible(page)
    page.get_by_role("button", name="Ta bort Bo Gran").click()
    expect(page.get_by_text("Ledamoten är borttagen.")).to_be_visible()
    assert list(BoardMember.objects.values_list("name", flat=True)) == ["Anna Ek"]

    page.get_by_label("Flickor/kvinnor, 7–12 år").fill("14")
    page.get_by_label("Pojkar/män, 7–12 år").fill("-2")
    page.get_by_role("button", name="Spara medlemsantalen").click()
    expect(page.get_by_role("alert")).to_contain_text("kunde inte sparas")
    assert_accessible(page)
    page.get_by_label("Pojkar/män, 7–12 år").fill("11")
    page.get_by_role("button", name="Spara medlemsantalen").click()
    expect(page.get_by_text("Medlemsantalen är sparade.")).to_be_visible()
    assert sum(MembershipCount.objects.values_list("count", flat=True)) == 25
    assert_accessible(page)

    follow(page, page.get_by_role("link", name="Föreningens dokument"))
    assert_accessible(page)
    not_pdf = tmp_path / "stadgar.pdf"
    not_pdf.write_bytes(b"PK\x03\x04 a word document")
    page.get_by_label("Dokument").select_option(label="Stadgar")
    page.get_by_label("År").fill("2024")
    page.get_by_label("Fil (PDF)").set_input_files(str(not_pdf))
    page.get_by_role("button", name="Ladda upp").click()
    expect(page.get_by_role("alert")).to_contain_text("Filen är ingen PDF")
    assert AssociationDocument.objects.count() == 0
    assert_accessible(page)
    real = tmp_path / "Stadgar 2024.pdf"
    real.write_bytes(PDF)
    page.get_by_label("Fil (PDF)").set_input_files(str(real))
    page.get_by_role("button", name="Ladda upp").click()
    expect(page.get_by_text("Dokumentet är uppladdat.")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Stadgar 2024.pdf").click()
    assert download.value.suggested_filename == "Stadgar 2024.pdf"
    with open(download.value.path(), "rb") as stream:
        assert stream.read() == PDF
