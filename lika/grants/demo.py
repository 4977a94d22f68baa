"""The demo's associations (all fictional, names from Faker sv_SE): a few clubs, the two
boards, an activity programme with rules, and one association login ``forening1``."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker
from stdnum import luhn

from lika.accounts.models import Role, User
from lika.audit.services import access_log_write

from .models import Association, GrantGiver, Programme, ProgrammeBudget, ProgrammeRuleVersion

ASSOCIATIONS = 4
DEMO_RULES = {
    "valid_from": "2026-01-01",
    "source": "Kultur- och fritidsnämnden, beslut 2025-11-12 § 42 (fiktivt demobeslut)",
    "age_min": 7,
    "age_max": 25,
    "occasion_rate": 30,
    "participant_rates": {"7-12": 10, "13-20": 8, "21-25": 6},
    "min_participants": 3,
    "min_minutes": 60,
    "leader_required": True,
    "leader_min_age": 13,
    "cap_per_year": 50000,
}


@dataclass(frozen=True)
class DemoGrantsResult:
    associations: int
    login_created: bool


def _orgnr(serial: int) -> str:
    """A fictional association's number: first digit 8, the group of ideella föreningar och
    stiftelser (lag (1974:174); Skatteverket, rättslig vägledning); Luhn check digit."""
    base = f"8024{serial:05d}"
    return f"{base[:6]}-{base[6:]}{luhn.calc_check_digit(base)}"


def demo_grants_seed(*, seed: int, password: str) -> DemoGrantsResult:
    fake = Faker("sv_SE")
    fake.seed_instance(seed)
    with transaction.atomic():
        clubs = []
        for serial in range(1, ASSOCIATIONS + 1):
            club, _created = Association.objects.get_or_create(orgnr=_orgnr(serial), defaults={
                "name": f"{fake.city()} {('IK', 'FF', 'Scoutkår', 'Musikförening')[serial % 4]}",
                "address": fake.address(), "contact_name": fake.name(),
                "contact_email": f"kontakt{serial}@example.se"})
            clubs.append(club)
        GrantGiver.objects.get_or_create(name="Kommunstyrelsen")
        giver, _ = GrantGiver.objects.get_or_create(name="Kultur- och fritidsnämnden")
        programme, created = Programme.objects.get_or_create(
            name="Aktivitetsbidrag", defaults={"giver": giver, "kind": Programme.Kind.ACTIVITY})
        if created:
            ProgrammeBudget.objects.create(programme=programme, year=2026, amount=50_000_000)
            admin = User.objects.filter(role=Role.ADMINISTRATOR).order_by("pk").first()
            if admin is not None:
                ProgrammeRuleVersion.objects.create(programme=programme, valid_from="2026-01-01",
                                                    rules=DEMO_RULES, created_by=admin)
        user, login_created = User.objects.get_or_create(username="forening1", defaults={
            "role": Role.ASSOCIATION, "association": clubs[0], "password": make_password(password),
            "first_name": fake.first_name(), "last_name": fake.last_name()})
        access_log_write(actor=None, action="create", object_type="grants.demo",
                         summary=f"Demoföreningar: {len(clubs)}, seed {seed}")
    return DemoGrantsResult(len(clubs), login_created)
