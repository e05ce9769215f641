"""Helpers the tests share: import them from here (a conftest holds fixtures only).

- Dates and requests: ``ONE_DAY``, ``days_ago``, ``HTMX``, ``page_text``.
- API clients that log in by token: ``token_header``, ``token_client``.
- HTML forms read out of a page and submitted as a browser without JavaScript would:
  ``read_form``. Tests fill in and post the real HTML the server rendered, so a field the
  template forgets, a wrong name or a disabled button shows up as a failing test.
- The browser tests' chromium, screenshots, accessibility check and text contrast
  (``low_contrast_text``).
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[1]

# --- Dates and requests -----------------------------------------------------------------------

ONE_DAY = datetime.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


def days_ago(today: datetime.date, count: int) -> datetime.date:
    return today - datetime.timedelta(days=count)


def page_text(html: str) -> str:
    """The page's words, without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- API clients ------------------------------------------------------------------------------


def token_header(user: User) -> dict[str, str]:
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


def token_client(user: User) -> APIClient:
    """A client that authenticates as a mobile app does: ``Authorization: Token …``."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_header(user)["Authorization"])
    return client


# --- HTML forms -------------------------------------------------------------------------------


@dataclass
class Button:
    name: str
    value: str
    disabled: bool
    formaction: str | None


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.fields if key == name]

    def value(self, name: str) -> str:
        values = self.values(name)
        assert len(values) == 1, f"{name}: {values}"
        return values[0]

    def names(self) -> set[str]:
        return {key for key, _ in self.fields}

    def set(self, name: str, *values: object) -> HtmlForm:
        """Replace a field's values, as typing into it or ticking boxes would."""
        assert name in self.names() or name in self.options, f"no field {name!r} in the form"
        if name in self.options:
            for value in values:
                assert str(value) in self.options[name], f"{value!r} is not offered for {name}"
        first = next((i for i, (key, _) in enumerate(self.fields) if key == name), None)
        kept = [(key, value) for key, value in self.fields if key != name]
        insert_at = len(kept) if first is None else first
        self.fields = kept[:insert_at] + [(name, str(v)) for v in values] + kept[insert_at:]
        return self

    def button(self, value: str, name: str = "action") -> Button:
        matches = [b for b in self.buttons if b.name == name and b.value == value]
        assert matches, f"no button {name}={value!r}; have {[b.value for b in self.buttons]}"
        return matches[0]

    def data(self, button: Button | None = None) -> dict[str, list[str]]:
        data: dict[str, list[str]] = {}
        for key, value in self.fields:
            data.setdefault(key, []).append(value)
        if button is not None and button.name:
            data.setdefault(button.name, []).append(button.value)
        return data

    def submit(self, client: Client, value: str = "save", name: str = "action", **extra):
        """Press a button (refusing disabled ones) and post the form as the browser would."""
        button = self.button(value, name)
        assert not button.disabled, f"button {value!r} is disabled"
        url = (button.formaction or self.action).split("#")[0]
        return client.post(url, self.data(button), **extra)


class _Parser(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.form: HtmlForm | None = None
        self.inside = False
        self.done = False
        self.select: str | None = None
        self.select_options: list[tuple[str, bool]] = []
        self.select_disabled = False
        self.textarea: str | None = None
        self.text = ""
        self.option: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "form" and not self.inside and not self.done:
            if self.form_id is None or attr.get("id") == self.form_id:
                self.inside = True
                self.form = HtmlForm(
                    action=attr.get("action") or "", method=(attr.get("method") or "get").lower()
                )
            return
        if not self.inside or self.form is None:
            return
        name = attr.get("name")
        disabled = "disabled" in attr
        if tag == "input":
            kind = (attr.get("type") or "text").lower()
            if kind in {"submit", "image"}:
                self.form.buttons.append(
                    Button(name or "", attr.get("value") or "", disabled, attr.get("formaction"))
                )
            elif kind in {"checkbox", "radio"}:
                if name:
                    self.form.options.setdefault(name, []).append(attr.get("value") or "on")
                if name and "checked" in attr and not disabled:
                    self.form.fields.append((name, attr.get("value") or "on"))
            elif kind not in {"button", "reset", "file"} and name and not disabled:
                self.form.fields.append((name, attr.get("value") or ""))
        elif tag == "button":
            if (attr.get("type") or "submit").lower() == "submit":
                self.form.buttons.append(
                    Button(name or "", attr.get("value") or "", disabled, attr.get("formaction"))
                )
        elif tag == "select" and name:
            self.select, self.select_options, self.select_disabled = name, [], disabled
        elif tag == "option" and self.select:
            self.option = {"value": attr.get("value"), "selected": "selected" in attr}
            self.text = ""
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None or self.option is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if not self.inside or self.form is None:
            return
        if tag == "form":
            self.inside, self.done = False, True
        elif tag == "option" and self.option is not None:
            value = self.option["value"]
            self.select_options.append(
                (self.text.strip() if value is None else value, bool(self.option["selected"]))
            )
            self.option = None
        elif tag == "select" and self.select:
            values = [value for value, _ in self.select_options]
            self.form.options[self.select] = values
            chosen = [value for value, selected in self.select_options if selected] or values[:1]
            if not self.select_disabled:
                self.form.fields.extend((self.select, value) for value in chosen[:1])
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A newline right after <textarea> is not part of the value.
            text = self.text[1:] if self.text.startswith("\n") else self.text
            self.form.fields.append((self.textarea, text))
            self.textarea = None


def read_form(response_or_html, form_id: str | None = None) -> HtmlForm:
    html = (
        response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    )
    parser = _Parser(form_id)
    parser.feed(html)
    assert parser.form is not None, f"no form {form_id or ''} on the page"
    if not parser.form.action and not isinstance(response_or_html, str):
        parser.form.action = response_or_html.wsgi_request.path
    return parser.form


# --- Browser tests --------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"  # Debian's package: the tests never download a browser
SCREENSHOTS = ROOT / "screenshots"
AXE = Path(__file__).resolve().parent / "browser" / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def serious_accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core in the page; return serious and critical violations."""
    # evaluate() runs outside the page's Content-Security-Policy, which stays in force.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


# Every visible piece of text whose colour against the background behind it is below a
# contrast ratio: colours are blended by their alpha and by the opacity of the element and its
# ancestors, over the first solid background found going up the page. Disabled controls are
# left out, as WCAG does.
LOW_CONTRAST_TEXT = """(minimum) => {
  const parse = (css) => {
    const m = css.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
    a: 1,
  });
  const luminance = ({ r, g, b }) => {
    const [R, G, B] = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg && bg.a > 0) {
        layers.push(bg);
        if (bg.a === 1) break;
      }
    }
    let colour = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const low = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest("[disabled], [aria-disabled=true]")) continue;
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!rect.width || !rect.height || style.visibility === "hidden") continue;
    if (el.closest(".visually-hidden, [hidden]")) continue;
    let opacity = 1;
    for (let node = el; node; node = node.parentElement) {
      opacity *= Number(getComputedStyle(node).opacity);
    }
    const bg = background(el);
    const fg = parse(style.color);
    const text = over({ ...fg, a: fg.a * opacity }, bg);
    const [l1, l2] = [luminance(text), luminance(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    if (ratio < minimum) {
      const words = el.textContent.trim().slice(0, 50);
      low.push(`${ratio.toFixed(2)}: ${el.tagName.toLowerCase()}.${el.className} ${words}`);
    }
  }
  return low;
}"""


def low_contrast_text(page: Page, minimum: float = 4.5) -> list[str]:
    """Visible text below ``minimum`` contrast against what is behind it (WCAG AA: 4.5)."""
    return page.evaluate(LOW_CONTRAST_TEXT, minimum)


def assert_accessible(page: Page) -> None:
    violations = serious_accessibility_violations(page)
    assert not violations, json.dumps(violations, indent=2)


# --- Pain reports over the API ----------------------------------------------------------------

#: Every yes/no question of an API pain report, answered "no" (the API requires each one).
REPORT_BOOLEANS = (
    "numbness",
    "tingling",
    "weakness",
    "pain_down_leg",
    "bladder_bowel",
    "saddle_numbness",
    "both_legs",
    "chest",
    "unwell",
    "fall_or_injury",
)


def api_report_body(**answers: object) -> dict[str, object]:
    """A complete API pain report: pain 2, settled within 15 minutes, every symptom "no";
    ``answers`` override any of them."""
    return {"pain": 2, "pain_lasting": "no", **dict.fromkeys(REPORT_BOOLEANS, False), **answers}


# --- Pain reports through the HTML form and the service ----------------------------------------

# The form's required questions answered "no": settled within 15 minutes, no sign ticked.
REPORT_FORM_ALL_NO: dict[str, str] = {
    "pain_lasting": "no",
    "emergency": "none",
    "legs": "none",
    "other": "none",
}


def report_form_data(**answers: object) -> dict[str, object]:
    """A complete POST of the pain report form, every safety question "no" (a group of
    checkboxes takes a list); ``answers`` override any of them."""
    return {**REPORT_FORM_ALL_NO, **answers}


def service_report_answers(**answers: object) -> dict[str, object]:
    """``submit_pain_report``'s answers with every symptom "no", settled within 15 minutes;
    ``answers`` override any of them."""
    return {"pain_lasting": "no", **dict.fromkeys(REPORT_BOOLEANS, False), **answers}


# --- The intake red-flag screen ----------------------------------------------------------------


def intake_form_answers(*yes: str) -> dict[str, str]:
    """The add/edit patient form's intake screen: "no" to each question but those in ``yes``."""
    from patients.models import INTAKE_QUESTIONS

    return {f"intake_{name}": "yes" if name in yes else "no" for name in INTAKE_QUESTIONS}


def intake_api_answers(*yes: str) -> dict[str, bool]:
    """The API's ``intake_screen``: false for each question but those in ``yes``."""
    from patients.models import INTAKE_QUESTIONS

    return {name: name in yes for name in INTAKE_QUESTIONS}
