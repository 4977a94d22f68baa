from datetime import date

from lika.core.calculation import ADULT, CHILD, HouseholdMonth, Member
from lika.norms.files import shipped_tables


def norm(year):
    return shipped_tables()[year]


def adult(birth="1985-02-03", cohabiting=False):
    return Member(ADULT, date.fromisoformat(birth), cohabiting=cohabiting)


def child(birth, **kwargs):
    return Member(CHILD, date.fromisoformat(birth), **kwargs)


def household(year, month, *members, costs=(), incomes=(), household_size=None):
    return HouseholdMonth(year, month, tuple(members), tuple(costs), tuple(incomes), household_size)


def kr(kronor):
    return kronor * 100
