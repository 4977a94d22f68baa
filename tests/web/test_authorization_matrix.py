"""Issue 13: an authorization matrix generated from the URL configuration.

Every URL pattern Lika serves is found by walking the URLconf; each must be named in
``POLICY`` (a view added without a policy fails ``test_every_url_has_a_policy``). Every
URL is then requested — GET, and POST with every ``action`` its forms offer — as every
persona: anonymous, a case worker and the enhetschef of unit A (whose case the ids
point at), a case worker and the enhetschef of unit B, the analyst, the payment officer,
the administrator and an association user (issue 15). A persona the policy does not allow is refused (403, 404 or the
login page), never served, never a 5xx, and the refused POST changes nothing in the
database (rows counted in every table before and after). An allowed persona is served
(no 5xx, no refusal).
"""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.apps import apps
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.payments import services as payments
from tests.cases.factories import couple_case, single_case
from tests.conftest import _user

MONTH = date(2026, 12, 1)
CASE = {"case_worker_a", "manager_a"}  # the unit that handles the case
NOBODY_BUT_PUBLIC = set()
EVERYONE = {"case_worker_a", "manager_a", "case_worker_b", "manager_b", "analyst", "payment_officer", "admin"}
STATISTICS = {"manager_a", "manager_b", "analyst", "admin"}
PAYMENTS = {"payment_officer"}
PAYMENT_VIEW = {"payment_officer", "manager_a"}  # bob has attesträtt in these tests

# Issue 16: residents in the e-service.  resident_a is the woman of unit A's case (every id
# points at her household), resident_b an adult of another household in unit B.
RESIDENTS = {"resident_a", "resident_b"}
RESIDENT_A = {"resident_a"}
# Public pages that answer a plain GET with 404/405 (POST only, or not configured here).
PUBLIC_NOT_FOR_GET = {"logout", "eservice_logout", "eservice_quick_exit", "eservice_oidc_start",
                      "eservice_oidc_callback"}

# name -> (who is served, the status of a refusal for the other unit's staff)
POLICY = {
    "set_language": ("public", None),
    "login": ("public", None),
    "logout": ("public", None),
    "health": ("public", None),
    "violence_support": ("public", None),
    "home": (EVERYONE | {"grants_officer"}, None),
    "worklist": ({"case_worker_a", "manager_a", "case_worker_b", "manager_b"}, None),
    "case_list": ({"case_worker_a", "manager_a", "case_worker_b", "manager_b"}, None),
    "case_register": ({"case_worker_a", "manager_a", "case_worker_b", "manager_b"}, None),
    "calculate": ({"case_worker_a", "manager_a", "case_worker_b", "manager_b", "admin"}, None),
    "norm_list": (EVERYONE, None),
    "norm_detail": (EVERYONE, None),
    "norm_new": ({"admin"}, None),
    "norm_edit": ({"admin"}, None),
    "housing_guidelines": ({"admin"}, None),
    "housing_guideline_new": ({"admin"}, None),
    "access_log": ({"manager_a", "manager_b", "admin"}, None),
    "transfers": ({"manager_a", "manager_b"}, None),
    "statistics": (STATISTICS, None),
    "statistics_export": (STATISTICS, None),
    "statistics_comparison": (STATISTICS, None),
    "person_table": ({"analyst", "admin"}, None),
    "person_table_export": ({"analyst", "admin"}, None),
    "payment_runs": (PAYMENT_VIEW, None),
    "payment_bank_files": (PAYMENTS, None),
    "payment_run_detail": (PAYMENT_VIEW, None),
    "payment_run_file": (PAYMENT_VIEW, None),
    "payment_run_accounting": (PAYMENT_VIEW, None),
    # Issue 15: the association user sees only her association's grant pages.
    "grants_home": ({"association", "admin", "grants_officer"}, None),
    "grants_association": ({"association"}, None),
    "grants_apply": ({"association"}, None),
    "grants_apply_typed": ({"association"}, None),
    "grants_associations": ({"admin", "grants_officer"}, None),
    "grants_association_admin": ({"admin", "grants_officer"}, None),
    "grants_givers": ({"admin", "grants_officer"}, None),
    "grants_programmes": ({"admin", "grants_officer"}, None),
    "grants_programme": ({"admin", "grants_officer"}, None),
    # Sponsorship: the administrator keeps the agreements; the association sees her own.
    "grants_sponsorships": ({"admin", "grants_officer"}, None),
    "grants_sponsorship": ({"admin", "grants_officer"}, None),
    "grants_association_sponsorships": ({"association"}, None),
    "grants_association_sponsorship": ({"association"}, None),
    "grants_apply_fixed": ({"association"}, None),
    # The association's registers and documents: her own, and the administrator's.
    "grants_registers": ({"association", "admin", "grants_officer"}, None),
    "grants_documents": ({"association", "admin", "grants_officer"}, None),
    "grants_document": ({"association", "admin", "grants_officer"}, None),
    # Issue 15: the 3R analysis (aggregates only) for the analyst and the administrator.
    "three_r_home": ({"analyst", "admin", "grants_officer"}, None),
    "three_r_population": ({"analyst", "admin", "grants_officer"}, None),
    "three_r_giver": ({"analyst", "admin", "grants_officer"}, None),
    "three_r_programme": ({"analyst", "admin", "grants_officer"}, None),
    "three_r_what_if": ({"analyst", "admin", "grants_officer"}, None),
    # Issue 15, handling: the grants officer (and the administrator) handle applications; the
    # association user sees her own application and both download its decision letter.
    "grants_worklist": ({"grants_officer", "admin"}, None),
    "grants_handle": ({"grants_officer", "admin"}, None),
    "grants_own_application": ({"association"}, None),
    "grants_decision_letter": ({"grants_officer", "admin", "association"}, None),
    # Issue 16: the residents' e-service.
    "eservice_start": ("public", None),
    "eservice_support": ("public", None),
    "eservice_login": ("public", None),
    "eservice_demo_login": ("public", None),
    "eservice_oidc_start": ("public", None),
    "eservice_oidc_callback": ("public", None),
    "eservice_logout": ("public", None),
    "eservice_quick_exit": ("public", None),
    "eservice_protected": (RESIDENTS, None),
    "eservice_home": (RESIDENTS, None),
    # Issue 16, insight and appeal: lists for every resident (her own), ids of unit A's case for resident_a only.
    "eservice_applications": (RESIDENTS, None),
    "eservice_application": (RESIDENT_A, None),
    "eservice_decision": (RESIDENT_A, None),
    "eservice_decision_letter": (RESIDENT_A, None),
    "eservice_appeal_new": (RESIDENT_A, None),
    "eservice_appeal": (RESIDENT_A, None),
    "eservice_payments": (RESIDENTS, None),
    "eservice_plan": (RESIDENTS, None),
    "eservice_meetings": (RESIDENTS, None),
    "appeal_detail": (CASE, 404),
    "eservice_apply": (RESIDENTS, None),
    "eservice_application_edit": (RESIDENT_A, None),
    "eservice_application_confirm": (RESIDENT_A, None),
    "eservice_attachment_upload": (RESIDENT_A, None),
    "eservice_attachment": (RESIDENT_A, None),
    "application_attachment": (CASE, 404),
    "eservice_account": (RESIDENTS, None),  # her own account and contact only
    # messages: each resident her own household's; a message id of unit A's case is resident_a's only
    "eservice_messages": (RESIDENTS, None),
    "eservice_messages_private": (RESIDENTS, None),
    "eservice_message_detail": (RESIDENT_A, None),
    "case_messages": (CASE, 404),
    # Issue 17: booking meetings ahead.  Her own calendar for every case worker; another's (alice's
    # id) for herself and her enhetschef only.
    "meeting_calendar": ({"case_worker_a", "manager_a", "case_worker_b", "manager_b"}, None),
    "meeting_calendar_user": (CASE, 404),
    # Issue 17: the administrator's pages (users, units, the municipality's settings).
    "admin_users": ({"admin"}, None),
    "admin_user_new": ({"admin"}, None),
    "admin_user_edit": ({"admin"}, None),
    "admin_units": ({"admin"}, None),
    "admin_unit_edit": ({"admin"}, None),
    "admin_settings": ({"admin"}, None),
    # Issue 17, attachments: the case's Handlingar (list and upload, download, removal).
    "case_documents": (CASE, 404),
    "case_document_download": (CASE, 404),
    "case_document_remove": (CASE, 404),
    # Issue 17, corrections: editing and ending a plan's goal or activity; moving a case (its
    # page for the unit; assigning several and the handovers for the enhetschefer only).
    "plan_goal_edit": (CASE, 404),
    "plan_activity_edit": (CASE, 404),
    "case_move": (CASE, 404),
    "case_assign_many": ({"manager_a", "manager_b"}, None),
    "case_handovers": ({"manager_a", "manager_b"}, None),
    # Issue 17, utskick: the unit's staff see their own unit's letters; a batch id of unit A is 404 to unit B
    "dispatch_overview": ({"case_worker_a", "manager_a", "case_worker_b", "manager_b"}, None),
    "print_batch_detail": (CASE, 404),
    "print_batch_pdf": (CASE, 404),
    "print_batch_internal_pdf": (CASE, 404),
    # Issue 17, when the answer about violence is yes: the unit's staff only (404 for the other unit).
    "violence_guidance": (CASE, 404),
    # Issue 17, digital data collection: the fetch page of an application of unit A's case.
    "collection": (CASE, 404),
    # Issue 18, operations: the readiness check (the load balancer's, like "health")
    "readiness": ("public", None),
    # Issue 18, the integration API: the administrator's pages for connected systems, and the
    # API's documentation page (public: it describes the API, no data)
    "admin_api_clients": ({"admin"}, None),
    "admin_api_client": ({"admin"}, None),
    "admin_jobs": ({"admin"}, None),  # issue 18, operations: the scheduled jobs and their runs
    "api_docs": ("public", None),
}
CASE_URLS = ("case_detail", "person_detail", "household_edit", "application_new", "application_detail",
             "decision_new", "decision_detail", "decision_letter", "decision_letter_page", "exception_new",
             "exception_detail", "journal", "plan_detail", "meeting_new", "meeting_detail", "housing_deviation",
             "booking_new", "booking_detail", "booking_held", "booking_kallelse")  # booking: issue 17
for _name in CASE_URLS:
    POLICY[_name] = (CASE, 404)
POLICY["application_withdraw"] = (CASE, 404)  # issue 17: withdrawing is a step of its own


def url_patterns():
    """(name, pattern) of every URL the project serves, found in the URLconf."""
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield p.name, prefix + str(p.pattern)
    return list(walk(get_resolver().url_patterns))


def test_every_url_has_a_policy():
    # The API's endpoints under /api/ take a token, not a login: their authorization (unit
    # isolation, scopes, revoked tokens) is tested in tests/api/test_api.py (issue 18).
    names = [name for name, pattern in url_patterns() if not pattern.lstrip("^").startswith("api/") or name == "api_docs"]
    assert None not in names, "every URL pattern has a name"
    missing = sorted(set(names) - set(POLICY))
    assert missing == [], f"views without an access policy in this test: {missing}"
    assert sorted(set(POLICY) - set(names)) == [], "the policy names URLs that no longer exist"


@pytest.fixture
def world(municipality, unit_a, unit_b, alice, bob, charlie, stina, petra, admin_user, settings, tmp_path):
    """Unit A's case with everything a URL can point at, and the personas."""
    from lika.plans import services as plans

    bob.can_attest_payments = True
    bob.save()
    dora = _user("dora", "unit_manager", unit_b, "Dora", "Dahl")
    case, woman, man, _kids = couple_case(unit_a, case_worker=alice)
    application = services.application_create(acting_user=alice, case=case, month=MONTH, applicant=woman)
    services.application_entries_save(acting_user=alice, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700000)],
                                      obstacles={woman.pk: "unemployed", man.pk: "unemployed"})
    services.calculation_make(acting_user=alice, application=application)
    rows = len(decisions.need_lines(application.calculations.get()))
    decision = decisions.decision_make(acting_user=alice, application=application,
                                       lines=[LineDecision("granted")] * rows, acknowledge_provisional=True)
    exception = decisions.exception_request(acting_user=alice, case=case, recipient=woman, reason="other",
                                            reason_text="Partnern på institution", valid_from=MONTH)
    meeting = plans.meeting_create(acting_user=alice, case=case, kind="joint", held_on=date(2026, 11, 20),
                                   participants=[woman, man], notes="Gemensamt möte")
    settings.LIKA_PAYMENT_FILES = tmp_path
    run = payments.payment_run_prepare(acting_user=petra,
                                       run=payments.payment_run_create(acting_user=petra, month=MONTH))
    run = payments.payment_run_attest(acting_user=bob, run=run)
    payments.payment_run_export(acting_user=petra, run=run)
    from lika.grants.models import Association

    club = Association.objects.create(orgnr="802400-0005", name="IK Exempel")
    forening = _user("forening", "association", None, "Fia", "Förening", association=club)
    from lika.grants import handling
    from lika.grants.models import (
        GrantApplication,
        GrantGiver,
        Programme,
        ProgrammeBudget,
        SponsorshipAgreement,
    )

    giver = GrantGiver.objects.create(name="Kultur- och fritidsnämnden")
    programme = Programme.objects.create(giver=giver, kind=Programme.Kind.ACTIVITY, name="Aktivitetsbidrag")
    officer = _user("bidrag", "grants_officer", None, "Greta", "Handläggare")
    project = Programme.objects.create(giver=giver, kind=Programme.Kind.PROJECT, name="Projektbidrag")
    ProgrammeBudget.objects.create(programme=project, year=2026, amount=10_000_000)
    grant = GrantApplication.objects.create(
        association=club, programme=project, year=2026, period_from=date(2026, 3, 1), period_to=date(2026, 6, 30),
        total=500_000, purpose="Tjejläger", submitted_by=forening)
    handling.decision_make(acting_user=officer, application_id=grant.pk, outcome="granted")

    agreement = SponsorshipAgreement.objects.create(
        giver=GrantGiver.objects.create(name="Exempelbostäder AB", kind="company"), association=club,
        activity="Fotbollsskola", amount=100, counter_performance="-", target_group="-",
        period_from=date(2026, 1, 1), period_to=date(2026, 6, 30), created_by=admin_user)
    from lika.grants.models import AssociationDocument

    settings.LIKA_PRIVATE_FILES = tmp_path / "private"
    folder = tmp_path / "private" / "grants" / str(club.pk)
    folder.mkdir(parents=True)
    (folder / ("0" * 32)).write_bytes(b"%PDF-1.4\n%%EOF\n")
    document = AssociationDocument.objects.create(association=club, kind="statutes", year=2024,
                                                  file_name="stadgar.pdf", stored_name="0" * 32, size=15,
                                                  sha256="0" * 64, uploaded_by=forening)
    from lika.eservice.appeals import appeal_submit

    appeal = appeal_submit(person=woman, decision_id=decision.pk, text="Jag vill ha mer till hyran.")
    from lika.eservice.models_apply import ApplicationAttachment

    (tmp_path / "private" / "eservice" / "attachments" / str(case.pk)).mkdir(parents=True)
    (tmp_path / "private" / "eservice" / "attachments" / str(case.pk) / ("1" * 32 + ".pdf")).write_bytes(
        b"%PDF-1.4\n%%EOF\n")
    attachment = ApplicationAttachment.objects.create(
        application=application, kind="receipt", original_name="kvitto.pdf", stored_name="1" * 32 + ".pdf",
        content_type="application/pdf", size=15, sha256="0" * 64, uploaded_by_person=woman)
    kwargs = {"appeal_id": appeal.pk, "attachment_id": attachment.pk, "giver_id": giver.pk, "association_id": club.pk, "grant_application_id": grant.pk, "programme_id": programme.pk, "agreement_id": agreement.pk, "document_id": document.pk, "case_id": case.pk, "person_id": woman.pk, "application_id": application.pk,
              "decision_id": decision.pk, "exception_id": exception.pk, "meeting_id": meeting.pk,
              "run_id": run.pk, "year": 2026, "fmt": "csv", "lang": "ar"}
    settings.LIKA_ESERVICE_DEMO_LOGIN = True
    kwargs.update({"user_id": alice.pk, "unit_id": unit_a.pk})  # issue 17: the administrator's pages
    from lika.api.services import client_create  # issue 18

    kwargs["client_id"] = client_create(acting_user=admin_user, name="matris", unit_codes=[unit_a.code])[0].pk
    from lika.eservice.services_messages import message_write

    kwargs["message_id"] = message_write(person=woman, body="Hej handläggaren").pk
    from lika.plans.booking import booking_create  # issue 17

    kwargs["booking_id"] = booking_create(
        acting_user=alice, case=case, kind="individual", participants=[woman], place="Rum 1", minutes=60,
        starts_at=timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time(10)))).pk
    from lika.cases.models import CaseDocument  # issue 17, attachments

    (tmp_path / "private" / "cases" / "documents" / str(case.pk)).mkdir(parents=True)
    (tmp_path / "private" / "cases" / "documents" / str(case.pk) / ("2" * 32 + ".pdf")).write_bytes(
        b"%PDF-1.4\n%%EOF\n")
    kwargs["case_document_id"] = CaseDocument.objects.create(
        case=case, kind="lease", title="Hyresavi", original_name="avi.pdf", stored_name="2" * 32 + ".pdf",
        content_type="application/pdf", size=15, sha256="0" * 64, uploaded_by=alice).pk
    her_plan = plans.plan_create(acting_user=alice, case=case, person=woman)  # issue 17, corrections
    kwargs["goal_id"] = plans.plan_goal_add(acting_user=alice, plan=her_plan, text="Körkort").pk
    kwargs["activity_id"] = plans.plan_activity_add(acting_user=alice, plan=her_plan, kind="sfi",
                                                    responsible="Komvux").pk
    # issue 17: unit A's print batch, with a protected household's letters in the unit's own pile
    from lika.cases.dispatch import print_batch_make

    _protected_case, _protected, _partner, _kids = couple_case(unit_a, case_worker=alice, protected_woman=True)
    decisions.decision_make(acting_user=alice, application=_calculated_for(alice, _protected_case, _protected),
                            lines=[LineDecision("granted")] * rows, acknowledge_provisional=True)
    kwargs["batch_id"] = print_batch_make(acting_user=alice, unit=unit_a)[0].pk
    kwargs["screening_id"] = plans.meeting_create(  # issue 17: an individual meeting answered yes
        acting_user=alice, case=case, kind="individual", held_on=date(2026, 11, 20), participants=[woman],
        screening_answer="yes").screening.pk
    _case_b, resident_b = single_case(unit_b, case_worker=charlie)
    personas = {"resident_a": Resident(woman), "resident_b": Resident(resident_b),
                "anonymous": None, "case_worker_a": alice, "manager_a": bob, "case_worker_b": charlie,
                "manager_b": dora, "analyst": stina, "payment_officer": petra, "admin": admin_user,
                "association": forening, "grants_officer": officer}
    return kwargs, personas


def _calculated_for(user, case, applicant):
    application = services.application_create(acting_user=user, case=case, month=MONTH, applicant=applicant)
    adults = [m.person for m in services.memberships_in_month(case.household_id, MONTH) if m.role == "adult"]
    services.application_entries_save(acting_user=user, application=application, incomes=[],
                                      costs=[services.Entry("housing", 700000)],
                                      obstacles={p.pk: "unemployed" for p in adults})
    services.calculation_make(acting_user=user, application=application)
    application.refresh_from_db()
    return application


def _url(name, pattern, kwargs):
    wanted = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
    return reverse(name, kwargs={k: kwargs[k] for k in wanted})


def _counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label not in ("sessions", "contenttypes", "auth", "audit")}


def _actions(html: str) -> set[str]:
    return set(re.findall(r'name="action" value="([\w-]+)"', html))


REFUSED = (302, 403, 404, 405)


class Resident:
    """A resident persona: her session is the e-service's, not a Django login."""

    def __init__(self, person):
        self.person = person


def _log_in(client, user):
    from lika.eservice.session import KEY

    client.logout()
    if isinstance(user, Resident):
        session = client.session
        session[KEY] = {"pnr": user.person.identity_number, "given": "", "family": "", "method": "oidc", "at": 0}
        session.save()
        client.cookies["sessionid"] = session.session_key
    elif user is not None:
        client.force_login(user)


def _refused(response, persona) -> bool:
    if response.status_code == 302:
        if response.url.startswith("/e-tjanst/logga-in/"):
            return True  # a staff session (or none) is no resident's session
        # the association user's start page is her association's grant page
        return ((persona == "anonymous" or persona.startswith("resident")) and "/logga-in/" in response.url) or (
            persona == "association" and response.url == "/bidrag/")
    return response.status_code in (403, 404, 405)


@pytest.mark.parametrize("name", sorted(POLICY))
def test_every_url_and_action_as_every_persona(client, world, name):
    kwargs, personas = world
    pattern = dict(url_patterns())[name]
    url = _url(name, pattern, kwargs)
    allowed, other_unit_status = POLICY[name]
    # what the forms of the page offer, as a persona who may use it
    offered = {"", "save"}
    if allowed != "public":
        _log_in(client, personas[sorted(allowed)[0]])
        page = client.get(url)
        if page.status_code == 200 and page.get("Content-Type", "").startswith("text/html"):
            offered |= _actions(page.content.decode())
        client.logout()
    for persona, user in personas.items():
        _log_in(client, user)
        response = client.get(url)
        assert response.status_code < 500, (name, persona, response.status_code)
        may = allowed == "public" or persona in allowed
        if may:
            assert not _refused(response, persona) or name in PUBLIC_NOT_FOR_GET, (
                name, persona, response.status_code)
            continue
        assert _refused(response, persona), f"{name} served {persona} ({response.status_code})"
        if other_unit_status and persona in ("case_worker_b", "manager_b"):
            assert response.status_code == other_unit_status, (name, persona, response.status_code)
        for action in sorted(offered):
            before = _counts()
            posted = client.post(url, {"action": action} if action else {})
            assert posted.status_code < 500, (name, persona, action, posted.status_code)
            assert _refused(posted, persona), f"{name} took {persona}'s POST {action!r} ({posted.status_code})"
            assert _counts() == before, f"{name}: {persona}'s refused POST {action!r} changed the database"
