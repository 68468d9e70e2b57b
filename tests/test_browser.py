"""The site in a real browser: Debian's Chromium driven by Playwright, offline.

A local server on 127.0.0.1 serves a built site; every request that is not to it
is blocked, so a page that needs the network shows up as a failed request. Each
page visited is checked for console errors, failed requests and sideways scroll
at phone width. Screenshots of each page type (desktop and phone, light and dark)
go to the folder printed at the end of the run.

Needs `apt-get install chromium` and `pip install playwright` (never
`playwright install`: it downloads a browser). Elsewhere these tests are skipped
with that message; in CI (CI=true) a missing browser is a failure instead.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from generator.content import load_digest
from tests.conftest import MKDOCS_YML, REPO, SCREENSHOTS, mkdocs_build, paper_file
from tests.sitetools import BuiltSite, as_indexed
from tests.test_hostile import CORPUS_PAPERS, TITLES, shown

CHROMIUM = Path("/usr/bin/chromium")
INSTALL = "browser tests need Debian's Chromium and Playwright: apt-get install chromium; pip install playwright"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None  # type: ignore[assignment]

if sync_playwright is None or not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(INSTALL)
    pytest.skip(INSTALL, allow_module_level=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


def serve(root: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site_url(bundled_site: BuiltSite) -> Iterator[str]:
    yield from serve(bundled_site.root)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


@dataclass
class Visit:
    """A page under watch: what went wrong while it loaded and was used."""

    page: Page
    root: str
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.failed == [], self.failed

    def path(self) -> str:
        return self.page.url.removeprefix(self.root)


def open_page(browser: Browser, root: str, path: str = "", *, viewport: dict[str, int] = DESKTOP,
              scheme: str = "light", blocked: tuple[str, ...] = ()) -> Visit:
    context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    visit = Visit(page, root)
    def on_console(message: Any) -> None:
        # The browser's own notice of a request we blocked on purpose is not the page's error.
        if message.type == "error" and not any(b in message.location.get("url", "") for b in blocked):
            visit.console_errors.append(message.text)

    page.on("console", on_console)
    page.on("requestfailed", lambda r: visit.failed.append(f"{r.url} {r.failure}")
            if not any(b in r.url for b in blocked) else None)
    page.on("response", lambda r: visit.failed.append(f"{r.url} {r.status}") if r.status >= 400 else None)

    def only_local(route: Any) -> None:
        url = route.request.url
        if url.startswith(root) and not any(b in url for b in blocked):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_local)
    page.goto(root + path)
    page.wait_for_load_state("networkidle")
    return visit


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"{page.url} scrolls sideways: {width}px"


def first_href(page: Page, selector: str) -> str:
    return str(page.locator(selector).first.get_attribute("href"))


def test_a_reader_goes_from_home_to_a_theme_to_a_paper_and_back(browser: Browser, site_url: str) -> None:
    visit = open_page(browser, site_url)
    page = visit.page
    assert page.locator("h1").first.inner_text() == "Research digest"
    page.locator(".digest-theme-list a.digest-theme__title").first.click()
    page.wait_for_load_state("networkidle")
    theme_path = visit.path()
    assert theme_path.startswith("themes/")
    page.locator(".digest-papers a.digest-paper__title").first.click()
    page.wait_for_load_state("networkidle")
    assert visit.path().startswith("papers/")
    assert page.locator(".digest-abstract").inner_text()
    page.locator(f'.digest-chips a[href$="{theme_path}"]').click()
    page.wait_for_load_state("networkidle")
    assert visit.path() == theme_path
    visit.check()
    visit.page.context.close()


# --------------------------------------------------------------------------- search


@pytest.fixture(scope="module")
def sub_path_url(bundled_site: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bundled site served under a sub-path, /digest/, as on a project's GitHub Pages."""
    root = tmp_path_factory.mktemp("served")
    (root / "digest").symlink_to(bundled_site.root, target_is_directory=True)
    for url in serve(root):
        yield url + "digest/"


def a_word_of_one_abstract() -> tuple[str, str, str]:
    """(slug, title, word): a word of a paper's abstract that is in no other paper, nor
    in its own title, so that only its abstract can make it a result."""
    papers = sorted(load_digest(REPO / "content").papers, key=lambda p: p.slug)

    def long_words(text: str) -> set[str]:
        return set(re.findall(r"\b[a-z]{8,}\b", text.lower()))

    counts = Counter(w for p in papers for w in long_words(p.title) | long_words(p.abstract))
    for paper in papers:
        for word in sorted(long_words(paper.abstract) - long_words(paper.title)):
            if counts[word] == 1:
                return paper.slug, paper.title, word
    raise AssertionError("no paper has a word of its own")


def open_search(page: Page, phone: bool) -> None:
    if phone:  # no keyboard: the magnifier button in the header
        page.locator(".digest-search button").click()
    else:
        page.keyboard.press("Control+k")
    page.wait_for_function("document.querySelector('dialog.pf-modal').open")


def background(page: Page, selector: str) -> str:
    return str(page.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundColor"))


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_finds_a_paper_by_a_word_of_its_abstract(browser: Browser, sub_path_url: str,
                                                        bundled_site: BuiltSite, viewport: str,
                                                        scheme: str) -> None:
    slug, title, word = a_word_of_one_abstract()
    start = bundled_site.urls_under("papers/")[0]  # two folders down, under a sub-path
    visit = open_page(browser, sub_path_url, start, viewport=PHONE if viewport == "phone" else DESKTOP,
                      scheme=scheme)
    page = visit.page
    open_search(page, phone=viewport == "phone")
    page.keyboard.type(word)
    result = page.locator(".pf-result").filter(has=page.locator(f".pf-result-link[href$='papers/{slug}/']"))
    result.first.wait_for(timeout=20_000)
    assert result.first.locator(".pf-result-link").inner_text() == title
    marked = result.first.locator(".pf-result-excerpt mark").all_inner_texts()
    assert any(m.lower().startswith(word) for m in marked), marked  # the word, in the abstract
    # The dialog is in the page's palette, and fits the screen.
    assert background(page, "dialog.pf-modal") == background(page, "body")
    no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"search-{viewport}-{scheme}.png"))
    result.first.locator(".pf-result-link").click()
    page.wait_for_load_state("networkidle")
    assert visit.path() == f"papers/{slug}/"
    assert page.locator("article h1").inner_text() == title
    visit.check()  # among others: no request left 127.0.0.1
    page.context.close()


@pytest.fixture(scope="module")
def two_bundle_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A digest whose older papers' search bundles (pagefind-archive/ and -2/, a paper
    each) are merged into the first, served under a sub-path."""
    project = tmp_path_factory.mktemp("two-bundles")
    papers = project / "content" / "papers"
    papers.mkdir(parents=True)
    for slug, title, abstract, added in [
        ("september-paper", "Moire Lattices", "Twisted bilayers of a moire lattice.", "2026-09-12"),
        ("october-paper", "Quasicrystal Lattices", "Aperiodic tilings of a quasicrystal lattice.", "2026-10-03"),
        ("november-paper", "Glowing Lattices", "Bioluminescence in a photonic lattice.", "2026-11-20"),
    ]:
        (papers / f"{slug}.md").write_text(paper_file(title, abstract, added=added), encoding="utf-8")
    (project / "content" / "themes.yml").write_text(
        "themes:\n  - slug: lattices\n    title: Lattices\n    match: [lattice]\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(MKDOCS_YML.replace("  - digest\n", "  - digest:\n      search_bundle: 1\n"))
    result = mkdocs_build(project, project / "served" / "digest")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (project / "served" / "digest").glob("pagefind*")) == [
        "pagefind", "pagefind-archive", "pagefind-archive-2"]
    for url in serve(project / "served"):
        yield url + "digest/"


def test_search_finds_the_papers_of_both_bundles(browser: Browser, two_bundle_url: str) -> None:
    visit = open_page(browser, two_bundle_url, "papers/november-paper/")
    page = visit.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_search(page, phone=False)
    field = page.locator("dialog.pf-modal input[type=search]")

    def found(query: str) -> list[str]:
        field.fill(query)
        # The summary names the query and the number of results once they are shown
        # ("2 results for lattice"; before, "Searching for lattice...").
        page.wait_for_function("query => { const text = document.querySelector('pagefind-summary').textContent;"
                               " return text.includes(query) && text.includes('result'); }",
                               arg=query, timeout=20_000)
        page.locator(".pf-result-link").first.wait_for(timeout=20_000)
        return sorted(str(a.get_attribute("href")) for a in page.locator(".pf-result-link").all())

    assert found("moire") == ["/digest/papers/september-paper/"]  # only in the archive's first bundle
    assert found("quasicrystal") == ["/digest/papers/october-paper/"]  # only in its second
    assert found("bioluminescence") == ["/digest/papers/november-paper/"]  # only in the first
    assert [url for url in found("lattice") if "/papers/" in url] == [
        "/digest/papers/november-paper/", "/digest/papers/october-paper/",
        "/digest/papers/september-paper/"]  # one from each
    # The archive shares the first bundle's WebAssembly and scripts: it is asked for its data only.
    for bundle in ("pagefind-archive", "pagefind-archive-2"):
        archive = [url.rsplit(f"/{bundle}/", 1)[1].partition("?")[0] for url in requested if f"/{bundle}/" in url]
        assert archive and all(name == "pagefind-entry.json" or name.endswith(".pf_meta") or "/" in name
                               for name in archive), archive
    assert sum(url.endswith(".pagefind") and "/wasm." in url for url in requested) == 1, requested
    visit.check()
    page.context.close()


def test_search_opens_with_ctrl_k_and_closes_with_escape(browser: Browser, site_url: str) -> None:
    visit = open_page(browser, site_url, "themes/")
    page = visit.page
    assert page.locator(".digest-search").inner_text().replace("\n", " ").split() == ["Search", "Ctrl", "K"]
    page.keyboard.press("Control+k")
    page.wait_for_function("document.querySelector('dialog.pf-modal').open")
    assert page.evaluate("document.activeElement.type") == "search"
    page.keyboard.type("causal")
    page.locator(".pf-result-link").first.wait_for(timeout=20_000)
    page.keyboard.press("ArrowDown")  # from the field to the first result
    assert page.evaluate("document.activeElement.className").startswith("pf-result-link")
    page.keyboard.press("Escape")
    page.wait_for_function("!document.querySelector('dialog.pf-modal').open")
    visit.check()
    page.context.close()


def words(text: str) -> str:
    """Words split as Pagefind's script splits them for an excerpt (JavaScript's \\s, which
    takes in the byte-order mark), joined by one space."""
    return " ".join(re.split(r"[\s\ufeff]+", text.strip()))


@pytest.fixture(scope="module")
def hostile_site_url(hostile: BuiltSite) -> Iterator[str]:
    yield from serve(hostile.root)


# A word of each hostile paper (title or abstract) to find it by.
HOSTILE_QUERIES = {
    "a-very-long-title": "hundred", "bibtex-breaking": "braces", "control-characters": "backspace",
    "entities": "entities", "html-attributes": "quotes", "invisible-and-bidi": "separator",
    "jinja-syntax": "jinja", "markdown-structure": "autolink", "math": "renderer", "script-tags": "style",
    "unicode-title": "emoji", "yaml-looking": "value",
}


def test_hostile_titles_and_abstracts_show_as_text_in_search_results(browser: Browser,
                                                                     hostile_site_url: str) -> None:
    assert sorted(HOSTILE_QUERIES) == sorted(TITLES)
    visit = open_page(browser, hostile_site_url)
    page = visit.page
    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    open_search(page, phone=False)
    field = page.locator("dialog.pf-modal input[type=search]")
    for slug, query in HOSTILE_QUERIES.items():
        field.fill(query)
        page.wait_for_function(
            "title => [...document.querySelectorAll('.pf-result-link')].some(a => a.textContent === title)",
            arg=TITLES[slug], timeout=20_000)
        result = page.locator(".pf-result").filter(
            has=page.locator(f".pf-result-link[href$='papers/{slug}/']")).first
        # The title is its text; the excerpt is a piece of the abstract as written, and the
        # only elements in either are Pagefind's own, and its <mark>.
        assert result.locator(".pf-result-link").evaluate("a => a.textContent") == TITLES[slug], slug
        elements = result.evaluate("li => [...li.querySelectorAll('*')].map(e => e.localName)")
        assert set(elements) <= {"div", "p", "a", "mark"}, (slug, elements)
        excerpt = result.locator(".pf-result-excerpt").evaluate("p => p.textContent")
        abstract = as_indexed(shown(CORPUS_PAPERS[slug][1]))
        assert words(excerpt) in words(abstract), (slug, excerpt)
    assert alerts == []
    visit.check()
    page.context.close()


def test_the_palette_switches_between_light_and_dark(browser: Browser, site_url: str) -> None:
    visit = open_page(browser, site_url)
    page = visit.page
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    assert page.evaluate(scheme) == "default"
    page.locator('label[for="__palette_1"]').click()
    assert page.evaluate(scheme) == "slate"
    page.locator('label[for="__palette_0"]').click()
    assert page.evaluate(scheme) == "default"
    visit.check()
    visit.page.context.close()


@pytest.mark.parametrize("kind", ["home", "theme", "paper", "archive", "themes"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_each_page_type_is_clean_at_each_size_and_palette(browser: Browser, site_url: str, bundled_site: BuiltSite,
                                                         kind: str, viewport: str, scheme: str) -> None:
    paths = {"home": "", "themes": "themes/", "archive": "archive/",
             "theme": bundled_site.urls_under("themes/")[0], "paper": bundled_site.urls_under("papers/")[0]}
    visit = open_page(browser, site_url, paths[kind], viewport=PHONE if viewport == "phone" else DESKTOP,
                      scheme=scheme)
    page = visit.page
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == (
        "slate" if scheme == "dark" else "default")
    no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if kind in ("home", "theme", "paper"):
        page.screenshot(path=str(SCREENSHOTS / f"{kind}-{viewport}-{scheme}.png"), full_page=viewport == "phone")
    visit.check()
    page.context.close()


@pytest.fixture(scope="module")
def math_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = tmp_path_factory.mktemp("math")
    (project / "content" / "papers").mkdir(parents=True)
    (project / "content" / "papers" / "euler.md").write_text(
        paper_file("Bounds on $e^{i\\pi} + 1$ and friends", "We show that $x^2 \\geq 0$ for real $x$."))
    (project / "mkdocs.yml").write_text(MKDOCS_YML)
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    yield from serve(project / "site")


def test_math_renders_and_reads_without_its_script(browser: Browser, math_site_url: str) -> None:
    visit = open_page(browser, math_site_url, "papers/euler/")
    page = visit.page
    page.wait_for_selector("h1 mjx-container", timeout=20_000)
    assert page.locator(".digest-abstract mjx-container").count() == 2
    visit.check()
    page.context.close()

    blocked = open_page(browser, math_site_url, "papers/euler/", blocked=("mathjax",))
    text = blocked.page.locator("h1").inner_text()
    assert "e^{i\\pi} + 1" in text  # the TeX, as written, where the renderer could not run
    assert blocked.page.locator("mjx-container").count() == 0
    assert blocked.console_errors == []
    blocked.page.context.close()


# --------------------------------------------------------------------------- email


@pytest.fixture(scope="module")
def email_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bundled digest's latest edition as an email's HTML part, served as a page."""
    import email
    import email.policy
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("email")
    rendered = subprocess.run([sys.executable, "-m", "generator.cli", "email", "render"], cwd=REPO,
                              capture_output=True, check=True)
    message = email.message_from_bytes(rendered.stdout, policy=email.policy.default)
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    (folder / "index.html").write_text(html, encoding="utf-8")
    yield from serve(folder)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_email_reads_at_phone_width_with_no_error(browser: Browser, email_url: str, scheme: str) -> None:
    # The message's links go to the site (absolute, not served here): only the message is loaded.
    visit = open_page(browser, email_url, viewport=PHONE, scheme=scheme)
    no_sideways_scroll(visit.page)
    assert visit.page.locator("a.title").count() == 193
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=str(SCREENSHOTS / f"email-phone-{scheme}.png"))
    visit.check()
    visit.page.context.close()
