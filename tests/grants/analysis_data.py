"""Fictional counts for the 3R analysis tests, small enough to work out by hand.

Kultur- och fritidsnämnden, programme "Aktivitetsbidrag" (activity), 2026:

====================  =========  ==========  ============  ===========  =======
cell                  deltagare  ledare      deltagartill  belopp (kr)  source
====================  =========  ==========  ============  ===========  =======
IK Exempel F 7-12     6          –           120           1 200        app 1
IK Exempel M 7-12     9          –           180           1 440        app 1
IK Exempel F 26+      –          1           0             0            app 1
FK Annan   F 7-12     4          –           80            800          app 2
FK Annan   M 7-12     11         –           220           1 760        app 2
FK Annan   M 26+      –          2           0             0            app 2
FK Annan   M 7-12     50         –           1 000         9 999        app 3 (withdrawn: not counted)
====================  =========  ==========  ============  ===========  =======

So 2026: girls 10, boys 20 participants (girls 1/3); money girls 2 000 kr, boys 3 200 kr
(girls 5/13 = 38.46 %); gap for girls (5/13 − 1/3) × 100 = 200/39 ≈ +5.13 points.
Per participant: girls 200 kr, boys 160 kr; per deltagartillfälle girls 10 kr, boys 8 kr.

2025 (one application of IK Exempel): F 7-12 5 people 100 occ 1 000 kr; M 7-12 15 people
300 occ 3 000 kr: girls 1/4 of people and of money, gap 0.

Board 2026: IK Exempel two women (one born 2010: 16 years, band 0-17) and one man; FK Annan
one man with no birth year (18+).  Programme "Lokalbidrag" (premises) 2026: IK Exempel
applies for 100 hours and 5 000 kr; its members 2026: F 7-12 30, M 7-12 10 -> 75 h girls,
25 h boys.
"""

from datetime import date
from decimal import Decimal

from lika.grants.models import (
    ApplicationCount,
    Association,
    BoardMember,
    GrantApplication,
    GrantGiver,
    MembershipCount,
    Programme,
)


def _application(association, programme, year, user, cells, status="submitted", **extra):
    application = GrantApplication.objects.create(
        association=association, programme=programme, year=year, period_from=date(year, 1, 1),
        period_to=date(year, 12, 31), status=status, submitted_by=user,
        total=extra.pop("total", sum(c[4] for c in cells)), **extra)
    ApplicationCount.objects.bulk_create(
        ApplicationCount(application=application, gender=g, age_band=b, participants=p, leaders=lead,
                         participations=occ, amount=amount)
        for g, b, p, lead, occ, amount in ((c[0], c[1], c[2], c[3], c[5], c[4]) for c in cells))
    return application


def build(user):
    """The data above; returns (giver, activity programme, premises programme)."""
    giver = GrantGiver.objects.create(name="Kultur- och fritidsnämnden")
    activity = Programme.objects.create(giver=giver, kind=Programme.Kind.ACTIVITY, name="Aktivitetsbidrag")
    premises = Programme.objects.create(giver=giver, kind=Programme.Kind.PREMISES, name="Lokalbidrag")
    ik = Association.objects.create(orgnr="802400-0005", name="IK Exempel")
    fk = Association.objects.create(orgnr="802400-0013", name="FK Annan")
    # (gender, band, participants, leaders, öre, deltagartillfällen)
    _application(ik, activity, 2026, user, [("F", "7-12", 6, 0, 120000, 120), ("M", "7-12", 9, 0, 144000, 180),
                                            ("F", "26+", 0, 1, 0, 0)])
    _application(fk, activity, 2026, user, [("F", "7-12", 4, 0, 80000, 80), ("M", "7-12", 11, 0, 176000, 220),
                                            ("M", "26+", 0, 2, 0, 0)])
    _application(fk, activity, 2026, user, [("M", "7-12", 50, 0, 999900, 1000)], status="withdrawn")
    _application(ik, activity, 2025, user, [("F", "7-12", 5, 0, 100000, 100), ("M", "7-12", 15, 0, 300000, 300)])
    _application(ik, premises, 2026, user, [], total=500000, premises_hours=Decimal("100.00"),
                 purpose="Klubbstuga")
    BoardMember.objects.create(association=ik, year=2026, name="Anna", role="ordförande", gender="F",
                               birth_year=1980)
    BoardMember.objects.create(association=ik, year=2026, name="Bea", role="ledamot", gender="F", birth_year=2010)
    BoardMember.objects.create(association=ik, year=2026, name="Carl", role="kassör", gender="M", birth_year=1975)
    BoardMember.objects.create(association=fk, year=2026, name="Dan", role="ordförande", gender="M")
    BoardMember.objects.create(association=fk, year=2025, name="Erik", role="ordförande", gender="M")
    MembershipCount.objects.create(association=ik, year=2026, gender="F", age_band="7-12", count=30)
    MembershipCount.objects.create(association=ik, year=2026, gender="M", age_band="7-12", count=10)
    return giver, activity, premises
