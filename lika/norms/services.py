"""Writing norm tables: the shipped files, and an administrator's corrections."""

import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from lika.accounts.models import Role
from lika.audit.services import CREATE, access_log_write
from lika.core.norms import NormTableError, parse_norm_table

from .files import read_table_file, shipped_files
from .models import NormTableVersion


def _checksum(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def norm_tables_load_shipped(*, acting_user=None, using="default") -> list[str]:
    """Add each shipped year that is missing or whose shipped file changed.

    A year whose version in force was entered by an administrator is left as it
    is: a local correction wins over a later release's file.
    """
    report = []
    for path in shipped_files():
        data = read_table_file(path)
        table = parse_norm_table(data)
        checksum = _checksum(data)
        with transaction.atomic(using=using):
            current = (NormTableVersion.objects.using(using).select_for_update()
                       .filter(year=table.year).order_by("-version").first())
            if current is not None and (current.origin == NormTableVersion.Origin.ADMINISTRATOR
                                        or current.shipped_checksum == checksum):
                continue
            row = NormTableVersion.objects.using(using).create(
                year=table.year, version=(current.version + 1) if current else 1,
                status=table.status, source=table.source, data=data,
                origin=NormTableVersion.Origin.SHIPPED, shipped_checksum=checksum,
                note=f"Inläst från {path.name}", created_by=acting_user,
            )
            _log(row, acting_user, old=current.data if current else None, using=using)
            report.append(f"{row}: {row.get_status_display().lower()}")
    return report


def norm_table_save(*, acting_user, data: dict, note: str) -> NormTableVersion:
    """An administrator adds a year or corrects one: a new version in force."""
    if acting_user is None or not acting_user.has_role(Role.ADMINISTRATOR):
        raise PermissionDenied("endast systemadministratörer får ändra normtabeller")
    if not note.strip():
        raise ValidationError("ange varför tabellen läggs in eller ändras")
    try:
        table = parse_norm_table(data)
    except NormTableError as exc:
        raise ValidationError(str(exc)) from None
    data = table.as_dict()
    with transaction.atomic():
        current = (NormTableVersion.objects.select_for_update()
                   .filter(year=table.year).order_by("-version").first())
        if current is not None and _same_amounts(parse_norm_table(current.data), table):
            raise ValidationError("tabellen är oförändrad")
        row = NormTableVersion.objects.create(
            year=table.year, version=(current.version + 1) if current else 1,
            status=table.status, source=table.source, data=data,
            origin=NormTableVersion.Origin.ADMINISTRATOR, note=note.strip(), created_by=acting_user,
        )
        _log(row, acting_user, old=current.data if current else None)
    return row


def _same_amounts(a, b) -> bool:
    return (a.year, a.status, a.source, dict(a.cells), a.estimated) == \
        (b.year, b.status, b.source, dict(b.cells), b.estimated)


def _log(row, actor, *, old, using="default"):
    access_log_write(actor=actor, action=CREATE, object_type="norm_table", object_id=row.pk,
                     summary=f"{row} ({row.note})", old=old, new=row.data, using=using)
