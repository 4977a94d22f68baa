"""The demo municipality's grants (all fictional): the two boards with their programmes
and budgets, the 60 associations of ``lika.grants.demo_data`` with boards, membership
counts and logins, three years (2024–2026) of activity-grant applications computed from
their attendance, and the board's rule change of 2026.

Everything is written through the grants services (``grant_giver_create``,
``programme_create``, ``rule_version_add``, ``association_create``,
``application_submit``), so every stored row is what the service stores, with its
access-log row.  ``seed_grants`` calls ``seed_registers``, ``seed_associations``,
``seed_applications`` (2024–2025), ``seed_rule_change`` and ``seed_applications`` (2026);
decisions, payments and sponsorship are to be added after them (docs/grants.md, "The demo").
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from lika.accounts.models import Role, User
from lika.audit.services import access_log_write

from . import services
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




@dataclass(frozen=True)
class DemoGrantsResult:
    associations: int
    applications: int
    rule_change: bool
    login_created: bool
    skipped: bool = False


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


def seed_associations(*, admin, clubs, password) -> bool:
    """The associations (through ``association_create``: numbers checked), their boards,
    membership counts and one login each — the contact person — as the applications'
    submitter; only ``forening1``..``forening3`` get the demo password.  Returns whether
    ``forening1`` was created."""
    usable = make_password(password)
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
        programmes = seed_registers(admin=admin)
        login_created = seed_associations(admin=admin, clubs=clubs, password=password)
        activity = programmes[ACTIVITY]
        applications = seed_applications(clubs=clubs, programme=activity, years=YEARS[:-1], seed=seed)
        seed_rule_change(admin=admin, programme=activity)
        applications += seed_applications(clubs=clubs, programme=activity, years=YEARS[-1:], seed=seed)
        access_log_write(actor=None, action="create", object_type="grants.demo",
                         summary=f"Demoföreningar: {len(clubs)}, {applications} ansökningar, seed {seed}")
    return DemoGrantsResult(len(clubs), applications, True, login_created)


demo_grants_seed = seed_grants  # the name seed-demo has used
