"""The association's registers on SQLite and PostgreSQL: board members per year, membership
counts per legal gender and age band, documents (PDF checked by content and size, kept
outside the web root, served only to the association and the administrator), each write
and download in the access log."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from lika.audit.models import AccessLogEntry
from lika.grants import registers, services
from lika.grants.models import AssociationDocument, BoardMember, MembershipCount
from tests.conftest import _user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name="stadgar.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def world(admin_user, settings, tmp_path):
    settings.LIKA_PRIVATE_FILES = tmp_path / "private"
    club = services.association_create(acting_user=admin_user, orgnr="8024000005", name="IK Exempel")
    other = services.association_create(acting_user=admin_user, orgnr="802400-0013", name="FK Annan")
    user = _user("forening1", "association", None, "Fia", "Förening", association=club)
    stranger = _user("forening2", "association", None, "Åsa", "Annan", association=other)
    return club, other, user, stranger


def test_the_board_is_kept_per_year_with_legal_gender(world):
    club, _other, user, _stranger = world
    chair = registers.board_member_add(acting_user=user, association_id=club.pk, year=2026, name="Anna Ek",
                                       role="Ordförande", gender="F", birth_year=1980)
    registers.board_member_add(acting_user=user, association_id=club.pk, year=2026, name="Bo Gran", role="Kassör",
                               gender="M", birth_year=1975)
    registers.board_member_add(acting_user=user, association_id=club.pk, year=2025, name="Cia Lind", role="Ledamot",
                               gender="F", birth_year=None)
    board = BoardMember.objects.filter(association=club, year=2026)
    assert registers.board_summary(board) == {"F": 1, "M": 1, "": 0}
    registers.board_member_remove(acting_user=user, association_id=club.pk, member_id=chair.pk)
    assert list(board.values_list("name", flat=True)) == ["Bo Gran"]
    entry = AccessLogEntry.objects.get(object_type="grants.boardmember", action="delete")
    assert entry.old_values["name"] == "Anna Ek"
    with pytest.raises(ValidationError, match="redan borttagen"):
        registers.board_member_remove(acting_user=user, association_id=club.pk, member_id=chair.pk)


@pytest.mark.parametrize("fields, message", [
    ({"name": "", "role": "Ledamot"}, "name"),
    ({"name": "Ann", "role": ""}, "role"),
    ({"name": "Ann", "role": "Ledamot", "gender": "X"}, "gender"),
    ({"name": "Ann", "role": "Ledamot", "birth_year": 2030}, "Födelseåret"),
    ({"name": "Ann", "role": "Ledamot", "year": 1800}, "året ska vara"),
])
def test_a_bad_board_member_is_refused_and_nothing_saved(world, fields, message):
    club, _other, user, _stranger = world
    values = {"year": 2026, "gender": "F", "birth_year": 1990, **fields}
    with pytest.raises(ValidationError, match=message):
        registers.board_member_add(acting_user=user, association_id=club.pk, **values)
    assert BoardMember.objects.count() == 0


def test_another_association_is_never_reached(world):
    club, other, user, stranger = world
    with pytest.raises(Http404):
        registers.board_member_add(acting_user=user, association_id=other.pk, year=2026, name="X", role="Y",
                                   gender="F", birth_year=None)
    with pytest.raises(Http404):
        registers.membership_counts_save(acting_user=stranger, association_id=club.pk, year=2026, counts={})
    analyst = _user("stina", "analyst", None, "Stina", "Svensson")
    with pytest.raises(PermissionDenied):
        registers.association_for(analyst, club.pk)


def test_membership_counts_replace_the_year(world, admin_user):
    club, _other, user, _stranger = world
    registers.membership_counts_save(acting_user=user, association_id=club.pk, year=2026,
                                     counts={("F", "7-12"): 12, ("M", "7-12"): 9, ("", "13-16"): 1})
    registers.membership_counts_save(acting_user=admin_user, association_id=club.pk, year=2026,
                                     counts={("F", "7-12"): 13, ("M", "7-12"): 9})
    assert registers.membership_counts(club, 2026) == {("F", "7-12"): 13, ("M", "7-12"): 9}
    entry = AccessLogEntry.objects.filter(object_type="grants.membershipcount").order_by("pk").last()
    assert entry.old_values == {"F 7-12": 12, "M 7-12": 9, "- 13-16": 1}
    assert entry.actor == admin_user
    with pytest.raises(ValidationError, match="heltal"):
        registers.membership_counts_save(acting_user=user, association_id=club.pk, year=2026,
                                         counts={("F", "7-12"): -1})
    assert MembershipCount.objects.filter(association=club).count() == 2


def test_a_pdf_is_kept_outside_the_web_root_and_served_to_the_association(world, admin_user, settings):
    club, _other, user, stranger = world
    document = registers.document_upload(acting_user=user, association_id=club.pk, kind="statutes", year=2024,
                                         upload=pdf("../../Stadgar 2024.pdf"))
    path = registers.document_folder(club.pk) / document.stored_name
    assert path.read_bytes() == PDF
    assert settings.LIKA_PRIVATE_FILES in path.parents and document.file_name == "Stadgar 2024.pdf"
    assert document.size == len(PDF) and len(document.sha256) == 64
    for reader in (user, admin_user):
        opened, handle = registers.document_open(acting_user=reader, association_id=club.pk, document_id=document.pk)
        with handle:
            assert handle.read() == PDF
    with pytest.raises(Http404):
        registers.document_open(acting_user=stranger, association_id=club.pk, document_id=document.pk)
    with pytest.raises(Http404):  # her own association's URL with another's document id
        registers.document_open(acting_user=stranger, association_id=stranger.association_id, document_id=document.pk)
    logged = AccessLogEntry.objects.filter(object_type="grants.associationdocument", object_id=str(document.pk))
    assert sorted(logged.values_list("action", flat=True)) == ["create", "read", "read"]


@pytest.mark.parametrize("content, message", [
    (b"PK\x03\x04 a zip or docx file %%EOF", "ingen PDF"),
    (b"%PDF-1.4 cut off in the middle", "ingen PDF"),  # no %%EOF: truncated
    (b"<html>%PDF-</html>", "ingen PDF"),
    (b"", "tom"),
])
def test_what_is_not_a_pdf_is_refused_whatever_its_name(world, content, message):
    club, _other, user, _stranger = world
    with pytest.raises(ValidationError, match=message):
        registers.document_upload(acting_user=user, association_id=club.pk, kind="statutes", year=2024,
                                  upload=pdf("stadgar.pdf", content))
    assert AssociationDocument.objects.count() == 0
    assert not registers.document_folder(club.pk).exists() or not any(registers.document_folder(club.pk).iterdir())


def test_a_file_over_the_limit_is_refused(world, monkeypatch):
    club, _other, user, _stranger = world
    monkeypatch.setattr(registers, "MAX_DOCUMENT_SIZE", len(PDF) - 1)
    with pytest.raises(ValidationError, match="större än"):
        registers.document_upload(acting_user=user, association_id=club.pk, kind="budget", year=2026, upload=pdf())


def test_a_failed_row_leaves_no_file(world, monkeypatch):
    club, _other, user, _stranger = world

    def broken(**_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(registers, "access_log_write", broken)
    with pytest.raises(RuntimeError):
        registers.document_upload(acting_user=user, association_id=club.pk, kind="budget", year=2026, upload=pdf())
    assert AssociationDocument.objects.count() == 0
    assert list(registers.document_folder(club.pk).iterdir()) == []


def test_a_missing_file_is_a_404_not_an_error(world):
    club, _other, user, _stranger = world
    document = registers.document_upload(acting_user=user, association_id=club.pk, kind="budget", year=2026,
                                         upload=pdf())
    (registers.document_folder(club.pk) / document.stored_name).unlink()
    with pytest.raises(Http404):
        registers.document_open(acting_user=user, association_id=club.pk, document_id=document.pk)
