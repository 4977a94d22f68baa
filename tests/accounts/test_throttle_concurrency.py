"""The login throttle under parallel tries (real threads, each with its own connection):
one try per delay, and parallel first failures counted on one row."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from lika.accounts.models import LoginThrottle
from lika.accounts.throttle import login_failed, login_wait

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = "198.51.100.23"
THREADS = 4


def in_parallel(work):
    """Run ``work(i)`` in THREADS threads released together; the results in order."""
    barrier, results, errors = threading.Barrier(THREADS), [None] * THREADS, []

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # reported below, with the thread's own error
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                     reason="SQLite takes one writer at a time (IMMEDIATE): nothing runs in parallel")


@postgresql_only
def test_parallel_tries_after_the_free_failures_get_one_try_per_delay(alice):
    now = timezone.now()
    for _ in range(settings.LIKA_LOGIN_MAX_FAILURES):
        login_failed(username="alice", source=SOURCE, now=now)
    later = now + timedelta(seconds=3)  # past the 2 s the last failure earned
    waits = in_parallel(lambda i: login_wait(username="alice", source=SOURCE, now=later))
    assert sorted(waits)[0] == 0 and all(wait > 0 for wait in sorted(waits)[1:]), waits


@postgresql_only
def test_parallel_first_failures_are_counted_on_one_row(alice):
    now = timezone.now()
    in_parallel(lambda i: login_failed(username="alice", source=SOURCE, now=now))
    assert LoginThrottle.objects.get().failures == THREADS
