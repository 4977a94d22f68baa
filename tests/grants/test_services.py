"""The grants app's services on SQLite and PostgreSQL: registers, the association user's
access, the attendance file's line errors, the application's snapshot and counts, and
append-only rule versions."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction  # noqa: F401 - connection: in a skipif
from django.http import Http404

from lika.audit.models import AccessLogEntry
from lika.grants import services
from lika.grants.models import (
    Association,
    GrantApplication,
    Programme,
    ProgrammeRuleVersion,
)
from tests.conftest import _user
from tests.grants.helpers import BAD, GOOD, RULES, upload
from tests.threads import race


@pytest.fixture
def setup(admin_user):
    club = services.association_create(acting_user=admin_user, orgnr="8024000005", name="IK Exempel",
                                       bankgiro="5050-1055")
    other = services.association_create(acting_user=admin_user, orgnr="802400-0013", name="FK Annan")
    giver = services.grant_giver_create(acting_user=admin_user, name="Kultur- och fritidsnämnden")
    programme = services.programme_create(acting_user=admin_user, giver=giver, kind=Programme.Kind.ACTIVITY,
                                          name="Aktivitetsbidrag")
    services.rule_version_add(acting_user=admin_user, programme=programme, rules_dict=RULES)
    user = _user("forening1", "association", None, "Fia", "Förening", association=club)
    return club, other, programme, user


@pytest.mark.parametrize("orgnr, valid", [
    ("802400-0005", True),
    ("8024000005", True),
    ("802400-0006", False),  # wrong check digit
    ("80240000", False),  # too short
    ("abcdef-ghij", False),
])
def test_orgnr_is_validated(admin_user, orgnr, valid):
    if valid:
        club = services.association_create(acting_user=admin_user, orgnr=orgnr, name="IK Exempel")
        assert club.orgnr == "802400-0005"
    else:
        with pytest.raises(ValidationError) as raised:
            services.association_create(acting_user=admin_user, orgnr=orgnr, name="IK Exempel")
        assert "orgnr" in raised.value.message_dict
        assert Association.objects.count() == 0


def test_bad_bankgiro_is_refused(admin_user):
    with pytest.raises(ValidationError) as raised:
        services.association_create(acting_user=admin_user, orgnr="8024000005", name="IK", bankgiro="5050-1056")
    assert "bankgiro" in raised.value.message_dict


def test_only_administrators_keep_registers(setup):
    _club, _other, _programme, user = setup
    with pytest.raises(PermissionDenied):
        services.association_create(acting_user=user, orgnr="8024000021", name="Ny")


def test_association_user_sees_only_her_own(setup):
    club, other, _programme, user = setup
    assert services.own_association(user, club.pk) == club
    with pytest.raises(Http404):
        services.own_association(user, other.pk)


def test_upload_errors_by_line_and_nothing_saved(setup):
    club, _other, programme, _user_ = setup
    preview = services.preview(association=club, programme=programme, upload=upload(BAD))
    lines = [line for line, _message in preview.errors]
    assert lines == [3, 4]
    assert "datum" in preview.errors[0][1] or "2026-13-01" in preview.errors[0][1]
    assert preview.result is None
    assert GrantApplication.objects.count() == 0


def test_file_over_the_limit_is_refused(setup, monkeypatch):
    club, _other, programme, _user_ = setup
    monkeypatch.setattr(services, "MAX_ATTENDANCE_FILE", 10)
    preview = services.preview(association=club, programme=programme, upload=upload(GOOD))
    assert preview.errors and "större än" in preview.errors[0][1]


def test_submit_keeps_the_snapshot_and_counts(setup):
    club, _other, programme, user = setup
    preview = services.preview(association=club, programme=programme, upload=upload(GOOD))
    assert preview.errors == ()
    assert preview.result.total == 5800  # 30 + 10 + 10 + 8 kr
    rejected = [o for o in preview.result.occasions if not o.counted]
    assert [o.reasons for o in rejected] == [("45 minuter, minst 60 krävs",)]
    occasions = services.occasions_from_token(services.occasions_token(preview.occasions))
    application = services.application_submit(acting_user=user, association_id=club.pk, programme=programme,
                                              occasions=occasions)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.total == 5800
    assert application.year == 2026
    version = ProgrammeRuleVersion.objects.get()
    assert application.result["rule_versions"] == [{"id": version.pk, "valid_from": "2026-01-01"}]
    assert application.result["occasions"][1]["reasons"] == ["45 minuter, minst 60 krävs"]
    assert list(application.rule_versions.all()) == [version]
    counts = {(c.gender, c.age_band): (c.participations, c.amount, c.participants, c.leaders)
              for c in application.counts.all()}
    # the leader (born 1990, 36 years) is counted in the band over the programme's ages
    assert counts == {("F", "7-12"): (2, 2000, 2, 0), ("M", "7-12"): (1, 800, 1, 0), ("F", "26+"): (0, 0, 0, 1)}
    assert AccessLogEntry.objects.filter(object_type="grants.grantapplication",
                                         object_id=str(application.pk)).count() == 1


def test_submit_for_another_association_is_refused(setup):
    club, other, programme, user = setup
    preview = services.preview(association=club, programme=programme, upload=upload(GOOD))
    with pytest.raises(Http404):
        services.application_submit(acting_user=user, association_id=other.pk, programme=programme,
                                    occasions=preview.occasions)
    assert GrantApplication.objects.count() == 0


def test_a_tampered_token_is_refused():
    with pytest.raises(ValidationError):
        services.occasions_from_token("not-a-token")


def test_rule_versions_are_append_only(setup, admin_user):
    _club, _other, programme, _user_ = setup
    version = ProgrammeRuleVersion.objects.get()
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        version.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeRuleVersion.objects.filter(pk=version.pk).update(rules={**RULES, "occasion_rate": 99})
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeRuleVersion.objects.filter(pk=version.pk).delete()
    # an earlier or invalid version is refused with a Swedish message
    with pytest.raises(ValidationError, match="efter 2026-01-01"):
        services.rule_version_add(acting_user=admin_user, programme=programme,
                                  rules_dict={**RULES, "valid_from": "2025-07-01"})
    with pytest.raises(ValidationError, match="källa"):
        services.rule_version_add(acting_user=admin_user, programme=programme,
                                  rules_dict={**RULES, "valid_from": "2028-01-01", "source": ""})
    assert ProgrammeRuleVersion.objects.count() == 1
    # a later version takes over the day it begins; the first one ends the day before
    services.rule_version_add(acting_user=admin_user, programme=programme,
                              rules_dict={**RULES, "valid_from": "2027-01-01", "occasion_rate": 40})
    core = services.core_programme(programme)
    assert [str(v.valid_to) for v in core.versions] == ["2026-12-31", "None"]
    assert core.version_on(date(2027, 1, 1)).occasion_rate == 4000


def test_an_inactive_association_has_no_pages(setup):
    club, _other, _programme, user = setup
    Association.objects.filter(pk=club.pk).update(active=False)
    with pytest.raises(Http404):
        services.own_association(user, club.pk)


def test_a_file_not_in_utf8_is_one_swedish_line(setup):
    club, _other, programme, _user_ = setup
    raw = GOOD.replace("2026-03-01;F10;1001", "2026-03-01;Flickor år 10;1001")
    latin = upload(raw)
    latin.file.seek(0)
    latin.file.write(raw.encode("cp1252"))
    latin.file.truncate()
    latin.file.seek(0)
    preview = services.preview(association=club, programme=programme, upload=latin)
    assert preview.result is None
    assert any("inte UTF-8" in message for _line, message in preview.errors)


def test_a_file_over_two_years_is_refused(setup):
    club, _other, programme, _user_ = setup
    text = GOOD + "2027-01-10;F10;1001;2017;K;;60\n"
    preview = services.preview(association=club, programme=programme, upload=upload(text))
    assert preview.result is None
    assert "ett kalenderår" in preview.errors[0][1]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL")
def test_two_browsers_submitting_at_once_stay_within_the_years_cap(admin_user):
    """Two submissions of the same 58 kr file at once under a 70 kr cap: the association's
    row lock makes the second see the first, so together they get at most the cap."""
    club = services.association_create(acting_user=admin_user, orgnr="8024000005", name="IK Exempel")
    giver = services.grant_giver_create(acting_user=admin_user, name="Kultur- och fritidsnämnden")
    programme = services.programme_create(acting_user=admin_user, giver=giver, kind=Programme.Kind.ACTIVITY,
                                          name="Aktivitetsbidrag")
    services.rule_version_add(acting_user=admin_user, programme=programme, rules_dict={**RULES, "cap_per_year": 70})
    user = _user("forening1", "association", None, "Fia", "Förening", association=club)
    occasions = services.preview(association=club, programme=programme, upload=upload(GOOD)).occasions

    def submit():
        return services.application_submit(acting_user=user, association_id=club.pk, programme=programme,
                                           occasions=occasions)

    results = race(submit, submit, expected=())
    assert sorted(a.total for a in results) == [1200, 5800]
    assert sum(a.total for a in GrantApplication.objects.all()) == 7000
