"""Lika's settings with the load benchmark's query log first in the middleware (bench only;
bench/bench_load.py starts gunicorn with DJANGO_SETTINGS_MODULE=bench.load.settings)."""

from lika.config.settings import *  # noqa: F403
from lika.config.settings import MIDDLEWARE

MIDDLEWARE = ["bench.load.querylog.QueryLogMiddleware", *MIDDLEWARE]
