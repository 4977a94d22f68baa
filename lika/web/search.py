"""Searches whose terms can hold a personnummer are posted, never put in an address.

The search form posts its fields (with the CSRF token); the view keeps them in the
session under a random token and redirects to ``?s=<token>`` (pagination adds
``&page=N``).  The address bar, the browser's history, the Referer header and the web
server's access log see only the token, which means nothing outside the session that
made it.  A session keeps its last ``KEPT`` searches per page; an unknown or expired
token is no search at all (the empty form).  Terms in the query string are never read.
"""

import secrets

from django.http import HttpResponseRedirect

SESSION_KEY = "_lika_searches"
TOKEN = "s"
KEPT = 20


def search_redirect(request, page: str, fields) -> HttpResponseRedirect:
    """Keep the posted ``fields`` of the search on ``page`` and redirect to the page with
    the token that names them."""
    terms = {name: request.POST.get(name, "") for name in fields}
    token = secrets.token_urlsafe(12)
    searches = request.session.get(SESSION_KEY, {})
    kept = searches.get(page, {})
    kept[token] = terms
    searches[page] = dict(list(kept.items())[-KEPT:])  # the newest KEPT, in order of making
    request.session[SESSION_KEY] = searches
    return HttpResponseRedirect(f"{request.path}?{TOKEN}={token}")


def search_terms(request, page: str) -> dict | None:
    """The terms the token in the address names, or None (no token, or not this session's)."""
    token = request.GET.get(TOKEN, "")
    terms = request.session.get(SESSION_KEY, {}).get(page, {}).get(token) if token else None
    return dict(terms) if isinstance(terms, dict) else None
