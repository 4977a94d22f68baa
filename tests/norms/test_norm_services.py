"""Norm tables in the database: shipped files, administrator corrections, audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lika.audit.models import AccessLogEntry
from lika.norms import selectors
from lika.norms.files import shipped_tables
from lika.norms.models import NormTableVersion
from lika.norms.services import norm_table_save, norm_tables_load_shipped

pytestmark = pytest.mark.django_db


def corrected(year, **cells):
    data = shipped_tables()[year].as_dict()
    for cell, value in cells.items():
        section, key = cell.split("__")
        data[section] = dict(data[section], **{key: value})
    return data


def test_migrate_loads_every_shipped_year_once():
    years = sorted(NormTableVersion.objects.values_list("year", flat=True))
    assert years == sorted(shipped_tables())
    assert norm_tables_load_shipped() == []  # nothing new on a second load


def test_the_table_in_force_equals_the_shipped_file():
    for year, table in shipped_tables().items():
        assert selectors.norm_table_for_year(year) == table


def test_an_administrator_correction_is_a_new_version_in_force_with_an_audit_row(admin_user):
    row = norm_table_save(acting_user=admin_user, data=corrected(2026, adults__single=3950),
                          note="Belopp enligt SFS 2025:xxx")
    assert (row.year, row.version, row.origin) == (2026, 2, "administrator")
    assert selectors.norm_table_for_year(2026).amount("adults.single") == 395000
    assert NormTableVersion.objects.filter(year=2026).count() == 2  # the old version is kept
    entry = AccessLogEntry.objects.get(object_type="norm_table", object_id=str(row.pk))
    assert entry.actor == admin_user
    assert entry.old_values["adults"]["single"] == 3940
    assert entry.new_values["adults"]["single"] == 3950


def test_a_local_correction_wins_over_a_later_shipped_file(admin_user, monkeypatch):
    norm_table_save(acting_user=admin_user, data=corrected(2025, adults__single=3901), note="Rättad")
    assert norm_tables_load_shipped() == []
    assert selectors.norm_table_for_year(2025).amount("adults.single") == 390100


def test_a_changed_shipped_file_adds_a_version(monkeypatch):
    from lika.norms import services

    original = services.read_table_file

    def changed(path):
        data = original(path)
        if data["year"] == 2024:
            data["adults"] = dict(data["adults"], single=3800)
        return data

    monkeypatch.setattr(services, "read_table_file", changed)
    assert norm_tables_load_shipped() == ["Riksnorm 2024 v2: preliminär"]
    assert selectors.norm_table_for_year(2024).amount("adults.single") == 380000


@pytest.mark.parametrize("persona", ["alice", "bob", "stina", "petra"])
def test_only_administrators_may_change_norm_tables(persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        norm_table_save(acting_user=user, data=corrected(2026), note="x")
    assert NormTableVersion.objects.filter(year=2026).count() == 1


@pytest.mark.parametrize(
    ("data", "note", "message"),
    [
        (corrected(2026, household__3=1), "Fel", "öka"),
        (corrected(2026), "", "varför"),
        (corrected(2026), "Ingen ändring", "oförändrad"),
    ],
)
def test_a_bad_correction_is_refused_and_nothing_is_written(admin_user, data, note, message):
    entries = AccessLogEntry.objects.count()
    with pytest.raises(ValidationError, match=message):
        norm_table_save(acting_user=admin_user, data=data, note=note)
    assert NormTableVersion.objects.filter(year=2026).count() == 1
    assert AccessLogEntry.objects.count() == entries


def test_a_new_year_can_be_added(admin_user):
    data = corrected(2026)
    data.update(year=2027, status="verified", source="SFS 2026:1", estimated=[])
    row = norm_table_save(acting_user=admin_user, data=data, note="Ny riksnorm")
    assert (row.year, row.version, row.status) == (2027, 1, "verified")
