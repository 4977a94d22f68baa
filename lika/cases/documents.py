"""Handlingar i ärendet (docs/casework.md): documents the staff of the case's unit upload on
the case, and the list that shows them together with the residents' attachments to their
applications in the e-service.

- Only the staff of the case's unit list, upload, download and remove (``access_case``:
  another unit gets 404).  A document that concerns a person names a member of the case's
  household whom the unit handles.
- The file is checked and written by lika.cases.files (the same rule as the e-service):
  PDF, JPEG or PNG by content, at most ``LIKA_UPLOAD_MAX_BYTES``, under
  ``LIKA_PRIVATE_FILES/cases/documents/<case id>/`` with a random name.  The row is written
  after the file, in one transaction with its access-log row; if it cannot be written the
  file is removed again, so nothing is half-kept.
- Every download is a read row in the access log (with the person it concerns).
- Removal needs a reason; the row stays with who removed it, when and why, and the file is
  deleted once the removal is committed.  The database refuses every other change and
  every DELETE of the row.
- Staff only: the e-service never shows these documents, so nothing about a document
  (not even that it exists) reaches the resident or her partner — which matters when one
  of them has skyddad identitet and the document (a lease, say) carries an address."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lika.audit.services import CREATE, READ, UPDATE, access_log_write
from lika.households.models import Person

from . import files
from .access import access_case, can_work_with_cases, handled_elsewhere
from .models import Application, Case
from .models_attachments import CaseDocument

MAX_DOCUMENTS = 500  # per case: a bound on what one case may keep on disk
OBJECT_TYPE = "case_document"


def document_folder(case_id):
    return files.private_folder("cases", "documents", int(case_id))


def document_path(document: CaseDocument):
    return document_folder(document.case_id) / document.stored_name


def people_of(case: Case, user) -> list[Person]:
    """Whom a document may concern: the members (past and present) of the case's household
    whom the user's unit handles, in name order."""
    people = (Person.objects.filter(memberships__household_id=case.household_id).distinct()
              .order_by("last_name", "first_name", "id"))
    return [p for p in people if not handled_elsewhere(user, p)]


@dataclass(frozen=True)
class Attachment:
    """A resident's attachment to an application, as the Handlingar list shows it."""

    id: int
    application_id: int
    month: object
    kind: str
    name: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: object


def application_attachments(case: Case) -> list[Attachment]:
    """The residents' attachments to the case's applications (read-only here; each opens
    through the existing staff download, ``application_attachment``)."""
    found = []
    for application in (Application.objects.filter(case=case).order_by("-month", "-id")
                         .prefetch_related("attachments__uploaded_by_person")):
        for a in application.attachments.all():
            found.append(Attachment(a.pk, application.pk, application.month, a.get_kind_display(), a.original_name,
                                    a.content_type, a.size, str(a.uploaded_by_person), a.uploaded_at))
    return found


def case_documents(user, case_id, *, what: str = "Läst handlingar i ärendet") -> tuple[Case, list[CaseDocument]]:
    """The case and its documents (removed ones too, marked) for its unit's staff; logged."""
    case = access_case(user, case_id, what=what)
    documents = list(CaseDocument.objects.filter(case=case).select_related("person", "uploaded_by", "removed_by"))
    return case, documents


def _locked_case(user, case_id) -> Case:
    if not can_work_with_cases(user):
        raise PermissionDenied
    case = Case.objects.select_for_update().filter(pk=case_id, unit_id=user.unit_id).first()
    if case is None:  # moved to another unit meanwhile
        raise Http404
    return case


def _person(case: Case, user, person_id) -> Person | None:
    if person_id in (None, ""):
        return None
    try:
        person_id = int(person_id)
    except (TypeError, ValueError):
        person_id = None
    person = next((p for p in people_of(case, user) if p.pk == person_id), None)
    if person is None:
        raise ValidationError({"person": _("Välj en person i hushållet, eller hela hushållet.")})
    return person


def document_upload(*, acting_user, case_id, kind: str, title: str, upload, person_id=None) -> CaseDocument:
    """Check and keep a document on the case.  Refused with a Swedish message: an unknown
    kind, no title, a person outside the household, a file that is not accepted
    (lika.cases.files), or a disk that refuses (nothing is kept)."""
    case = access_case(acting_user, case_id, what="Laddar upp handling", log=False)
    if kind not in CaseDocument.Kind.values:
        raise ValidationError({"kind": _("Välj vad det är för handling.")})
    title = " ".join(str(title or "").split())
    if not title:
        raise ValidationError({"title": _("Skriv en rubrik för handlingen.")})
    if len(title) > 200:
        raise ValidationError({"title": _("Rubriken får vara högst 200 tecken.")})
    person = _person(case, acting_user, person_id)
    checked = files.checked_upload(upload)
    stored = files.store(upload, checked, document_folder(case.pk), failed_message=_(
        "Filen kunde inte sparas just nu. Ingenting har sparats. Försök igen om en stund; om det inte går, "
        "kontakta den som förvaltar Lika."))
    try:
        with transaction.atomic():
            case = _locked_case(acting_user, case.pk)
            if CaseDocument.objects.filter(case=case).count() >= MAX_DOCUMENTS:
                raise ValidationError(_("Ett ärende kan ha högst %(n)s handlingar.") % {"n": MAX_DOCUMENTS})
            document = CaseDocument.objects.create(
                case=case, person=person, kind=kind, title=title, original_name=checked.name,
                stored_name=stored.stored_name, content_type=checked.content_type, size=stored.size,
                sha256=stored.sha256, uploaded_by=acting_user)
            access_log_write(actor=acting_user, action=CREATE, object_type=OBJECT_TYPE, object_id=document.pk,
                             person_id=person.pk if person else None, household_id=case.household_id,
                             summary=f"Handling ({document.get_kind_display()}) uppladdad i ärende {case.reference}",
                             new={"kind": kind, "size": stored.size, "sha256": stored.sha256,
                                  "type": checked.content_type, "person": person.pk if person else None})
    except BaseException:
        files.discard(stored)
        raise
    return document


def _document(case: Case, document_id, *, lock: bool = False) -> CaseDocument:
    query = CaseDocument.objects.select_related("case", "person")
    if lock:
        query = query.select_for_update(of=("self",))
    document = query.filter(pk=document_id, case=case).first()
    if document is None:
        raise Http404
    return document


def document_open(*, user, case_id, document_id):
    """(document, open file) for a download by the case's unit; the read is logged.  A
    removed document is not served (404): its file is gone."""
    case = access_case(user, case_id, what="Handling i ärendet", log=False)
    document = _document(case, document_id)
    if document.removed:
        raise Http404
    handle = files.opened(document_path(document))
    access_log_write(actor=user, action=READ, object_type=OBJECT_TYPE, object_id=document.pk,
                     person_id=document.person_id, household_id=case.household_id,
                     summary=f"Handling ({document.get_kind_display()}) hämtad i ärende {case.reference}")
    return document, handle


@transaction.atomic
def document_remove(*, acting_user, case_id, document_id, reason: str) -> CaseDocument:
    """Remove a document with a reason: the row stays (who, when, why) and the file is
    deleted when the transaction commits."""
    case = _locked_case(acting_user, case_id)
    document = _document(case, document_id, lock=True)
    if document.removed:
        raise ValidationError(_("Handlingen är redan borttagen."))
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv varför handlingen tas bort.")})
    if len(reason) > 1000:
        raise ValidationError({"reason": _("Skälet får vara högst 1000 tecken.")})
    document.removed_at, document.removed_by, document.removal_reason = timezone.now(), acting_user, reason
    document.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    access_log_write(actor=acting_user, action=UPDATE, object_type=OBJECT_TYPE, object_id=document.pk,
                     person_id=document.person_id, household_id=case.household_id,
                     summary=f"Handling ({document.get_kind_display()}) borttagen i ärende {case.reference}",
                     old={"removed": False}, new={"removed": True, "reason": reason})
    path = document_path(document)
    transaction.on_commit(lambda: files.discard(path))
    return document
