"""Issue 17, attachments, in the real Chromium: the case worker opens the case's
Handlingar, is refused a PNG renamed .pdf (in Swedish, on the field), uploads the lease,
finds it in the list with the resident's e-service attachment beside it, downloads it (a
read row in the access log) and removes it with a reason.  axe-core on every state."""

import pytest
from playwright.sync_api import expect

from lika.audit.models import AccessLogEntry
from lika.cases import services
from lika.cases.models import CaseDocument
from tests.cases.factories import couple_case
from tests.e2e.conftest import assert_accessible, login

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@pytest.fixture
def case(unit_a, alice, settings, tmp_path):
    from datetime import date

    from lika.eservice.models_apply import ApplicationAttachment

    settings.LIKA_PRIVATE_FILES = tmp_path / "private"
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    application = services.application_create(acting_user=alice, case=case, month=date(2026, 12, 1),
                                              applicant=woman)
    folder = tmp_path / "private" / "eservice" / "attachments" / str(case.pk)
    folder.mkdir(parents=True)
    (folder / ("1" * 32 + ".pdf")).write_bytes(PDF)
    ApplicationAttachment.objects.create(
        application=application, kind="receipt", original_name="kvitto-el.pdf", stored_name="1" * 32 + ".pdf",
        content_type="application/pdf", size=len(PDF), sha256="0" * 64, uploaded_by_person=woman)
    return case


def test_upload_list_download_and_remove(page, live_server, alice, case, tmp_path):
    login(page, live_server, alice)
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    page.get_by_role("link", name="Handlingar", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Handlingar i ärende {case.reference}")
    expect(page.get_by_role("link", name="kvitto-el.pdf")).to_be_visible()  # the resident's, read-only
    assert_accessible(page)

    renamed = tmp_path / "skarmbild.pdf"
    renamed.write_bytes(PNG)
    page.get_by_label("Slag av handling").select_option("lease")
    page.get_by_label("Rubrik").fill("Hyreskontrakt")
    page.get_by_label("Avser").select_option(label="Sara Lind")
    page.get_by_label("Fil (PDF, JPEG eller PNG)").set_input_files(str(renamed))
    page.get_by_role("button", name="Ladda upp").click()
    expect(page.get_by_role("alert")).to_contain_text("Filens namn stämmer inte med innehållet")
    assert CaseDocument.objects.count() == 0
    assert_accessible(page)

    lease = tmp_path / "hyreskontrakt.pdf"
    lease.write_bytes(PDF)
    page.get_by_label("Fil (PDF, JPEG eller PNG)").set_input_files(str(lease))
    page.get_by_role("button", name="Ladda upp").click()
    expect(page.get_by_role("status")).to_contain_text("Handlingen är uppladdad.")
    table = page.get_by_role("table", name="Handlingar uppladdade av enheten")
    expect(table).to_contain_text("Hyreskontrakt")
    expect(table).to_contain_text("Sara Lind")
    assert_accessible(page)

    document = CaseDocument.objects.get()
    with page.expect_download() as download:
        page.get_by_role("link", name="Hyreskontrakt", exact=True).click()
    assert download.value.suggested_filename == "hyreskontrakt.pdf"
    assert AccessLogEntry.objects.filter(object_type="case_document", action="read",
                                         object_id=str(document.pk), actor=alice).count() == 1

    page.get_by_label("Skäl (Hyreskontrakt)").fill("Fel hushålls kontrakt")
    page.get_by_role("button", name="Ta bort Hyreskontrakt").click()
    expect(page.get_by_role("status")).to_contain_text("Handlingen är borttagen.")
    expect(table).to_contain_text("Fel hushålls kontrakt")
    expect(page.get_by_role("link", name="Hyreskontrakt", exact=True)).to_have_count(0)
    assert_accessible(page)
    document.refresh_from_db()
    assert document.removed_by == alice
