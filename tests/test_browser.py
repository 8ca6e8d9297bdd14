"""The built site in a real browser: accessibility, privacy, CSP, keyboard.

Headless Chromium from the system (never a downloaded browser), driven by
Playwright, against the book served on 127.0.0.1. Skipped, with the reason,
only where no Chromium is installed; CI installs it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import NavigableString

from conftest import page_soup
from handbook_spec import NEUTRAL_SITE

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


def site_pages(book) -> list[str]:
    """Every page in both languages."""
    return [p.relative_to(book.html).as_posix() for p in book.all_pages()]


# axe's run on the page in front of it, started on the page's next turn (so
# that this call returns at once and the page works while the test moves
# on); its findings, three places each, go to window.__axe when it is done.
START_AXE = """options => {
    window.__axe = null;
    setTimeout(() => axe.run(document, options).then(
        result => { window.__axe = result.violations.map(v => ({
            id: v.id, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target),
        })); },
        error => { window.__axe = [{id: "axe-error", help: String(error), targets: []}]; },
    ));
}"""


@dataclass
class Walk:
    """What one visit of every page recorded (the ``walk`` fixture)."""

    outside: list[str] = field(default_factory=list)  # requests off the site
    cookies: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # page and console errors
    messages: list[str] = field(default_factory=list)  # every console message
    script_src: dict[str, str] = field(default_factory=dict)  # page: directive
    theme: str = ""


def walking_page(browser, site: str, record: Walk):
    """A page in a fresh context that records, into ``record``, requests off
    the site, script errors, console messages and policy violations."""
    context = browser.new_context()
    page = context.new_page()
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(site) else record.outside.append(request.url)
        ),
    )
    page.on("pageerror", lambda error: record.errors.append(f"{page.url}: {error}"))

    def console(message) -> None:
        record.messages.append(message.text)
        if message.type == "error":
            record.errors.append(f"{page.url}: {message.text}")

    page.on("console", console)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return page


# What axe checks, where. Its colour rules are most of its time and depend
# only on styles: no page can carry a style of its own (no inline style, no
# raw HTML; test_reader_safety.py, test_page_limits.py), so a text's colours
# follow from the stylesheets and the element's place among the templates'
# and directives' elements. They run in light and dark mode, on a phone and
# on a desktop, on the "colour cover" (colour_cover): a few pages that
# between them hold every such place that occurs anywhere on the site, in
# either language. A new directive, class or nesting on any page adds a
# place, and that page joins the cover. Every other rule reads the page's
# markup (names, roles, states, structure, language), the same at every
# width and in both schemes, and runs on every page, in light mode on a
# phone; and on the cover's pages on a desktop too, where the sidebar and
# the table of contents show and the targets are laid out anew. Dark mode
# changes colours only (furo swaps its CSS variables;
# test_dark_mode_changes_only_colours checks that the accessibility tree is
# the same).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
LIGHT = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
NOT_COLOUR = {**LIGHT, "rules": {rule: {"enabled": False} for rule in COLOUR_RULES}}
COLOUR = {"runOnly": {"type": "rule", "values": COLOUR_RULES}}


# Kinds of address the stylesheets style apart (outside links, DOIs, links
# within the page, phone numbers); any other is a page of the site.
LINK_KINDS = ("https://doi.org/", "http", "#", "tel:")


def place_of(element) -> str:
    """What a selector can tell of an element: its tag and classes, and for
    a link the kind of address."""
    classes = "".join(f".{c}" for c in sorted(element.get("class") or []))
    if element.name == "a" and (href := element.get("href")) is not None:
        kind = next((k for k in LINK_KINDS if href.startswith(k)), "page")
        return f"a{classes}[{kind}]"
    return element.name + classes


def stylesheets(html: Path, rel: str, page) -> tuple[str, ...]:
    """The stylesheets a page loads, by their content (a translation has its
    own copies; the 404 page, served at any address, links from the root)."""
    digests = []
    for link in page.select("link[rel=stylesheet]"):
        href = link["href"].split("?")[0]
        sheet = html / href[1:] if href.startswith("/") else (html / rel).parent / href
        digests.append(hashlib.sha256(sheet.read_bytes()).hexdigest())
    return tuple(sorted(digests))


def text_places(html: Path, rel: str) -> set[tuple[str, ...]]:
    """Each element a reader sees text in, or a control, as its place with
    every ancestor's (from <html> down), under the page's stylesheets."""
    page = page_soup(html / rel)
    sheets = stylesheets(html, rel, page)
    places = set()
    for element in page.find_all(True):
        if element.name in ("script", "style"):
            continue
        text = any(type(c) is NavigableString and c.strip() for c in element.children)
        if text or element.name in ("a", "button", "input", "label", "summary"):
            chain = [place_of(a) for a in reversed(list(element.parents))][1:]
            places.add((*sheets, *chain, place_of(element)))
    return places


def colour_cover(html: Path, pages: list[str]) -> list[str]:
    """Pages that between them hold every text place of ``pages``: the
    page holding most places not yet held, until none is left."""
    places = {rel: text_places(html, rel) for rel in pages}
    left = set().union(*places.values())
    cover = []
    while left:
        best = max(pages, key=lambda rel: len(places[rel] & left))
        cover.append(best)
        left -= places[best]
    return cover


def axe_run(page, options: dict) -> None:
    page.evaluate(START_AXE, {**options, "resultTypes": ["violations"]})


def axe_found(page, rel: str) -> list[str]:
    """The problems of the run started on ``page`` (at ``rel``)."""
    page.wait_for_function("() => window.__axe !== null", polling=50, timeout=180_000)
    return [
        f"{rel}: {v['id']} ({v['help']}) at {v['targets']}"
        for v in page.evaluate("window.__axe")
    ]


@pytest.fixture(scope="module")
def visits(book, site, browser) -> tuple[dict[tuple[str, str], list[str]], Walk]:
    """Every page of the site, visited by the walk and by axe (see
    COLOUR_RULES): a phone and a desktop page, each in a context of its own
    with axe loaded into every page, in light mode, then switched to dark
    for the colour rules. The walk's page, in a fresh context without axe,
    waits on each page for the network to fall idle while axe works on it.
    Returns (scheme, viewport) -> problems, and what the walk recorded."""
    from axe_playwright_python.sync_playwright import Axe

    views = {}
    for viewport, (width, height) in VIEWPORTS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_init_script(Axe().axe_script)
        views[viewport] = context.new_page()
    problems: dict[tuple[str, str], list[str]] = {
        (scheme, viewport): [] for scheme in ("light", "dark") for viewport in views
    }
    record = Walk()
    walker = walking_page(browser, site, record)
    every = site_pages(book)
    cover = set(colour_cover(book.html, every))
    for rel in every:
        walker.goto(site + rel, wait_until="commit")
        running = {v: page for v, page in views.items() if v == "phone" or rel in cover}
        for page in running.values():
            page.goto(site + rel, wait_until="commit")
        for page in running.values():
            page.wait_for_load_state("load")
            axe_run(page, LIGHT if rel in cover else NOT_COLOUR)
        for viewport, page in running.items():
            problems["light", viewport] += axe_found(page, rel)
        if rel in cover:
            for page in running.values():
                page.emulate_media(color_scheme="dark")
                axe_run(page, COLOUR)
            for viewport, page in running.items():
                problems["dark", viewport] += axe_found(page, rel)
                page.emulate_media(color_scheme="light")
        walker.wait_for_load_state("networkidle")
        policy = walker.locator(
            'meta[http-equiv="Content-Security-Policy"]'
        ).get_attribute("content")
        record.script_src[rel] = next(
            d for d in policy.split(";") if d.strip().startswith("script-src")
        )
    record.theme = walker.evaluate("document.body.dataset.theme")
    record.cookies = walker.context.cookies()
    for page in [*views.values(), walker]:
        page.context.close()
    return problems, record


@pytest.fixture(scope="module")
def axe_problems(visits) -> dict[tuple[str, str], list[str]]:
    return visits[0]


@pytest.fixture(scope="module")
def walk(visits) -> Walk:
    """One walk through every page of the site (networkidle each), recording
    the requests, cookies, console messages, script errors and policy
    violations that the tests below assert on."""
    return visits[1]


def test_the_colour_cover_holds_every_text_place(tmp_path):
    """A page with a place no other page has (a class, a nesting, a kind
    of link) joins the cover; a page whose places are all held elsewhere
    does not."""
    pages = {
        "a.html": '<p>One <a href="https://example.org/">out</a></p>',
        "b.html": "<p>Two</p>",
        "c.html": '<div class="admonition warning"><p>Three</p></div>',
        "d.html": '<p>Four <a href="#here">in</a></p>',
    }
    for name, body in pages.items():
        (tmp_path / name).write_text(f"<html><body>{body}</body></html>")
    assert colour_cover(tmp_path, sorted(pages)) == ["a.html", "c.html", "d.html"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_page_has_no_axe_violations(axe_problems, scheme, viewport):
    problems = axe_problems[scheme, viewport]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "rel",
    [
        "index.html",
        "chapters/the-cycle.html",
        "es/exercises/map-your-cycle.html",
        "search.html",
    ],
)
def test_dark_mode_changes_only_colours(site, browser, rel):
    """What lets dark mode run only axe's colour rules: the page a screen
    reader meets (roles, names, states, text) is the same in both schemes,
    on a phone and on a desktop."""
    for width, height in VIEWPORTS.values():
        trees = []
        for scheme in ("light", "dark"):
            context = browser.new_context(
                viewport={"width": width, "height": height}, color_scheme=scheme
            )
            page = context.new_page()
            page.goto(site + rel)
            trees.append(page.locator("body").aria_snapshot())
            context.close()
        assert trees[0] == trees[1], (rel, width)


def test_no_request_leaves_the_site_and_no_cookie_is_set(book, walk):
    assert len(walk.script_src) == len(site_pages(book))  # every page visited
    assert walk.outside == []
    assert walk.cookies == []


def test_content_security_policy_holds_with_no_violations(walk):
    for rel, script_src in walk.script_src.items():
        assert "'unsafe-inline'" not in script_src, rel
    # The theme switch ran (it is an inline script the policy must allow).
    assert walk.theme in {"auto", "light", "dark"}
    assert not [
        m
        for m in walk.messages
        if "Content Security Policy" in m or "CSP violation" in m
    ]


def test_navigation_works_with_the_keyboard_alone_on_a_phone(site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site + "chapters/empathy.html")
    drawer = page.locator(".sidebar-drawer")
    assert drawer.bounding_box()["x"] < 0  # closed: off screen to the left
    focused = []
    for _ in range(6):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate(
                "document.activeElement.id || document.activeElement.className"
            )
        )
        if focused[-1] == "__navigation":
            break
    assert "__navigation" in focused, f"the menu toggle is not reachable: {focused}"
    page.keyboard.press("Space")
    page.wait_for_timeout(400)  # the drawer slides in
    assert drawer.bounding_box()["x"] >= 0
    # Tabbing on reaches the chapter links inside the drawer.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate(
            "!!document.activeElement.closest('.sidebar-drawer .sidebar-tree')"
        ):
            break
    else:
        pytest.fail("no link in the navigation drawer got the keyboard focus")
    context.close()


def test_nested_navigation_toggle_is_keyboard_reachable(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site + "exercises/index.html")
    reached = False
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement.classList.contains('toctree-checkbox')"
        ):
            reached = True
            break
    assert reached, "the toggle of the exercises' sub-list cannot be reached"
    was = page.evaluate("document.activeElement.checked")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") != was
    context.close()


@pytest.mark.parametrize(
    "rel",
    [
        "index.html",
        "chapters/the-cycle.html",
        "exercises/map-your-cycle.html",
        "glossary.html",
    ],
)
def test_no_horizontal_scrolling_at_320_px(site, browser, rel):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site + rel)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    context.close()
    assert overflow <= 0, f"{rel} scrolls sideways by {overflow}px at 320px"


def test_phrase_card_copy_button_copies_the_phrase(site, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site + "chapters/the-cycle.html", wait_until="networkidle")
    card = page.locator(".phrase-card", has_text="I miss you").first
    button = card.locator("button.copybtn")
    assert button.is_visible()
    button.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    context.close()
    assert "I miss you" in copied
    assert errors == []


def test_pages_log_no_errors(walk):
    assert walk.errors == []


def test_search_finds_pages(site, browser):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site + "search.html?q=attachment", wait_until="networkidle")
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=10_000)
    titles = results.locator("a").all_inner_texts()
    page.close()
    assert "The Science of Connection" in titles
    assert errors == []


# -- A reader at risk: the quick exit and what stays on the device ----------


def neutral_context(browser, **options):
    """A browser context in which the neutral site answers locally."""
    context = browser.new_context(**options)
    context.route(
        NEUTRAL_SITE + "**",
        lambda route: route.fulfill(
            body="<title>Neutral</title>", content_type="text/html"
        ),
    )
    return context


def test_leave_this_site_takes_one_tap_and_leaves_no_back_entry(site, browser):
    context = neutral_context(browser, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site + "index.html")
    page.goto(site + "chapters/getting-help.html")
    button = page.locator("#quick-exit")
    box = button.bounding_box()
    # In view on a phone without scrolling, and big enough to tap.
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844
    assert box["height"] >= 24 and box["width"] >= 24
    button.click()
    page.wait_for_url(NEUTRAL_SITE)
    # The page was replaced: going back skips it.
    page.go_back()
    assert page.url == site + "index.html"
    context.close()


def test_escape_twice_leaves_the_site(site, browser):
    context = neutral_context(browser)
    page = context.new_page()
    page.goto(site + "chapters/the-cycle.html")
    page.keyboard.press("Escape")
    page.wait_for_timeout(100)
    assert page.url.startswith(site)  # once is not enough
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL_SITE)
    context.close()


def test_leave_this_site_works_without_javascript(site, browser):
    context = neutral_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "chapters/getting-help.html")
    page.locator("#quick-exit").click()
    page.wait_for_url(NEUTRAL_SITE)
    context.close()


def test_the_quick_exit_is_the_second_stop_for_the_keyboard(site, browser):
    """After furo's "Skip to content" link, which must stay first."""
    page = browser.new_page()
    page.goto(site + "chapters/empathy.html")
    stops = []
    for _ in range(3):  # furo's contents toggle may come first on this width
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                "document.activeElement.id || document.activeElement.className"
            )
        )
    page.close()
    assert "quick-exit" in stops, stops
    assert stops.index("quick-exit") == stops.index("skip-to-content muted-link") + 1


def test_a_framed_page_does_not_show_inside_another_site(site, browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        f'<iframe src="{site}index.html" width="600" height="400"></iframe>'
    )
    page.wait_for_timeout(500)
    framed = [f for f in page.frames if f.url.startswith(site)]
    if framed:  # the top did not move: then the framed page hid itself
        assert framed[0].evaluate("document.documentElement.hidden")
    else:
        assert page.url.startswith(site)
    context.close()


def test_searching_and_browsing_leave_only_the_theme_choice(site, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + "search.html?q=partner+afraid", wait_until="networkidle")
    results = page.locator("#search-results li a")
    results.first.wait_for(timeout=10_000)
    results.first.click()
    page.wait_for_load_state("networkidle")
    assert "search.html" not in page.url
    page.locator(".theme-toggle:visible").first.click()
    storage = page.evaluate(
        """async () => ({
            local: Object.keys(localStorage),
            session: Object.keys(sessionStorage),
            databases: (await indexedDB.databases()).map(d => d.name),
            cookie: document.cookie,
        })"""
    )
    context_cookies = context.cookies()
    context.close()
    assert storage == {"local": ["theme"], "session": [], "databases": [], "cookie": ""}
    assert context_cookies == []


def test_nothing_covers_the_quick_exit(site, browser):
    """On a phone, scrolled to the end, and with the menu open: the point at
    the button's middle is the button itself (a page cannot style anything
    over it; the theme's drawers sit below it)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for rel in (
        "chapters/getting-help.html",
        "exercises/take-a-break.html",
        "index.html",
    ):
        page.goto(site + rel)
        for state in ("top", "bottom", "menu"):
            if state == "bottom":
                page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            if state == "menu":
                page.locator("label[for='__navigation']:visible").first.click()
            on_top = page.evaluate(
                """() => {
                  const button = document.getElementById('quick-exit');
                  const box = button.getBoundingClientRect();
                  const hit = document.elementFromPoint(
                    box.left + box.width / 2, box.top + box.height / 2);
                  return button.contains(hit);
                }"""
            )
            assert on_top, (rel, state)
    context.close()
