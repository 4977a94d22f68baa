"""Uploaded files kept on the case: the one place where an upload is checked and written.

Used by the residents' attachments to an application in the e-service
(lika.eservice.applying) and by the documents staff upload on the case
(lika.cases.documents), so both follow the same rule:

- PDF, JPEG or PNG, recognised by the file's first bytes; the name and the browser's
  content type are not trusted, and a name whose ending does not match the content is
  refused (a PNG named .pdf);
- not empty and at most ``max_upload_size()`` bytes: the setting ``LIKA_UPLOAD_MAX_BYTES``
  (10 MB), which may lower but never raise the ceiling ``HARD_MAX_SIZE`` that the database's
  check constraints also hold;
- a file name without folders, control characters or a leading dot;
- written under ``settings.LIKA_PRIVATE_FILES`` (outside the web root and STATIC_ROOT) with
  a random name, opened exclusively (a random name never overwrites a file), synced to disk;
  on any failure (a full disk, a missing or read-only directory, a file that grows past the
  limit while it is read) the partial file is removed and a Swedish ValidationError raised:
  nothing is kept.

The caller writes its database row after ``store`` and calls ``discard`` if that fails, so a
file is never left without its row (see ``attachment_upload`` and ``document_upload``)."""

import hashlib
import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

HARD_MAX_SIZE = 10 * 1024 * 1024  # the database constraints' ceiling (10 MB)
PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
CONTENT_TYPES = (PDF, JPEG, PNG)
SIGNATURES = (
    (b"%PDF-", PDF, (".pdf",)),
    (b"\xff\xd8\xff", JPEG, (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", PNG, (".png",)),
)
SAFE_NAME = re.compile(r"^[\w .()\-,+&']{1,200}$")


def max_upload_size() -> int:
    """The largest file accepted, in bytes: ``LIKA_UPLOAD_MAX_BYTES``, never above 10 MB."""
    configured = int(getattr(settings, "LIKA_UPLOAD_MAX_BYTES", HARD_MAX_SIZE) or HARD_MAX_SIZE)
    return max(1, min(configured, HARD_MAX_SIZE))


def _too_big() -> ValidationError:
    megabytes = f"{max_upload_size() / (1024 * 1024):.1f}".removesuffix(".0")
    return ValidationError({"file": _("Filen är större än %(size)s MB. Ta en mindre bild eller dela upp "
                                      "dokumentet.") % {"size": megabytes}})


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    ending: str  # ".pdf", ".jpg" or ".png": the stored file's ending
    name: str  # the name as uploaded (checked), shown and offered on download


def checked_upload(upload) -> CheckedUpload:
    """An upload checked by its content.  Refused with a Swedish message (on the field
    ``file``): none, empty or larger than the limit, not a PDF, JPEG or PNG, or a name with
    folders, control characters or an ending that does not match the content."""
    if upload is None:
        raise ValidationError({"file": _("Välj en fil att ladda upp.")})
    if upload.size == 0:
        raise ValidationError({"file": _("Filen är tom.")})
    if upload.size > max_upload_size():
        raise _too_big()
    name = str(upload.name or "")
    if (not SAFE_NAME.match(name) or name.startswith(".") or ".." in name
            or any(not ch.isprintable() for ch in name)):
        raise ValidationError({"file": _("Filnamnet går inte att använda. Byt namn på filen till bara bokstäver, "
                                         "siffror och punkt, till exempel kvitto.pdf.")})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type, endings in SIGNATURES:
        if head.startswith(magic):
            if not name.lower().endswith(endings):
                raise ValidationError({"file": _("Filens namn stämmer inte med innehållet. En PDF ska sluta på "
                                                 ".pdf, en bild på .jpg eller .png.")})
            return CheckedUpload(content_type, endings[0], name)
    raise ValidationError({"file": _("Filtypen går inte att ladda upp. Ladda upp en PDF, JPEG eller PNG.")})


@dataclass(frozen=True)
class StoredFile:
    path: Path
    stored_name: str
    size: int
    sha256: str


def private_folder(*parts) -> Path:
    """A folder under ``LIKA_PRIVATE_FILES`` (ids are made integers: no path from input)."""
    return Path(settings.LIKA_PRIVATE_FILES).joinpath(*(str(int(p)) if isinstance(p, int) else p for p in parts))


def store(upload, checked: CheckedUpload, folder: Path, *, failed_message: str) -> StoredFile:
    """Write the checked upload into ``folder`` under a random name; its size and sha256.
    ``failed_message``: the Swedish message (for its reader) when the disk refuses."""
    stored_name = f"{secrets.token_hex(16)}{checked.ending}"
    path = folder / stored_name
    digest = hashlib.sha256()
    written = 0
    limit = max_upload_size()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as out:  # "x": a random name never overwrites a file
            try:
                for chunk in upload.chunks():
                    digest.update(chunk)
                    written += len(chunk)
                    if written > limit:
                        raise _too_big()
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            except BaseException:
                out.close()
                path.unlink(missing_ok=True)
                raise
    except OSError as error:  # a full disk, a missing or read-only directory: nothing is kept
        path.unlink(missing_ok=True)
        log.error("filen kunde inte sparas: %s", error)
        raise ValidationError({"file": failed_message}) from error
    if written == 0:
        path.unlink(missing_ok=True)
        raise ValidationError({"file": _("Filen är tom.")})
    return StoredFile(path, stored_name, written, digest.hexdigest())


def discard(stored: StoredFile | Path) -> None:
    """Remove a stored file (its row could not be written, or it was removed)."""
    path = stored.path if isinstance(stored, StoredFile) else stored
    try:
        path.unlink(missing_ok=True)
    except OSError as error:  # logged; the row says the file is gone either way
        log.error("filen kunde inte tas bort: %s", error)


def opened(path: Path):
    """The stored file, open for reading; 404 if it is not there."""
    if not path.is_file():
        raise Http404
    return open(path, "rb")  # noqa: SIM115 - closed by the FileResponse


def file_response(handle, *, name: str, content_type: str) -> FileResponse:
    """A download: always as an attachment (never shown inline), the type not to be guessed
    by the browser, sandboxed if it is opened anyway, and never cached."""
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
