"""Attachments a resident adds to an application in the e-service (receipts, the lease,
certificates).  The file is kept under ``settings.LIKA_PRIVATE_FILES`` (never under the web
root) with a random name; the row says who uploaded it, what it is and its checksum.  Served
only to the parties of the application (the sökande and, in a joint application, the
medsökande) and to the staff of the case's unit, every download written to the access log
(lika.eservice.applying)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.cases.models import Application
from lika.households.models import Person


class ApplicationAttachment(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Kvitto")
        LEASE = "lease", _("Hyreskontrakt eller hyresavi")
        CERTIFICATE = "certificate", _("Intyg")
        OTHER = "other", _("Annat underlag")

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("slag"), max_length=12, choices=Kind.choices)
    original_name = models.CharField(_("filnamn"), max_length=200)
    stored_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(_("filtyp"), max_length=20, choices=ContentType.choices)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("uppladdad av"))
    uploaded_at = models.DateTimeField(_("uppladdad"), default=timezone.now)

    class Meta:
        verbose_name = _("bilaga till ansökan")
        verbose_name_plural = _("bilagor till ansökan")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0) & Q(size__lte=10 * 1024 * 1024),
                                   name="attachment_size_limit"),
            models.CheckConstraint(condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                                   name="attachment_content_type_known"),
        ]

    def __str__(self):
        return f"bilaga {self.pk} ({self.application_id})"
