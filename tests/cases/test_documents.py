"""Handlingar i ärendet (issue 17, attachments): documents staff upload on the case, checked
and stored like the e-service's attachments (lika/cases/files.py), every read logged, the
other unit refused with 404, removal only with a reason and the row kept."""

import builtins
import errno
import hashlib
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction  # noqa: F401 - connection: in a skipif
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lika.audit.models import AccessLogEntry
from lika.cases import documents, files
from lika.cases.models import CaseDocument
from tests.cases.factories import couple_case, single_case
from tests.threads import race

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40


@pytest.fixture
def private(settings, tmp_path):
    settings.LIKA_PRIVATE_FILES = tmp_path / "private"
    return tmp_path / "private"


@pytest.fixture
def couple(unit_a, alice):
    return couple_case(unit_a, case_worker=alice)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(alice, case, name="hyresavi.pdf", content=PDF, kind="lease", title="Hyresavi december", person=None):
    return documents.document_upload(acting_user=alice, case_id=case.pk, kind=kind, title=title,
                                     upload=SimpleUploadedFile(name, content), person_id=person)


def stored_files(private):
    folder = private / "cases" / "documents"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


# --- upload, list, download ------------------------------------------------------------------

def test_a_document_is_stored_outside_the_web_root_under_a_random_name(couple, alice, private):
    case, woman, man, kids = couple
    document = upload(alice, case, name="hyresavi december.pdf", person=woman.pk)
    assert (document.kind, document.title, document.person, document.uploaded_by) == (
        "lease", "Hyresavi december", woman, alice)
    assert document.original_name == "hyresavi december.pdf" and document.content_type == "application/pdf"
    assert document.size == len(PDF) and document.sha256 == hashlib.sha256(PDF).hexdigest()
    path = private / "cases" / "documents" / str(case.pk) / document.stored_name
    assert path.read_bytes() == PDF
    assert "hyresavi" not in document.stored_name and document.stored_name.endswith(".pdf")
    row = AccessLogEntry.objects.get(object_type="case_document", action="create")
    assert (row.object_id, row.person_id, row.household_id) == (str(document.pk), woman.pk, case.household_id)
    assert "Hyresavi december" not in row.summary  # the title stays on the case


def test_upload_list_and_download_through_the_page(couple, alice, private):
    case, woman, man, kids = couple
    client = client_for(alice)
    url = reverse("case_documents", kwargs={"case_id": case.pk})
    response = client.post(url, {"kind": "payslip", "title": "Lönebesked november", "person": str(man.pk),
                                 "file": SimpleUploadedFile("lon.png", PNG)})
    assert response.status_code == 302 and response.url == url
    document = CaseDocument.objects.get()
    page = client.get(url).content.decode()
    download = reverse("case_document_download", kwargs={"case_id": case.pk, "case_document_id": document.pk})
    assert "Lönebesked november" in page and download in page and "Johan Lind" in page
    before = AccessLogEntry.objects.filter(object_type="case_document", action="read").count()
    for _ in range(2):
        got = client.get(download)
        assert got.status_code == 200 and b"".join(got.streaming_content) == PNG
        assert got["Content-Type"] == "image/png" and got["X-Content-Type-Options"] == "nosniff"
        assert got["Content-Disposition"].startswith("attachment") and "lon.png" in got["Content-Disposition"]
        assert "no-store" in got["Cache-Control"]
    reads = AccessLogEntry.objects.filter(object_type="case_document", action="read", object_id=str(document.pk))
    assert reads.count() - before == 2 and {r.person_id for r in reads} == {man.pk}
    assert {r.actor_id for r in reads} == {alice.pk}


def test_the_list_shows_the_residents_attachments_with_the_staff_download(couple, alice, private):
    from lika.cases import services
    from lika.eservice.models_apply import ApplicationAttachment

    case, woman, man, kids = couple
    application = services.application_create(acting_user=alice, case=case, month=date(2026, 12, 1),
                                              applicant=woman)
    attachment = ApplicationAttachment.objects.create(
        application=application, kind="receipt", original_name="kvitto-tandvard.pdf", stored_name="a" * 32 + ".pdf",
        content_type="application/pdf", size=15, sha256="0" * 64, uploaded_by_person=woman)
    page = client_for(alice).get(reverse("case_documents", kwargs={"case_id": case.pk})).content.decode()
    assert "kvitto-tandvard.pdf" in page
    assert reverse("application_attachment", kwargs={"case_id": case.pk, "application_id": application.pk,
                                                     "attachment_id": attachment.pk}) in page


def test_the_case_page_links_to_the_documents(couple, alice):
    case, *_ = couple
    page = client_for(alice).get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert reverse("case_documents", kwargs={"case_id": case.pk}) in page


# --- what is accepted ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "refused"), [
    ("hyresavi.pdf", PDF, None),
    ("Kvitto (1).PDF", PDF, None),
    ("foto.jpg", JPEG, None),
    ("foto.jpeg", JPEG, None),
    ("skarm.png", PNG, None),
    ("skarm.pdf", PNG, "Filens namn stämmer inte med innehållet"),  # a PNG renamed .pdf
    ("intyg.png", PDF, "Filens namn stämmer inte med innehållet"),
    ("foto.png", JPEG, "Filens namn stämmer inte med innehållet"),
    ("intyg.pdf.html", PDF, "Filens namn stämmer inte med innehållet"),
    ("intyg.pdf", b"<html><script>alert(1)</script></html>", "Filtypen går inte att ladda upp"),
    ("intyg.pdf", b"MZ\x90\x00" + b"\x00" * 20, "Filtypen går inte att ladda upp"),
    ("intyg.gif", b"GIF89a" + b"\x00" * 20, "Filtypen går inte att ladda upp"),
    ("intyg.pdf", b"", "Filen är tom"),
    ("..\\intyg.pdf", PDF, "Filnamnet går inte att använda"),
    (".htaccess.pdf", PDF, "Filnamnet går inte att använda"),
    ("intyg\x00.pdf", PDF, "Filnamnet går inte att använda"),
    ("intyg\u202egpj.pdf", PDF, "Filnamnet går inte att använda"),
    ("x" * 201 + ".pdf", PDF, "Filnamnet går inte att använda"),
])
def test_the_content_decides_what_is_accepted(couple, alice, private, name, content, refused):
    case, *_ = couple
    if refused is None:
        assert upload(alice, case, name=name, content=content).original_name == name
        assert len(stored_files(private)) == 1
        return
    with pytest.raises(ValidationError, match=refused):
        upload(alice, case, name=name, content=content)
    assert CaseDocument.objects.count() == 0 and stored_files(private) == []


@pytest.mark.parametrize(("post", "message"), [
    ({"kind": "lease", "title": "Avi", "file": ("avi.pdf", PNG)}, "Filens namn stämmer inte med innehållet"),
    ({"kind": "lease", "title": "Avi", "file": ("avi.pdf", b"")}, "Filen är tom"),
    ({"kind": "lease", "title": "Avi"}, "Välj en fil att ladda upp"),
    ({"kind": "", "title": "Avi", "file": ("avi.pdf", PDF)}, "Välj vad det är för handling"),
    ({"kind": "virus", "title": "Avi", "file": ("avi.pdf", PDF)}, "Välj vad det är för handling"),
    ({"kind": "lease", "title": "  ", "file": ("avi.pdf", PDF)}, "Skriv en rubrik för handlingen"),
    ({"kind": "lease", "title": "Avi", "person": "999999", "file": ("avi.pdf", PDF)}, "Välj en person i hushållet"),
])
def test_the_page_refuses_in_swedish_and_keeps_nothing(couple, alice, private, post, message):
    case, *_ = couple
    data = dict(post)
    if "file" in data:
        data["file"] = SimpleUploadedFile(*data["file"])
    response = client_for(alice).post(reverse("case_documents", kwargs={"case_id": case.pk}), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CaseDocument.objects.count() == 0 and stored_files(private) == []


def test_the_size_limit_is_a_setting_that_cannot_pass_ten_megabytes(couple, alice, private, settings):
    case, *_ = couple
    settings.LIKA_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    assert files.max_upload_size() == 2 * 1024 * 1024
    with pytest.raises(ValidationError, match="Filen är större än 2 MB"):
        upload(alice, case, content=PDF + b"0" * (2 * 1024 * 1024))
    assert upload(alice, case, content=PDF + b"0" * (2 * 1024 * 1024 - len(PDF))).size == 2 * 1024 * 1024
    settings.LIKA_UPLOAD_MAX_BYTES = 50 * 1024 * 1024  # above the database's ceiling: 10 MB holds
    assert files.max_upload_size() == files.HARD_MAX_SIZE
    with pytest.raises(ValidationError, match="Filen är större än 10 MB"):
        upload(alice, case, content=PDF + b"0" * (10 * 1024 * 1024))
    assert CaseDocument.objects.count() == 1 and len(stored_files(private)) == 1


def test_a_person_outside_the_household_is_refused(couple, alice, unit_a, private):
    case, *_ = couple
    _other_case, stranger = single_case(unit_a)
    with pytest.raises(ValidationError, match="Välj en person i hushållet"):
        upload(alice, case, person=stranger.pk)
    assert CaseDocument.objects.count() == 0 and stored_files(private) == []


# --- failures keep nothing -------------------------------------------------------------------

def test_a_full_disk_is_a_swedish_message_and_nothing_is_kept(couple, alice, private, monkeypatch):
    case, *_ = couple
    real_open = builtins.open

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    def full_open(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        return FullDisk(handle) if "x" in mode else handle

    monkeypatch.setattr(builtins, "open", full_open)
    response = client_for(alice).post(reverse("case_documents", kwargs={"case_id": case.pk}), {
        "kind": "receipt", "title": "Kvitto", "file": SimpleUploadedFile("kvitto.pdf", PDF)})
    monkeypatch.undo()
    assert response.status_code == 400
    assert "Filen kunde inte sparas just nu. Ingenting har sparats." in response.content.decode()
    assert CaseDocument.objects.count() == 0 and stored_files(private) == []
    assert not AccessLogEntry.objects.filter(object_type="case_document", action="create").exists()


def test_the_file_is_removed_when_the_row_cannot_be_written(couple, alice, private, monkeypatch):
    case, *_ = couple

    def fail(*args, **kwargs):
        raise RuntimeError("databasen svarar inte")

    monkeypatch.setattr(CaseDocument.objects, "create", fail)
    with pytest.raises(RuntimeError):
        upload(alice, case)
    assert stored_files(private) == []


# --- the other unit --------------------------------------------------------------------------

def test_the_other_units_staff_get_404_everywhere_and_nothing_is_written(couple, alice, charlie, private):
    case, woman, *_ = couple
    document = upload(alice, case, person=woman.pk)
    files_before, logs_before = stored_files(private), AccessLogEntry.objects.count()
    client = client_for(charlie)
    ids = {"case_id": case.pk}
    one = {**ids, "case_document_id": document.pk}
    assert client.get(reverse("case_documents", kwargs=ids)).status_code == 404
    assert client.post(reverse("case_documents", kwargs=ids), {
        "kind": "lease", "title": "Avi", "file": SimpleUploadedFile("avi.pdf", PDF)}).status_code == 404
    assert client.get(reverse("case_document_download", kwargs=one)).status_code == 404
    assert client.post(reverse("case_document_remove", kwargs=one), {"reason": "fel"}).status_code == 404
    for call in (lambda: documents.case_documents(charlie, case.pk),
                 lambda: upload(charlie, case),
                 lambda: documents.document_open(user=charlie, case_id=case.pk, document_id=document.pk),
                 lambda: documents.document_remove(acting_user=charlie, case_id=case.pk, document_id=document.pk,
                                                   reason="fel")):
        with pytest.raises(Http404):
            call()
    assert CaseDocument.objects.count() == 1 and stored_files(private) == files_before
    assert not AccessLogEntry.objects.filter(actor=charlie).exclude(object_type="case").exists()
    document.refresh_from_db()
    assert document.removed_at is None
    assert AccessLogEntry.objects.count() >= logs_before


def test_a_document_id_of_another_case_is_404(couple, alice, unit_a, private):
    case, *_ = couple
    other, _person = single_case(unit_a)
    document = upload(alice, case)
    with pytest.raises(Http404):
        documents.document_open(user=alice, case_id=other.pk, document_id=document.pk)


# --- removal ---------------------------------------------------------------------------------

def test_removal_needs_a_reason_keeps_the_row_and_deletes_the_file(couple, alice, bob, private,
                                                                  django_capture_on_commit_callbacks):
    case, *_ = couple
    document = upload(alice, case)
    path = documents.document_path(document)
    with pytest.raises(ValidationError, match="Skriv varför handlingen tas bort"):
        documents.document_remove(acting_user=bob, case_id=case.pk, document_id=document.pk, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        documents.document_remove(acting_user=bob, case_id=case.pk, document_id=document.pk,
                                  reason="Fel hushålls hyresavi")
    document.refresh_from_db()
    assert (document.removed_by, document.removal_reason) == (bob, "Fel hushålls hyresavi")
    assert document.removed_at is not None and not path.exists()
    assert AccessLogEntry.objects.filter(object_type="case_document", action="update", actor=bob).exists()
    with pytest.raises(Http404):
        documents.document_open(user=alice, case_id=case.pk, document_id=document.pk)
    with pytest.raises(ValidationError, match="redan borttagen"):
        documents.document_remove(acting_user=alice, case_id=case.pk, document_id=document.pk, reason="igen")
    page = client_for(alice).get(reverse("case_documents", kwargs={"case_id": case.pk})).content.decode()
    assert "Fel hushålls hyresavi" in page


def test_the_file_stays_when_the_removal_is_rolled_back(couple, alice, private,
                                                        django_capture_on_commit_callbacks):
    case, *_ = couple
    document = upload(alice, case)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            documents.document_remove(acting_user=alice, case_id=case.pk, document_id=document.pk, reason="fel")
            raise RuntimeError("avbrutet")
    assert documents.document_path(document).exists()
    document.refresh_from_db()
    assert document.removed_at is None


@pytest.mark.parametrize("change", [
    {"title": "Annan rubrik"}, {"kind": "other"}, {"sha256": "0" * 64}, {"stored_name": "b" * 32 + ".pdf"},
])
def test_the_database_refuses_any_change_but_the_removal(couple, alice, private, change):
    case, *_ = couple
    document = upload(alice, case)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseDocument.objects.filter(pk=document.pk).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():  # not even together with the removal
        CaseDocument.objects.filter(pk=document.pk).update(removed_at=timezone.now(), removed_by=alice,
                                                           removal_reason="fel", **change)


def test_the_database_refuses_delete_removal_without_reason_and_undoing_a_removal(couple, alice, private):
    case, *_ = couple
    document = upload(alice, case)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseDocument.objects.filter(pk=document.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseDocument.objects.filter(pk=document.pk).update(removed_at=timezone.now(), removed_by=alice)
    CaseDocument.objects.filter(pk=document.pk).update(removed_at=timezone.now(), removed_by=alice,
                                                       removal_reason="fel ärende")
    for change in ({"removed_at": None, "removed_by": None, "removal_reason": ""}, {"removal_reason": "annat"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CaseDocument.objects.filter(pk=document.pk).update(**change)
    assert CaseDocument.objects.get(pk=document.pk).removal_reason == "fel ärende"


# --- the e-service and protected identity ----------------------------------------------------

def test_nothing_about_a_document_reaches_the_e_service(unit_a, alice, private):
    """Sara has skyddad identitet; a document about her (her lease, with her address) is
    not shown to Johan, her partner, in the e-service — nor to her."""
    from lika.cases import services
    from tests.eservice.conftest import resident_client

    case, woman, man, kids = couple_case(unit_a, case_worker=alice, protected_woman=True)
    application = services.application_create(acting_user=alice, case=case, month=date(2026, 12, 1),
                                              applicant=man)
    document = upload(alice, case, name="kontrakt-hemlig.pdf", title="Hyreskontrakt Hemligvägen 3",
                      person=woman.pk)
    for person in (man, woman):
        client = resident_client(person)
        pages = [reverse("eservice_home"), reverse("eservice_applications"),
                 reverse("eservice_application", kwargs={"application_id": application.pk})]
        for url in pages:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert "Hemligvägen" not in html and "kontrakt-hemlig" not in html, url
        staff = reverse("case_document_download", kwargs={"case_id": case.pk, "case_document_id": document.pk})
        assert client.get(staff).status_code == 302  # the staff login, never the file


# --- concurrency -----------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
def test_two_removals_at_once_remove_once(unit_a, alice, bob, private):
    case, *_ = couple_case(unit_a, case_worker=alice)
    document = upload(alice, case)

    def remove(user, reason):
        return documents.document_remove(acting_user=user, case_id=case.pk, document_id=document.pk, reason=reason)

    results = race(lambda: remove(alice, "dubblett"), lambda: remove(bob, "fel ärende"), expected=(ValidationError,))
    assert sorted(type(r).__name__ for r in results) == ["CaseDocument", "ValidationError"]
    refused = next(r for r in results if isinstance(r, ValidationError))
    assert "redan borttagen" in refused.messages[0]
    assert AccessLogEntry.objects.filter(object_type="case_document", action="update").count() == 1
    assert not documents.document_path(document).exists()
