"""The registers an association keeps itself: its board per year (legal gender, birth year,
role: the representation data of the 3R analysis), its members per legal gender and age band
per year, and its documents (statutes, annual report, annual accounts, budget; PDF).

Every write locks the association's row, happens in one transaction and has its access-log
row; every document download is logged too.  An association user reaches only her own
association (``own_association``); the administrator reaches every association."""

import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from lika.accounts.models import Role
from lika.audit.services import access_log_write
from lika.core import sponsorship as reach_rules

from .models import Association, AssociationDocument, BoardMember, MembershipCount
from .services import ADMIN_ROLES, own_association

# The largest document taken: 10 MB holds a scanned annual report of some 30 pages (an
# estimate, not a rule).
MAX_DOCUMENT_SIZE = 10_000_000
PDF_MAGIC = b"%PDF-"  # ISO 32000-1:2008 §7.5.2: the file begins with a header "%PDF-1.n"
PDF_END = b"%%EOF"  # §7.5.5: the last line of the file (a trailing newline may follow)
END_WINDOW = 1024  # bytes at the end searched for PDF_END (writers add whitespace or junk)
YEARS = range(1900, 2101)


def association_for(user, association_id) -> Association:
    """The association whose registers the user may see: her own for an association user,
    any active one for the administrator; 404 otherwise."""
    if user.has_role(*ADMIN_ROLES):
        association = Association.objects.filter(pk=association_id).first()
        if association is None:
            raise Http404
        return association
    if user.has_role(Role.ASSOCIATION):
        return own_association(user, association_id)
    raise PermissionDenied


def _locked(user, association_id) -> Association:
    association = association_for(user, association_id)
    return Association.objects.select_for_update().get(pk=association.pk)


def _year(year) -> int:
    if year not in YEARS:
        raise ValidationError(f"året ska vara {YEARS.start}–{YEARS.stop - 1}")
    return year


# ---------------------------------------------------------------- board


def board_member_add(*, acting_user, association_id, year, name, role, gender, birth_year) -> BoardMember:
    """A board member for a year: name, role (uppdrag), legal gender, birth year."""
    member = BoardMember(association_id=association_id, year=year, name=(name or "").strip(),
                         role=(role or "").strip(), gender=gender or "", birth_year=birth_year)
    _year(year)
    if birth_year is not None and not YEARS.start <= birth_year <= year:
        raise ValidationError({"birth_year": "Födelseåret ska ligga mellan 1900 och styrelseåret."})
    with transaction.atomic():
        association = _locked(acting_user, association_id)
        member.association = association
        member.full_clean()
        member.save()
        access_log_write(actor=acting_user, action="create", object_type="grants.boardmember", object_id=member.pk,
                         summary=f"Styrelseledamot {year} för {association.orgnr}: {member.role}"[:300],
                         new={"year": year, "name": member.name, "role": member.role, "gender": member.gender,
                              "birth_year": birth_year})
    return member


def board_member_remove(*, acting_user, association_id, member_id) -> None:
    with transaction.atomic():
        association = _locked(acting_user, association_id)
        member = BoardMember.objects.filter(pk=member_id, association=association).first()
        if member is None:
            raise ValidationError("Ledamoten finns inte (redan borttagen?).")
        old = {"year": member.year, "name": member.name, "role": member.role, "gender": member.gender,
               "birth_year": member.birth_year}
        member.delete()
        access_log_write(actor=acting_user, action="delete", object_type="grants.boardmember", object_id=member_id,
                         summary=f"Styrelseledamot {old['year']} för {association.orgnr} borttagen", old=old)


def board_summary(members) -> dict:
    """Board members per legal gender (F, M, not known) for the page."""
    counts = {g: 0 for g in reach_rules.GENDERS}
    for member in members:
        counts[member.gender if member.gender in counts else ""] += 1
    return counts


# ---------------------------------------------------------------- members


def membership_counts(association, year) -> dict:
    return {(c.gender, c.age_band): c.count for c in MembershipCount.objects.filter(association=association, year=year)}


def membership_counts_save(*, acting_user, association_id, year, counts) -> dict:
    """Replace the year's members per legal gender and age band (the register bands of
    ``lika.core.sponsorship``)."""
    _year(year)
    try:
        checked = reach_rules.check_counts(counts)
    except reach_rules.ReachError as exc:
        raise ValidationError(str(exc)) from None
    with transaction.atomic():
        association = _locked(acting_user, association_id)
        old = membership_counts(association, year)
        MembershipCount.objects.filter(association=association, year=year).delete()
        MembershipCount.objects.bulk_create(
            MembershipCount(association=association, year=year, gender=g, age_band=b, count=n)
            for (g, b), n in checked.items() if n)
        access_log_write(actor=acting_user, action="update" if old else "create",
                         object_type="grants.membershipcount", object_id=f"{association.pk}/{year}",
                         summary=f"Medlemmar {year} för {association.orgnr}: {sum(checked.values())}",
                         old={f"{g or '-'} {b}": n for (g, b), n in old.items()} or None,
                         new={f"{g or '-'} {b}": n for (g, b), n in checked.items() if n})
    return checked


# ---------------------------------------------------------------- documents


def document_folder(association_id) -> Path:
    return Path(settings.LIKA_PRIVATE_FILES) / "grants" / str(int(association_id))


def check_pdf(upload) -> None:
    """Size first, then content: a PDF begins with ``%PDF-`` and ends with ``%%EOF``.  The
    name and the browser's content type are not trusted."""
    if upload.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(f"Filen är större än {MAX_DOCUMENT_SIZE // 1_000_000} MB.")
    if upload.size == 0:
        raise ValidationError("Filen är tom.")
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(max(0, upload.size - END_WINDOW))
    tail = upload.read(END_WINDOW)
    upload.seek(0)
    if head != PDF_MAGIC or PDF_END not in tail:
        raise ValidationError("Filen är ingen PDF. Spara dokumentet som PDF och ladda upp det igen.")


def _safe_name(name: str) -> str:
    """The uploaded file's name as shown and offered on download: no folders, no control
    characters, at most 200 characters, ending in .pdf."""
    base = Path(str(name).replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?') or "dokument.pdf"
    if not base.lower().endswith(".pdf"):
        base += ".pdf"
    return base[-200:]


def document_upload(*, acting_user, association_id, kind, year, upload) -> AssociationDocument:
    """Check and keep an uploaded document.  The file is written first under a random name;
    if the database row cannot be written, the file is removed again."""
    if kind not in AssociationDocument.Kind.values:
        raise ValidationError("Okänt slag av dokument.")
    _year(year)
    association_for(acting_user, association_id)  # refuse before reading the file
    check_pdf(upload)
    folder = document_folder(association_id)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"{secrets.token_hex(16)}.pdf"
    path = folder / stored_name
    digest = hashlib.sha256()
    with open(path, "xb") as out:  # "x": a random name never overwrites a file
        try:
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    try:
        with transaction.atomic():
            association = _locked(acting_user, association_id)
            document = AssociationDocument.objects.create(
                association=association, kind=kind, year=year, file_name=_safe_name(upload.name),
                stored_name=stored_name, size=upload.size, sha256=digest.hexdigest(), uploaded_by=acting_user)
            access_log_write(actor=acting_user, action="create", object_type="grants.associationdocument",
                             object_id=document.pk,
                             summary=f"{document.get_kind_display()} {year} för {association.orgnr} uppladdad"[:300],
                             new={"kind": kind, "year": year, "size": upload.size, "sha256": document.sha256})
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return document


def document_open(*, acting_user, association_id, document_id):
    """(document, open file) for a download the user may make; logged.  404 for a document
    of another association or a file that is gone."""
    association = association_for(acting_user, association_id)
    document = AssociationDocument.objects.filter(pk=document_id, association=association).first()
    if document is None:
        raise Http404
    path = document_folder(association.pk) / document.stored_name
    if not path.is_file():
        raise Http404
    handle = open(path, "rb")  # noqa: SIM115 - closed by the FileResponse
    access_log_write(actor=acting_user, action="read", object_type="grants.associationdocument",
                     object_id=document.pk,
                     summary=f"{document.get_kind_display()} {document.year} för {association.orgnr} hämtad"[:300])
    return document, handle
