"""Using the reporting form: keyboard only from the first question to the receipt; at 360 px
wide; mirrored right to left in Arabic (a screenshot comparison); and light enough for a
slow connection without JavaScript (every page under 100 KB — 100,000 bytes — before
attachments)."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageOps

from haven.i18n import LANGUAGES

pytestmark = pytest.mark.browser

_spec = importlib.util.spec_from_file_location(
    "form_use_intake_support", Path(__file__).parents[2] / "functional/intake/conftest.py")
support = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = support
_spec.loader.exec_module(support)

# Pages without JavaScript, before attachments: 100 KB read strictly (decimal bytes of the
# HTML, CSS and images a script-less browser loads, uncompressed). docs/i18n.md has the table.
NOJS_BUDGET_BYTES = 100_000
NOJS_PAGES = ("/", "/report", "/help", "/protection", "/next", "/inbox")
MAX_TABS = 400


@pytest.fixture
def form_site(tmp_path, database_url, live_server):
    from intake.app import create_app

    instance = support.build_instance(tmp_path, database_url)
    with live_server(create_app(instance.config)) as base:
        yield base


def focused_matches(page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)",
                         selector)


def tab_to(page, selector: str) -> None:
    """Press Tab (only Tab) until the focused element matches ``selector``."""
    for _ in range(MAX_TABS):
        if focused_matches(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def choose_radio(page, name: str, value: str) -> None:
    """Tab into a radio group, then move with the arrow keys to ``value`` (which selects it)."""
    tab_to(page, f"input[type=radio][name='{name}']")
    for _ in range(12):
        if focused_matches(page, f"input[name='{name}'][value='{value}']"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.is_checked(f"input[name='{name}'][value='{value}']")


def current_page(page) -> str:
    return page.evaluate("""() => {
      const shown = [...document.querySelectorAll('fieldset.page')].filter(p => !p.hidden);
      return shown.length === 1 ? shown[0].id : shown.map(p => p.id).join(',');
    }""")


def next_page(page) -> None:
    before = current_page(page)
    tab_to(page, f"#{before} .page-nav .next")
    page.keyboard.press("Enter")
    assert current_page(page) != before
    assert focused_matches(page, f"#{current_page(page)} legend")  # focus follows the step


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_report_is_completed_with_the_keyboard_only(browser, form_site, language):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{form_site}/report?lang={language}")
    page.locator("#page-danger").wait_for(state="visible")
    pages_seen = []
    while (step := current_page(page)) != "page-send":
        pages_seen.append(step)
        if step == "page-danger":
            choose_radio(page, "danger.danger_now", "no")
        elif step == "page-un_link":
            choose_radio(page, "un_link.linked", "yes")
        elif step == "page-situation":
            tab_to(page, "#situation-narrative")
            page.keyboard.type("I was questioned about my testimony at the session.")
        elif step == "page-consent":
            choose_radio(page, "consent.giver", "victim")
            tab_to(page, "input[name='consent.scopes'][value='contact']")
            page.keyboard.press("Space")
            assert page.is_checked("input[name='consent.scopes'][value='contact']")
        next_page(page)
        assert len(pages_seen) < 20  # noqa: PLR2004 - the form has a dozen pages
    assert {"page-danger", "page-un_link", "page-situation", "page-consent"} <= set(pages_seen)
    tab_to(page, "#send-button")
    page.keyboard.press("Enter")
    page.locator("#receipt").wait_for(state="visible", timeout=60_000)
    assert focused_matches(page, "#receipt")  # the receipt takes focus when it appears
    receipt = page.locator("#receipt-value").inner_text().split()
    position = int(re.search(r"\d+", page.locator("#receipt-check-label").inner_text()).group())
    tab_to(page, "#receipt-check-input")
    page.keyboard.type(receipt[position])
    page.keyboard.press("Enter")
    page.locator("#receipt-done").wait_for(state="visible")
    tab_to(page, "#receipt-done")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/next\?lang={language}$"))  # still in the same language
    context.close()


def test_a_form_error_is_tied_to_its_field_and_takes_focus(browser, form_site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{form_site}/report")
    while current_page(page) != "page-send":
        next_page(page)  # nothing answered: the form lets the reporter look first
    tab_to(page, "#send-button")
    page.keyboard.press("Enter")
    error = page.locator(".field-error:not([hidden])").first
    error.wait_for()
    error_id = error.get_attribute("id")
    described = page.evaluate("() => document.activeElement.closest('[aria-describedby]')"
                              "?.getAttribute('aria-describedby') || ''")
    assert error_id in described.split()  # the focused field names its error message
    assert error.inner_text().strip()
    context.close()


def _screenshot(page) -> Image.Image:
    return Image.open(io.BytesIO(page.screenshot())).convert("RGB")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_form_fits_a_360_px_phone(browser, form_site, language, tmp_path):
    for scripts in (True, False):
        context = browser.new_context(viewport={"width": 360, "height": 740},
                                      java_script_enabled=scripts)
        page = context.new_page()
        page.goto(f"{form_site}/report?lang={language}")
        overflow = page.evaluate("""() => {
          const width = document.documentElement.clientWidth;
          const controls = 'input, select, textarea, button, label, legend, a';
          const out = [...document.querySelectorAll(controls)]
            .filter(e => e.offsetParent !== null && !e.matches('.skip-link'))  // shown on focus
            .filter(e => {
              const r = e.getBoundingClientRect();
              return r.left < -1 || r.right > width + 1;
            })
            .map(e => e.outerHTML.slice(0, 80));
          return {scroll: document.documentElement.scrollWidth, width, out};
        }""")
        assert overflow["scroll"] <= overflow["width"], overflow
        assert overflow["out"] == [], overflow
        shot = page.screenshot(full_page=True, path=str(tmp_path / f"report-360-{language}.png"))
        image = Image.open(io.BytesIO(shot))
        assert image.width == 360  # noqa: PLR2004
        assert image.height > 740  # noqa: PLR2004 - the whole form, scrolled, in one column
        context.close()


def _layout_mask(image: Image.Image) -> Image.Image:
    """Where something is drawn (text, borders, buttons), as coarse blocks: the layout
    without the words, so English and Arabic can be compared."""
    ink = ImageOps.invert(ImageOps.grayscale(image)).point(lambda v: 255 if v > 40 else 0)  # noqa: PLR2004
    return ink.resize((image.width // 20, image.height // 20), Image.Resampling.BOX).point(
        lambda v: 255 if v > 10 else 0)  # noqa: PLR2004


def _difference(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a, b)
    return sum(diff.getdata()) / (255 * diff.width * diff.height)


def test_arabic_mirrors_the_english_form(browser, form_site, tmp_path):
    shots, boxes = {}, {}
    for language in ("en", "ar"):
        context = browser.new_context(viewport={"width": 800, "height": 900})
        page = context.new_page()
        page.goto(f"{form_site}/report?lang={language}")
        page.locator("#page-danger").wait_for(state="visible")
        assert page.evaluate("() => getComputedStyle(document.body).direction") == (
            "rtl" if language == "ar" else "ltr")
        shots[language] = _screenshot(page)
        shots[language].save(tmp_path / f"report-{language}.png")
        boxes[language] = {selector: page.locator(selector).first.bounding_box()
                           for selector in (".brand", "#quick-exit",
                                            "#page-danger .page-nav .next")}
        context.close()
    width = 800
    for selector, box in boxes["en"].items():
        mirrored = boxes["ar"][selector]
        # In Arabic each element sits where the English one would, seen in a mirror.
        assert abs((width - (box["x"] + box["width"])) - mirrored["x"]) < 48, selector  # noqa: PLR2004
    english, arabic = _layout_mask(shots["en"]), _layout_mask(shots["ar"])
    as_in_mirror = _difference(english, ImageOps.mirror(arabic))
    unmirrored = _difference(english, arabic)
    assert as_in_mirror < unmirrored * 0.75, (as_in_mirror, unmirrored)  # noqa: PLR2004


def test_pages_without_javascript_stay_under_100_kb(browser, form_site):
    """Everything a script-less browser downloads for each page, in each of the six
    languages (a fresh tab per page, so nothing of one page is counted for another). The
    measured table is printed (``pytest -s``) for docs/i18n.md."""
    context = browser.new_context(java_script_enabled=False)
    weights: dict[tuple[str, str], int] = {}
    for language in LANGUAGES:
        for path in NOJS_PAGES:
            page = context.new_page()
            responses = []
            page.on("response", lambda response, seen=responses: seen.append(response))
            page.goto(f"{form_site}{path}?lang={language}")
            page.wait_for_load_state("load")
            fetched = [(r.url, len(r.body())) for r in responses if r.ok]
            page.close()
            assert not any(url.endswith(".js") for url, _size in fetched)
            weights[(path, language)] = sum(size for _url, size in fetched)
    context.close()
    print("\n" + weight_table(weights))
    assert len(weights) == len(LANGUAGES) * len(NOJS_PAGES)
    over = {key: size for key, size in weights.items() if size >= NOJS_BUDGET_BYTES}
    assert not over, (over, NOJS_BUDGET_BYTES)
    assert min(weights.values()) > 0


def weight_table(weights: dict[tuple[str, str], int]) -> str:
    """A Markdown table: one row per page, one column per language, bytes."""
    rows = [f"| page | {' | '.join(LANGUAGES)} |", "|---" * (len(LANGUAGES) + 1) + "|"]
    for path in NOJS_PAGES:
        cells = " | ".join(f"{weights[(path, language)]:,}" for language in LANGUAGES)
        rows.append(f"| `{path}` | {cells} |")
    return "\n".join(rows)


def test_the_form_sets_no_time_limit(browser, form_site):
    """Nothing on the form expires while a reporter takes their time (WCAG 2.2.1): no
    refresh, no hidden token, and the proof of work is fetched only once Send is pressed."""
    context = browser.new_context()
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{form_site}/report")
    page.locator("#page-danger").wait_for(state="visible")
    assert page.locator("meta[http-equiv]").count() == 0
    assert page.locator("#report-form input[type=hidden]").count() == 0
    assert not [url for url in requested if "/api/" in url and "pow" in url]
    context.close()
    nojs = browser.new_context(java_script_enabled=False).new_page()
    nojs.goto(f"{form_site}/report")
    assert nojs.locator("meta[http-equiv]").count() == 0
    assert nojs.locator("#report-form input[type=hidden]").count() == 0
    nojs.context.close()
