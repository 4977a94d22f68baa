"""The demo municipality's grants (all fictional): the two boards with their programmes
and budgets, the 60 associations of ``lika.grants.demo_data`` with boards, membership
counts and logins, three years (2024–2026) of activity-grant applications computed from
their attendance, and the board's rule change of 2026.

Everything is written through the grants services (``grant_giver_create``,
``programme_create``, ``rule_version_add``, ``association_create``,
``application_submit``), so every stored row is what the service stores, with its
access-log row.  ``seed_grants`` calls ``seed_registers``, ``seed_associations``,
``seed_applications`` (2024–2025), ``seed_rule_change``, ``seed_applications`` (2026), ``seed_officer`` (the grants officer
``bidrag1``), ``seed_decisions`` (2024–2025 decided, 2026 waiting) and ``seed_sponsorship``
(a municipal company's signed agreement with its reach, and a draft); payments are to be
added after them (docs/grants.md, "The demo").
"""

import random
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from lika.accounts.models import Role, User
from lika.audit.services import access_log_write

from . import handling, services, sponsorship
from .demo_data import (
    ASSOCIATIONS,
    AUTUMN,
    SPRING,
    YEARS,
    attendance,
    bankgiro_of,
    demo_associations,
    membership,
    orgnr_of,
    phone_of,
)
from .models import (
    Association,
    BoardMember,
    GrantApplication,
    GrantGiver,
    MembershipCount,
    Programme,
    ProgrammeBudget,
)

LOGINS = 3  # forening1..forening3 get the demo password; the others' logins have none
KFN = "Kultur- och fritidsnämnden"
KS = "Kommunstyrelsen"
ACTIVITY = "Aktivitetsbidrag"
# (giver, kind, name, budget per year in kronor; a fictional municipality's round sums)
PROGRAMMES = (
    (KFN, Programme.Kind.ACTIVITY, ACTIVITY, 1_200_000),
    (KFN, Programme.Kind.OPERATING, "Verksamhetsbidrag", 800_000),
    (KFN, Programme.Kind.PREMISES, "Lokalbidrag", 600_000),
    (KS, Programme.Kind.PROJECT, "Projektbidrag för jämställd fritid", 400_000),
)
# The activity grant's rules before and after the (fictional) change of 2026: rates in
# kronor, LOK-like (docs/grants.md has the sources of the model; the figures are the demo's).
RULES_2024 = {
    "valid_from": "2024-01-01",
    "source": "Kultur- och fritidsnämnden, beslut 2023-11-15 § 51 (fiktivt demobeslut)",
    "age_min": 7,
    "age_max": 25,
    "occasion_rate": 30,
    "participant_rates": {"7-12": 10, "13-20": 8, "21-25": 6},
    "min_participants": 3,
    "min_minutes": 60,
    "leader_required": True,
    "leader_min_age": 13,
    "cap_per_year": 40000,
}
RULES_2026 = {
    **RULES_2024,
    "valid_from": "2026-01-01",
    "source": ("Kultur- och fritidsnämnden, beslut 2025-11-12 § 42 (fiktivt demobeslut): högre belopp för "
               "flickor 13–20 år, den grupp som lämnar föreningslivet först"),
    "participant_rates": {"7-12": 10, "13-20": {"F": 12, "M": 8}, "21-25": 6},
}
DEMO_RULES = RULES_2026  # the version in force today (tests use it)

OFFICER = "bidrag1"  # the grants officer's login (demo password), a fictional person
OFFICER_NAME = ("Greta", "Lindkvist")
# Decisions on 2024–2025 (the demo's own, fictional): per year this many refused and partly
# granted, chosen by the seed; the rest granted in full while the year's budget lasts, then
# partly (what is left) with the budget as the reason.  2026 waits for the officer.
REFUSED_PER_YEAR = 1
PARTLY_PER_YEAR = 3
REFUSAL_REASONS = (
    "Föreningen har inte lämnat in verksamhetsberättelse och ekonomisk redovisning för föregående år "
    "trots påminnelse; det är ett villkor för bidrag enligt nämndens bidragsregler.",
    "Föreningen har inte haft sitt årsmöte och saknar därför en vald styrelse för året; bidrag lämnas "
    "bara till förening med vald styrelse enligt nämndens bidragsregler.",
)
PARTLY_REASONS = (
    ("Sammankomster som redovisats både i denna ansökan och i en annan förenings ansökan har räknats bort "
     "(samma deltagare, samma tid).", 80),
    ("Deltagare som inte är medlemmar i föreningen har räknats bort enligt nämndens bidragsregler.", 85),
    ("Närvarolistorna för några sammankomster saknar ledarens underskrift; de har räknats bort.", 90),
)
BUDGET_REASON = ("Årets budget för {programme} räcker inte till hela det sökta beloppet; föreningen får det "
                 "som återstår av budgeten.")
# The sponsorship demo: a municipal company sponsors an association (fictional).
COMPANY = "Exempelbostäder AB"
SPONSORED = {
    "activity": "Prova-på-träning för unga i Exempelbostäders bostadsområden",
    "amount": 60_000 * 100,
    "counter_performance": ("Exempelbostäders logotyp på föreningens matchtröjor och webbplats; föreningen håller "
                            "två öppna aktivitetsdagar för de boende."),
    "target_group": "Flickor och pojkar 7–16 år i Exempelbostäders bostadsområden",
    "period_from": date(2025, 1, 1),
    "period_to": date(2025, 12, 31),
}
EXPECTED = {("F", "7-12"): 20, ("M", "7-12"): 20, ("F", "13-16"): 15, ("M", "13-16"): 15}
ACTUAL = {("F", "7-12"): 14, ("M", "7-12"): 27, ("F", "13-16"): 6, ("M", "13-16"): 19}
SPONSORSHIP_ASSESSMENT = (
    "Verksamheten vänder sig lika till flickor och pojkar; föreningen väntar sig lika många av varje kön. "
    "Risk: flickor 13–16 år lämnar ofta föreningslivet först, därför egna grupper och kvinnliga ledare.")
REACH_TEXT = ("Fler pojkar än väntat kom, särskilt 7–12 år; flickorna 13–16 år slutade efter sommaren när "
              "den kvinnliga ledaren flyttade.")
DRAFT = {
    "activity": "Sommarlovsaktiviteter för unga 2026",
    "amount": 40_000 * 100,
    "counter_performance": "Exempelbostäders namn på affischer och i föreningens utskick.",
    "target_group": "Unga 10–16 år under sommarlovet",
    "period_from": date(2026, 6, 15),
    "period_to": date(2026, 8, 15),
}


@dataclass(frozen=True)
class DemoGrantsResult:
    associations: int
    applications: int
    rule_change: bool
    login_created: bool
    skipped: bool = False
    decisions: int = 0
    sponsorships: int = 0
    officer_created: bool = False


def _admin():
    admin = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).order_by("pk").first()
    if admin is None:
        raise ValueError("demon för föreningsbidrag behöver en administratör (skapas av seed-demo)")
    return admin


def seed_registers(*, admin) -> dict:
    """The two boards and their programmes with a budget for each demo year; the activity
    programme's first rule version.  Returns the programmes by name."""
    givers = {name: services.grant_giver_create(acting_user=admin, name=name) for name in (KFN, KS)}
    programmes = {}
    for giver, kind, name, budget in PROGRAMMES:
        programme = services.programme_create(acting_user=admin, giver=givers[giver], kind=kind, name=name)
        ProgrammeBudget.objects.bulk_create(ProgrammeBudget(programme=programme, year=year, amount=budget * 100)
                                            for year in YEARS)
        programmes[name] = programme
    services.rule_version_add(acting_user=admin, programme=programmes[ACTIVITY], rules_dict=RULES_2024)
    return programmes


def seed_associations(*, admin, clubs, hashed) -> bool:
    """The associations (through ``association_create``: numbers checked), their boards,
    membership counts and one login each — the contact person — as the applications'
    submitter; only ``forening1``..``forening3`` get the demo password (``hashed``, made
    once).  Returns whether ``forening1`` was created."""
    usable = hashed
    created = False
    for club in clubs:
        association = services.association_create(
            acting_user=admin, orgnr=club.orgnr, name=club.name, address=club.address,
            contact_name=f"{club.contact.first_name} {club.contact.last_name}",
            contact_email=f"kontakt{club.serial}@example.se", contact_phone=phone_of(club.serial),
            bankgiro=bankgiro_of(club.serial))
        club.pk = association.pk
        username = f"forening{club.serial}"
        user, made = User.objects.get_or_create(username=username, defaults={
            "role": Role.ASSOCIATION, "association": association, "first_name": club.contact.first_name,
            "last_name": club.contact.last_name,
            "password": usable if club.serial <= LOGINS else make_password(None)})
        club.user = user
        created = created or (made and club.serial == 1)
        BoardMember.objects.bulk_create(
            BoardMember(association=association, year=year, name=f"{person.first_name} {person.last_name}",
                        role=role, gender=person.gender, birth_year=person.birth_year)
            for year, seats in club.board.items() for role, person in seats)
        MembershipCount.objects.bulk_create(
            MembershipCount(association=association, year=year, gender=gender, age_band=band, count=count)
            for year in YEARS for (gender, band), count in sorted(membership(club, year).items()))
    return created


def seed_applications(*, clubs, programme, years, seed) -> int:
    """Each association's activity-grant applications, one per half-year, through
    ``application_submit`` (the engine, the cap across the half-years, the snapshot and the
    counts exactly as the web stores them)."""
    made = 0
    for year in years:
        for club in clubs:
            for half in (SPRING, AUTUMN):
                occasions = attendance(club, year, half, seed)
                if occasions:
                    services.application_submit(acting_user=club.user, association_id=club.pk,
                                                programme=programme, occasions=occasions)
                    made += 1
    return made


def seed_rule_change(*, admin, programme):
    """The board's change for 2026: a new rule version (the old one stays, append-only)."""
    return services.rule_version_add(acting_user=admin, programme=programme, rules_dict=RULES_2026)


def seed_officer(*, hashed):
    """The grants officer ``bidrag1`` with the demo password; returns (user, created)."""
    first, last = OFFICER_NAME
    return User.objects.get_or_create(username=OFFICER, defaults={
        "role": Role.GRANTS_OFFICER, "first_name": first, "last_name": last, "password": hashed})


def _decide(officer, application, outcome, *, amount=None, reasons=""):
    if reasons:  # the bedömning behind a refusal or a partial grant (full grants: none, to keep the seed quick)
        handling.assessment_record(acting_user=officer, application_id=application.pk, text=reasons)
    return handling.decision_make(acting_user=officer, application_id=application.pk, outcome=outcome,
                                  amount=amount, reasons=reasons)


def seed_decisions(*, officer, programme, years, seed) -> int:
    """The officer's decision on every application of ``years`` through
    ``handling.decision_make`` (and ``handling.assessment_record`` before a refusal or a
    partial grant) (the budget row locked and
    checked, the letter made): ``REFUSED_PER_YEAR`` refused and ``PARTLY_PER_YEAR`` partly
    granted with reasons, chosen by the seed; the others granted in full while the year's
    budget lasts, then partly (what is left) or refused, with the budget as the reason."""
    rng = random.Random(f"lika-demo-grant-decisions-{seed}")
    Outcome = handling.Outcome
    made = 0
    for year in years:
        applications = list(GrantApplication.objects.filter(programme=programme, year=year).order_by("pk"))
        picked = rng.sample([a.pk for a in applications if a.total > 0],
                            min(len(applications), REFUSED_PER_YEAR + PARTLY_PER_YEAR))
        refused, partly = set(picked[:REFUSED_PER_YEAR]), picked[REFUSED_PER_YEAR:]
        left = handling.budget_position(programme, year).left or 0
        for application in applications:
            if application.pk in refused or application.total <= 0:
                reasons = (REFUSAL_REASONS[made % len(REFUSAL_REASONS)] if application.total > 0 else
                           "Ingen sammankomst uppfyller villkoren för aktivitetsbidrag.")
                _decide(officer, application, Outcome.REFUSED, reasons=reasons)
                made += 1
                continue
            outcome, amount, reasons = Outcome.GRANTED, application.total, ""
            if application.pk in partly:
                reasons, percent = PARTLY_REASONS[partly.index(application.pk) % len(PARTLY_REASONS)]
                outcome, amount = Outcome.PARTLY, application.total * percent // 100 // 100 * 100
            if amount > left:  # the budget is spent: what is left, or nothing
                reasons = BUDGET_REASON.format(programme=programme.name.lower())
                outcome, amount = (Outcome.PARTLY, left) if left > 0 else (Outcome.REFUSED, None)
            _decide(officer, application, outcome, amount=amount if outcome == Outcome.PARTLY else None,
                    reasons=reasons)
            left -= amount or 0
            made += 1
    return made


def seed_assessments(*, officer, programme, year, seed, count=3) -> int:
    """A few of ``year``'s applications under assessment (a bedömning, no decision yet)."""
    rng = random.Random(f"lika-demo-grant-assessments-{seed}")
    pks = list(GrantApplication.objects.filter(programme=programme, year=year).order_by("pk")
               .values_list("pk", flat=True))
    for pk in sorted(rng.sample(pks, min(count, len(pks)))):
        handling.assessment_record(acting_user=officer, application_id=pk,
                                   text="Närvaron kontrolleras mot föreningens medlemsförteckning.")
    return min(count, len(pks))


def seed_sponsorship(*, admin, officer, clubs) -> int:
    """A municipal company (``COMPANY``) sponsors the first association in 2025: the
    agreement, its gender-equality assessment with the expected participants, the signature
    and — after the period — the association's report of whom it reached (more boys than
    expected); and a draft for 2026 with the second association, without assessment (it
    cannot be signed).  Through ``lika.grants.sponsorship``.  Returns the agreements made."""
    company = services.grant_giver_create(acting_user=admin, name=COMPANY, kind=GrantGiver.Kind.COMPANY)
    first = clubs[0]
    agreement = sponsorship.agreement_create(acting_user=officer, giver=company,
                                             association=Association.objects.get(pk=first.pk), **SPONSORED)
    sponsorship.assessment_record(acting_user=officer, agreement_id=agreement.pk, text=SPONSORSHIP_ASSESSMENT,
                                  expected=EXPECTED)
    sponsorship.agreement_sign(acting_user=officer, agreement_id=agreement.pk)
    if timezone.localdate() > SPONSORED["period_to"]:
        sponsorship.reach_report(acting_user=first.user, agreement_id=agreement.pk, actual=ACTUAL, text=REACH_TEXT)
    second = clubs[1 % len(clubs)]
    sponsorship.agreement_create(acting_user=officer, giver=company,
                                 association=Association.objects.get(pk=second.pk), **DRAFT)
    return 2


def seed_grants(*, seed: int, password: str, associations: int = ASSOCIATIONS) -> DemoGrantsResult:
    """Everything above in one transaction, with one access-log row, for the first
    ``associations`` of the 60 (0: no grants demo at all); does nothing when the demo's
    associations are already there."""
    if not associations:
        return DemoGrantsResult(0, 0, False, False, skipped=True)
    if Association.objects.filter(orgnr=orgnr_of(1)).exists() or Programme.objects.filter(name=ACTIVITY).exists():
        return DemoGrantsResult(Association.objects.count(), GrantApplication.objects.count(),
                                False, False, skipped=True)
    clubs = demo_associations(seed)[:associations]
    with transaction.atomic():
        admin = _admin()
        hashed = make_password(password)  # one hash: the demo password is shared and public anyway
        programmes = seed_registers(admin=admin)
        login_created = seed_associations(admin=admin, clubs=clubs, hashed=hashed)
        activity = programmes[ACTIVITY]
        applications = seed_applications(clubs=clubs, programme=activity, years=YEARS[:-1], seed=seed)
        seed_rule_change(admin=admin, programme=activity)
        applications += seed_applications(clubs=clubs, programme=activity, years=YEARS[-1:], seed=seed)
        officer, officer_created = seed_officer(hashed=hashed)
        handler = officer if handling.can_handle(officer) else admin  # an older "bidrag1" with another role
        decisions = seed_decisions(officer=handler, programme=activity, years=YEARS[:-1], seed=seed)
        seed_assessments(officer=handler, programme=activity, year=YEARS[-1], seed=seed)
        agreements = seed_sponsorship(admin=admin, officer=handler, clubs=clubs)
        access_log_write(actor=None, action="create", object_type="grants.demo",
                         summary=f"Demoföreningar: {len(clubs)}, {applications} ansökningar, {decisions} beslut, "
                                 f"{agreements} sponsringsavtal, seed {seed}")
    return DemoGrantsResult(len(clubs), applications, True, login_created, decisions=decisions,
                            sponsorships=agreements, officer_created=officer_created)


demo_grants_seed = seed_grants  # the name seed-demo has used
