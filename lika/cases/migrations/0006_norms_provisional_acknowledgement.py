"""An issued decision on a provisional riksnorm records who acknowledged that its amount
is preliminary, and when (issue 14); the database refuses one without.

SQLite rebuilds cases_decision to add the check constraint: the triggers on it and the
ones on other tables that name it (audit 0003, cases 0005) are dropped first and
created again afterwards, the append-only guard then covering the new columns too.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _sqlite_statements(apps):
    records = importlib.import_module("lika.audit.migrations.0003_records_append_only")
    guards = importlib.import_module("lika.cases.migrations.0005_decision_guards")
    names = [name for name, _sql in records.sqlite_triggers(records._sqlite_columns(apps))]
    names += [sql.split()[2] for sql in guards.SQLITE]
    creates = [sql for _name, sql in records.sqlite_triggers(records._sqlite_columns(apps))] + guards.SQLITE
    return [f"DROP TRIGGER IF EXISTS {name};" for name in names], creates


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in _sqlite_statements(apps)[0]:
            schema_editor.execute(sql, params=None)


def create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        drops, creates = _sqlite_statements(apps)
        for sql in drops + creates:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_decision_guards'),
        ('audit', '0003_records_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.AddField(
            model_name='decision',
            name='norm_provisional',
            field=models.BooleanField(default=False, verbose_name='preliminär riksnorm'),
        ),
        migrations.AddField(
            model_name='decision',
            name='provisional_acknowledged_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='preliminär riksnorm godtagen'),
        ),
        migrations.AddField(
            model_name='decision',
            name='provisional_acknowledged_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='preliminär riksnorm godtagen av'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'issued'), _negated=True), ('norm_provisional', False), models.Q(('provisional_acknowledged_at__isnull', False), ('provisional_acknowledged_by__isnull', False)), _connector='OR'), name='provisional_decision_acknowledged'),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
