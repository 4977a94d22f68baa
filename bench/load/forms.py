"""What a browser submits: the forms and links of a Lika page, parsed with the standard
library (no dependency), and the body a browser posts for one form and one pressed button.

Only the parts of HTML forms that Lika's pages use: ``input`` (hidden, text, number, date,
checkbox, radio and the rest of the text-like types), ``select`` (one choice), ``textarea``
and ``button``.  A control with ``form="…"`` belongs to that form, as in a browser."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

UNCHECKABLE = {"checkbox", "radio"}
NOT_SENT = {"submit", "button", "reset", "image", "file"}


@dataclass
class Control:
    kind: str  # input type, "select", "textarea" or "button"
    name: str
    value: str = ""
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # select: (value, selected)
    text: str = ""  # a button's text


@dataclass
class Form:
    action: str
    method: str
    form_id: str
    controls: list[Control] = field(default_factory=list)

    def names(self) -> set[str]:
        return {c.name for c in self.controls if c.name}

    def has(self, name: str, value: str | None = None) -> bool:
        return any(c.name == name and (value is None or c.value == value) for c in self.controls)

    def button(self, name: str | None = None, text: str | None = None) -> Control | None:
        for c in self.controls:
            if c.kind != "button" and c.kind not in ("submit", "image"):
                continue
            if name is not None and c.name != name:
                continue
            if text is not None and text not in c.text:
                continue
            return c
        return None

    def payload(self, pressed: Control | None = None, *, choose=None, tick=()) -> list[tuple[str, str]]:
        """The body a browser posts: every named control's value in document order (checked
        boxes and radios only; a select's selected option, else its first) and the pressed
        button's name and value.  ``choose(control, options)`` may pick a select's value the
        way the user would (for a select still on its empty choice); the checkboxes named in
        ``tick`` are ticked by the user."""
        out = []
        for c in self.controls:
            if not c.name or c.kind in NOT_SENT or c.kind == "button":
                continue
            if c.kind in UNCHECKABLE:
                if c.checked or (c.kind == "checkbox" and c.name in tick):
                    out.append((c.name, c.value or "on"))
            elif c.kind == "select":
                chosen = next((v for v, selected in c.options if selected), c.options[0][0] if c.options else None)
                if choose is not None and not chosen:
                    chosen = choose(c, [v for v, _ in c.options]) or chosen
                if chosen is not None:
                    out.append((c.name, chosen))
            else:
                out.append((c.name, c.value))
        if pressed is not None and pressed.name:
            out.append((pressed.name, pressed.value))
        return out


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self.orphans: list[tuple[str, Control]] = []  # controls with form="id" (resolved at the end)
        self.links: list[str] = []
        self.current: Form | None = None
        self.select: Control | None = None
        self.option: list | None = None
        self.textarea: Control | None = None
        self.button: Control | None = None

    def _add(self, control: Control, attrs: dict):
        owner = attrs.get("form")
        if owner:
            self.orphans.append((owner, control))
        elif self.current is not None:
            self.current.controls.append(control)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "form":
            self.current = Form(action=a.get("action", ""), method=a.get("method", "get").lower(),
                                form_id=a.get("id", ""))
            self.forms.append(self.current)
            if self.current.form_id:
                self.by_id[self.current.form_id] = self.current
        elif tag == "input":
            if "disabled" in a:
                return
            kind = a.get("type", "text").lower()
            self._add(Control(kind, a.get("name", ""), a.get("value", "on" if kind in UNCHECKABLE else ""),
                              checked="checked" in a), a)
        elif tag == "select" and "disabled" not in a:
            self.select = Control("select", a.get("name", ""))
            self._add(self.select, a)
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea" and "disabled" not in a:
            self.textarea = Control("textarea", a.get("name", ""))
            self._add(self.textarea, a)
        elif tag == "button":
            self.button = Control("button", a.get("name", ""), a.get("value", ""))
            if a.get("type", "submit").lower() == "submit":
                self._add(self.button, a)

    def handle_data(self, data):
        if self.option is not None:
            self.option[2] += data
        elif self.textarea is not None:
            self.textarea.value += data
        if self.button is not None:
            self.button.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "option" and self.option is not None and self.select is not None:
            value, selected, text = self.option
            self.select.options.append((value if value is not None else text.strip(), selected))
            self.option = None
        elif tag == "select":
            self._close_option()
            self.select = None
        elif tag == "textarea":
            if self.textarea is not None and self.textarea.value.startswith("\n"):
                self.textarea.value = self.textarea.value[1:]
            self.textarea = None
        elif tag == "button":
            self.button = None

    def _close_option(self):
        if self.option is not None and self.select is not None:
            value, selected, text = self.option
            self.select.options.append((value if value is not None else text.strip(), selected))
        self.option = None


@dataclass
class Page:
    forms: list[Form]
    links: list[str]

    def form(self, predicate) -> Form | None:
        return next((f for f in self.forms if f.method == "post" and predicate(f)), None)

    def links_matching(self, pattern: str) -> list[str]:
        rx = re.compile(pattern)
        return [href for href in self.links if rx.fullmatch(href.split("?")[0])]


def parse(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    for owner, control in parser.orphans:
        if owner in parser.by_id:
            parser.by_id[owner].controls.append(control)
    return Page(parser.forms, parser.links)
