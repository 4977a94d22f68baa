"""Preparing a payment run in several processes at once (PostgreSQL).

A month's shares are split by id into as many ranges as there are workers; each range
is prepared by a forked process with its own database connection, batch by batch, in
exactly the way one process prepares them all (``services.prepare_range``).  What makes
this safe is what already makes a crashed run safe to start again: each batch is one
transaction, a share with an order is never picked again, and the partial unique
constraint "one live order per share" refuses a second order whatever happens.

If a worker fails, the others finish their ranges, the run stays "preparing" and the
error is raised; preparing again picks up exactly what is left.  Python runs one
thread at a time, so processes (not threads) are what uses the second core; the
measured gain is in docs/benchmarks.md.  SQLite takes one writer at a time, so there
the run is always prepared by one process.
"""

import multiprocessing
import os
import time
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import connection, connections

from .models import PaymentRun

POLL_SECONDS = 0.25


def default_workers() -> int:
    """Two processes on PostgreSQL when the machine has the cores; one on SQLite."""
    if connection.vendor != "postgresql":
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def can_prepare_in_processes() -> bool:
    """Forking needs PostgreSQL, a platform that forks, and no open transaction (the
    workers could not see its rows, and closing the connection would end it)."""
    return (connection.vendor == "postgresql" and hasattr(os, "fork")
            and not connection.in_atomic_block)


def ranges(first: int, last: int, parts: int) -> list[tuple[int, int]]:
    """``(after, last)`` id ranges covering ``first..last`` in ``parts`` near-equal parts."""
    span = last - first + 1
    parts = max(1, min(parts, span))
    edges = [first - 1 + span * i // parts for i in range(parts + 1)]
    return [(edges[i], edges[i + 1]) for i in range(parts)]


def _worker(run_pk: int, after: int, last: int, batch: int, answer) -> None:
    from .services import prepare_range

    try:
        run = PaymentRun.objects.get(pk=run_pk)
        for _ in prepare_range(run, after, last, batch=batch):
            pass
        answer.send("")
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
        answer.send(f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__)
    finally:
        answer.close()
        connections.close_all()


def prepare_in_processes(run: PaymentRun, first: int, last: int, *, workers: int, batch: int,
                         progress: Callable[[int, int], None] | None = None) -> None:
    """Prepare the shares with ids ``first..last`` of ``run`` in ``workers`` processes."""
    context = multiprocessing.get_context("fork")
    connections.close_all()  # each process opens its own; none inherits a socket in use
    children = []
    for after, upto in ranges(first, last, workers):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_worker, args=(run.pk, after, upto, batch, send), daemon=True)
        process.start()
        send.close()
        children.append((process, receive))
    try:
        while any(process.is_alive() for process, _ in children):
            time.sleep(POLL_SECONDS)
            if progress:
                done, total = PaymentRun.objects.filter(pk=run.pk).values_list(
                    "progress_done", "progress_total").get()
                progress(min(done, total), total)
    finally:
        errors = []
        for process, receive in children:
            process.join()
            message = receive.recv() if receive.poll() else None
            receive.close()
            if message is None:
                message = f"processen avslutades med kod {process.exitcode}"
            if message:
                errors.append(message)
    if errors:
        raise ValidationError(
            "Förberedelsen avbröts (" + "; ".join(errors) + "). Det som hann förberedas finns kvar: "
            "förbered igen för att fortsätta.")
