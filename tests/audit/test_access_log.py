"""The access log is append-only, enforced by the model and by the database."""

import pytest
from django.db import DatabaseError, connection, transaction

from lika.audit.models import AccessLogEntry, AppendOnlyError
from lika.audit.services import READ, access_log_write

pytestmark = pytest.mark.django_db


def test_a_row_records_who_what_and_when(alice):
    entry = access_log_write(actor=alice, action=READ, object_type="person", object_id=7, person_id=7,
                             summary="Visade personen")
    assert (entry.actor_name, entry.action, entry.person_id) == ("alice", "read", 7)
    assert entry.at is not None


def test_the_model_refuses_update_and_delete(alice):
    entry = access_log_write(actor=alice, action=READ, object_type="person", object_id=1)
    entry.summary = "ändrad"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.parametrize("sql", ["UPDATE audit_accesslogentry SET summary = 'x'",
                                 "DELETE FROM audit_accesslogentry"])
def test_the_database_refuses_update_and_delete(alice, sql):
    access_log_write(actor=alice, action=READ, object_type="person", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AccessLogEntry.objects.filter(summary="x").count() == 0
    assert AccessLogEntry.objects.count() >= 1


def test_queryset_update_is_refused_too(alice):
    access_log_write(actor=alice, action=READ, object_type="person", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.update(summary="x")
