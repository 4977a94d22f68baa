"""Where a page's time goes, for the load benchmark only (bench/bench_load.py).

``bench.load.settings`` puts :class:`QueryLogMiddleware` first in the middleware when the
benchmark starts gunicorn; Lika's own settings never name it.  For every request it appends
one JSON line to the file named by ``LIKA_BENCH_QUERY_LOG``: the URL pattern and method,
the status, the wall time and the worker process's CPU time of the request (a gunicorn sync
worker serves one request at a time), and how many SQL queries ran and how long they took
(Django's ``connection.execute_wrapper``)."""

from __future__ import annotations

import json
import os
import time

from django.db import connection


class QueryLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.path = os.environ.get("LIKA_BENCH_QUERY_LOG", "")

    def __call__(self, request):
        if not self.path:
            return self.get_response(request)
        counts = {"queries": 0, "db": 0.0}

        def timed(execute, sql, params, many, context):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                counts["queries"] += 1
                counts["db"] += time.perf_counter() - start

        wall, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        match = getattr(request, "resolver_match", None)
        route = "/" + match.route if match is not None else request.path
        line = json.dumps({"route": route, "method": request.method, "status": response.status_code,
                           "ms": round(wall * 1000, 2), "cpu_ms": round(cpu * 1000, 2),
                           "queries": counts["queries"], "db_ms": round(counts["db"] * 1000, 2)})
        with open(self.path, "a", encoding="utf-8") as stream:  # one short append per request
            stream.write(line + "\n")
        return response
