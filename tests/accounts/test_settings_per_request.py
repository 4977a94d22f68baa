"""Issue 18: within a request the municipality's settings are read once, and a change made in
the request is seen by the rest of it (lika.accounts.settings.SettingsPerRequestMiddleware)."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from lika.accounts import administration
from lika.accounts import settings as muni_settings

CASES = [  # (rows: (name, days from today, value)), the name asked, days from today, expected
    ([], "plan_days", 0, "default"),
    ([("plan_days", 0, 20)], "plan_days", 0, 20),
    ([("plan_days", 5, 20)], "plan_days", 0, "default"),
    ([("plan_days", 5, 20)], "plan_days", 5, 20),
    ([("plan_days", 1, 20), ("plan_days", 3, 40)], "plan_days", 2, 20),
    ([("plan_days", 1, 20), ("plan_days", 3, 40)], "plan_days", 9, 40),
    ([("plan_days", 1, 20), ("plan_days", 1, 25)], "plan_days", 1, 25),
    ([("statistics_threshold", 0, 7)], "plan_days", 0, "default"),
]


def _through_middleware(view):
    return muni_settings.SettingsPerRequestMiddleware(view)(RequestFactory().get("/"))


@pytest.mark.parametrize("rows, name, days, expected", CASES)
def test_the_cached_read_is_the_same_as_the_query(admin_user, settings, rows, name, days, expected):
    today = timezone.localdate()
    for row_name, row_days, value in rows:
        administration.setting_change(acting_user=admin_user, name=row_name, value=value,
                                      valid_from=today + timedelta(days=row_days))
    on = today + timedelta(days=days)
    uncached = muni_settings.current(name, on=on)
    seen = {}
    _through_middleware(lambda request: seen.setdefault("value", muni_settings.current(name, on=on)))
    assert seen["value"] == uncached
    assert uncached == (muni_settings.default(name) if expected == "default" else expected)


def test_a_request_reads_the_settings_once(admin_user, django_assert_num_queries):
    administration.setting_change(acting_user=admin_user, name="plan_days", value=20,
                                  valid_from=timezone.localdate())

    def view(request):
        with django_assert_num_queries(1):
            values = [muni_settings.current(name) for name in muni_settings.SPECS for _ in range(3)]
        return values

    values = _through_middleware(view)
    assert values[:3] == [muni_settings.current("pay_day")] * 3
    assert 20 in values
    with django_assert_num_queries(2):  # outside a request: one query per use
        muni_settings.current("plan_days")
        muni_settings.current("plan_days")


def test_a_change_in_the_request_is_seen_by_the_rest_of_it(admin_user):
    def view(request):
        before = muni_settings.current("plan_days")
        administration.setting_change(acting_user=admin_user, name="plan_days", value=33,
                                      valid_from=timezone.localdate())
        return before, muni_settings.current("plan_days")

    before, after = _through_middleware(view)
    assert before == muni_settings.default("plan_days") and after == 33
    assert muni_settings._request_cache.get() is None, "the cache ends with the request"
