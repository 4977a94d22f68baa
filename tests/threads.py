"""Races for the PostgreSQL concurrency tests: calls in threads released together."""

import threading

from django.db import connections


def race(*calls, expected=(Exception,)):
    """Run each call in its own thread and database connection, released together by a
    barrier; return what each returned or raised.  An exception that is not one of
    ``expected`` fails the test (a user got an error instead of an answer)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    unexpected = []

    def run(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            results[i] = exc
            if not isinstance(exc, expected):
                unexpected.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    assert not unexpected, f"a user got an error instead of an answer: {unexpected!r}"
    return results
