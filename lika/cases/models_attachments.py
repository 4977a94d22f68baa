"""Handlingar i ärendet: documents the staff of the case's unit upload on a case (the lease,
receipts, certificates, payslips, another authority's decision).  The file is kept under
``settings.LIKA_PRIVATE_FILES`` with a random name (lika/cases/files.py); the row says what
it is, whom it concerns, who uploaded it and its checksum.  A document is never deleted: it
is removed with a reason, and the row stays (the file itself is deleted on removal,
docs/casework.md "Handlingar i ärendet").  The database refuses any other change and any
DELETE (migration ``0011_attachments_case_document``).  Staff only: not shown in the
e-service (lika.cases.documents)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.households.models import Person

from .models import Case

MAX_SIZE = 10 * 1024 * 1024  # lika.cases.files.HARD_MAX_SIZE (a migration must not import it)


class CaseDocument(models.Model):
    class Kind(models.TextChoices):
        LEASE = "lease", _("Hyreskontrakt")
        RECEIPT = "receipt", _("Kvitto")
        CERTIFICATE = "certificate", _("Intyg")
        PAYSLIP = "payslip", _("Lönebesked")
        AUTHORITY_DECISION = "authority_decision", _("Beslut från annan myndighet")
        OTHER = "other", _("Övrigt")

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("gäller"))
    kind = models.CharField(_("slag av handling"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("rubrik"), max_length=200)
    original_name = models.CharField(_("filnamn"), max_length=200)
    stored_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(_("filtyp"), max_length=20, choices=ContentType.choices)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uppladdad av"))
    uploaded_at = models.DateTimeField(_("uppladdad"), default=timezone.now)
    removed_at = models.DateTimeField(_("borttagen"), null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("borttagen av"))
    removal_reason = models.CharField(_("skäl till borttagandet"), max_length=1000, blank=True, default="")

    class Meta:
        verbose_name = _("handling i ärendet")
        verbose_name_plural = _("handlingar i ärendet")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0) & Q(size__lte=MAX_SIZE), name="case_document_size_limit"),
            models.CheckConstraint(condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                                   name="case_document_content_type_known"),
            models.CheckConstraint(condition=~Q(title=""), name="case_document_has_title"),
            models.CheckConstraint(
                condition=(Q(removed_at__isnull=True, removed_by__isnull=True, removal_reason="")
                           | (Q(removed_at__isnull=False, removed_by__isnull=False) & ~Q(removal_reason=""))),
                name="case_document_removed_with_reason"),
        ]

    def __str__(self):
        return f"handling {self.pk} ({self.case_id})"

    @property
    def removed(self) -> bool:
        return self.removed_at is not None
