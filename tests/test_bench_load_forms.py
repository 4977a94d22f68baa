"""The load benchmark posts forms as a browser does (bench/load/forms.py, issue 18): which
controls go back, with which values, and the pressed button's name and value."""

import pytest

from bench.load.forms import parse

PAGE = """
<form method="post" action="/logga-ut/"><input type="hidden" name="csrfmiddlewaretoken" value="t1"><button>Logga ut</button></form>
<form method="post" novalidate><input type="hidden" name="csrfmiddlewaretoken" value="t2">
  <input type="hidden" name="action" value="entries">
  <button type="submit" name="copy" value="1" class="secondary">Fyll i från ansökan 2026-11</button>
  <select name="obstacle_5"><option value="">—</option><option value="sick">Sjuk</option></select>
  <select name="cost0-type"><option value="">—</option><option value="housing" selected>Boende</option></select>
  <select name="cost0-person"><option>Anna</option><option value="7">Bo</option></select>
  <input type="text" name="cost0-amount" value="5266,00">
  <input type="text" name="cost0-disabled" value="x" disabled>
  <textarea name="note">
Rad ett</textarea>
  <input type="checkbox" name="ack"><input type="checkbox" name="kept" value="ja" checked>
  <input type="radio" name="mode" value="equal" checked><input type="radio" name="mode" value="single">
  <button type="submit" name="calculate" value="1">Spara och beräkna</button>
  <button type="submit" class="secondary">Spara utan att beräkna</button>
  <button type="button" name="js" value="no">Inte en knapp som skickar</button>
</form>
<input type="checkbox" name="cases" value="9" form="assign" checked>
<form method="post" id="assign"><input type="hidden" name="back" value="/arenden/"></form>
<a href="/arenden/12/">Ärende</a><a href="/arenden/12/ansokningar/34/?x=1">Ansökan</a>
"""


def entries():
    return parse(PAGE).form(lambda f: f.has("action", "entries"))


def pick(control, values):
    return next((v for v in values if v), None) if control.name.startswith("obstacle_") else None


@pytest.mark.parametrize(("button", "tick", "choose", "expected"), [
    ("calculate", (), None, [
        ("csrfmiddlewaretoken", "t2"), ("action", "entries"), ("obstacle_5", ""), ("cost0-type", "housing"),
        ("cost0-person", "Anna"), ("cost0-amount", "5266,00"), ("note", "Rad ett"), ("kept", "ja"),
        ("mode", "equal"), ("calculate", "1")]),
    ("copy", ("ack",), pick, [
        ("csrfmiddlewaretoken", "t2"), ("action", "entries"), ("obstacle_5", "sick"), ("cost0-type", "housing"),
        ("cost0-person", "Anna"), ("cost0-amount", "5266,00"), ("note", "Rad ett"), ("ack", "on"), ("kept", "ja"),
        ("mode", "equal"), ("copy", "1")]),
])
def test_the_body_is_what_the_browser_posts(button, tick, choose, expected):
    form = entries()
    assert form.payload(form.button(name=button), tick=tick, choose=choose) == expected


def test_a_nameless_button_adds_nothing_and_a_plain_button_is_not_a_submit():
    form = entries()
    nameless = form.button(text="Spara utan")
    assert nameless is not None and form.payload(nameless)[-1] == ("mode", "equal")
    assert form.button(name="js") is None


def test_controls_of_another_form_by_its_id_and_links():
    page = parse(PAGE)
    assign = page.form(lambda f: f.form_id == "assign")
    assert assign.payload() == [("back", "/arenden/"), ("cases", "9")]
    assert page.form(lambda f: f.action == "/logga-ut/").payload() == [("csrfmiddlewaretoken", "t1")]
    assert page.links_matching(r"/arenden/\d+/") == ["/arenden/12/"]
    assert page.links_matching(r"/arenden/\d+/ansokningar/\d+/") == ["/arenden/12/ansokningar/34/?x=1"]
