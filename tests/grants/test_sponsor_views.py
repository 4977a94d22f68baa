"""The pages of sponsorship, the other programme kinds and the registers through Django's
test client (both engines): Swedish refusals, never a 500, nothing half-saved, and the
document download's headers."""

from datetime import date

from django.urls import reverse

from lika.grants import registers
from lika.grants import sponsorship as sponsor
from lika.grants.models import AssociationDocument, GrantApplication, SponsorshipAgreement
from tests.grants.test_fixed import make_world as fixed_world
from tests.grants.test_registers import PDF, pdf
from tests.grants.test_sponsorship import EXPECTED, TEXT, make_world


def test_the_sign_button_refuses_without_an_assessment(client, admin_user):
    agreement, _user, _stranger = make_world(admin_user)
    client.force_login(admin_user)
    url = reverse("grants_sponsorship", args=[agreement.pk])
    page = client.post(url, {"action": "sign"})
    assert page.status_code == 200
    assert "Avtalet kan inte undertecknas utan en jämställdhetsbedömning" in page.content.decode()
    assert SponsorshipAgreement.objects.get().status == "draft"


def test_a_bad_assessment_form_shows_its_errors_and_saves_nothing(client, admin_user):
    agreement, _user, _stranger = make_world(admin_user)
    client.force_login(admin_user)
    url = reverse("grants_sponsorship", args=[agreement.pk])
    page = client.post(url, {"action": "assess", "expected-text": "", "expected-F_7_12": "-1"})
    html = page.content.decode()
    assert page.status_code == 200 and "Bedömningen kunde inte sparas" in html
    page = client.post(url, {"action": "assess", "expected-text": TEXT})  # no one expected
    assert "minst en" in page.content.decode()
    assert not hasattr(SponsorshipAgreement.objects.get(), "assessment")


def test_the_association_reports_and_cannot_sign(client, admin_user):
    agreement, user, stranger = make_world(admin_user)
    sponsor.assessment_record(acting_user=admin_user, agreement_id=agreement.pk, text=TEXT, expected=EXPECTED)
    sponsor.agreement_sign(acting_user=admin_user, agreement_id=agreement.pk)
    client.force_login(user)
    url = reverse("grants_association_sponsorship", args=[user.association_id, agreement.pk])
    page = client.get(url)
    assert "Rapportera utfallet" in page.content.decode() and "Underteckna avtalet" not in page.content.decode()
    assert client.post(url, {"action": "end"}).status_code == 302
    assert SponsorshipAgreement.objects.get().status == "signed"
    client.post(url, {"action": "report", "actual-F_7_12": "20", "actual-M_7_12": "5", "actual-text": ""})
    assert sponsor.reach_comparison(agreement).actual_total == (20, 5, 0)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.get(reverse("grants_association_sponsorship",
                              args=[stranger.association_id, agreement.pk])).status_code == 404


def test_a_premises_application_needs_hours_and_cost(client, admin_user):
    _club, _other, _operating, premises, user = fixed_world(admin_user)
    client.force_login(user)
    url = reverse("grants_apply_fixed", args=[user.association_id])
    data = {"programme": premises.pk, "amount": "5000", "purpose": "Hyra av klubblokal",
            "period_from": "2026-01-01", "period_to": "2026-12-31"}
    page = client.post(url, data)
    assert page.content.decode().count("Ange för lokalbidrag.") == 4  # in the summary and at each field
    page = client.post(url, {**data, "premises_hours": "120,5", "premises_cost": "12 000"})
    assert page.status_code == 302
    application = GrantApplication.objects.get()
    assert (str(application.premises_hours), application.premises_cost, application.total) == (
        "120.50", 1_200_000, 500_000)
    assert application.period_to == date(2026, 12, 31)


def test_the_document_is_a_pdf_attachment_for_the_administrator_too(client, admin_user, settings, tmp_path):
    settings.LIKA_PRIVATE_FILES = tmp_path
    _agreement, user, stranger = make_world(admin_user)
    document = registers.document_upload(acting_user=user, association_id=user.association_id, kind="statutes",
                                         year=2024, upload=pdf())
    url = reverse("grants_document", args=[user.association_id, document.pk])
    for reader in (user, admin_user):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="stadgar.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert AssociationDocument.objects.count() == 1


def test_a_year_outside_the_register_is_404(client, admin_user):
    _agreement, user, _stranger = make_world(admin_user)
    client.force_login(user)
    assert client.get(reverse("grants_registers", args=[user.association_id, 2026])).status_code == 200
    assert client.get(reverse("grants_registers", args=[user.association_id, 99999])).status_code == 404
    page = client.post(reverse("grants_registers", args=[user.association_id, 2026]),
                       {"action": "remove_member", "member": "x"})
    assert "redan borttagen" in page.content.decode()


def test_the_list_pages_do_not_grow_queries_with_their_rows(client, admin_user, settings, tmp_path):
    """The sponsorship register and the document list read their rows' relations in the
    same query (no N+1): ten more rows cost no more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.LIKA_PRIVATE_FILES = tmp_path
    settings.LIKA_SESSION_REFRESH_SECONDS = 24 * 3600  # no session write in the middle of the count
    agreement, user, _stranger = make_world(admin_user)
    client.force_login(admin_user)
    pages = (reverse("grants_sponsorships"), reverse("grants_documents", args=[user.association_id]))

    def queries():
        counts = []
        for url in pages:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    registers.document_upload(acting_user=user, association_id=user.association_id, kind="budget", year=2026,
                              upload=pdf())
    queries()  # the first request after login also refreshes the session
    before = queries()
    for n in range(10):
        sponsor.agreement_create(acting_user=admin_user, giver=agreement.giver, association=agreement.association,
                                 activity=f"Läger {n}", amount=100, counter_performance="-", target_group="-",
                                 period_from=date(2026, 1, 1), period_to=date(2026, 2, 1))
        registers.document_upload(acting_user=user, association_id=user.association_id, kind="budget", year=2026,
                                  upload=pdf())
    assert queries() == before
