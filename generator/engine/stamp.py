"""Stamped pages: the theme's frame rendered once per kind of page, then filled in.

Every paper page (and every theme, author and edition page) gets the same frame from
Material: header, tabs, palette, scripts, footer. Only a few values differ from one page
to the next: the title, the body, the last segment of its URL (the canonical link), its
feeds' titles and paths. So, for each shape of page (`frame_key`: the template, the URL
folder, the math flag, whether the body has its own <h1>, the types of its feeds), the
theme's template is rendered once more, for a probe page whose values are sentinels,
through the real Jinja environment and the page's own MkDocs context (so overrides,
palette and features apply), and the output is cut at the sentinels (`cut_frame`). A page
of that shape is then its values put in the holes, each as the template wrote its
sentinel: as given, HTML-escaped (`| e`) or as a relative URL (`| url`).

Safe by construction, or not used:
- the text sentinels are made of what any escaping, tag stripping, truncating or case
  change would alter; a frame in which a sentinel shows up altered (a template that does
  something else with the value) is not used (`cut_frame` returns None);
- the first pages of each shape are rendered in full as well and compared (VERIFY): a
  frame that does not give the same bytes is dropped, and that shape renders in full;
- a page that differs from its shape in anything else (other meta keys, a table of
  contents, a place in the navigation, a slug with other characters) renders in full.

`Stamper.html(page, context)` returns the page's HTML either way, stamped or rendered.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import escape
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page
from mkdocs.utils import normalize_url

log = logging.getLogger("mkdocs.plugins.digest")

# The template MkDocs is given for a stamped page: it writes the HTML the plugin made.
STAMP_TEMPLATE = "digest-stamped.html"
STAMP_SOURCE = "{{ digest_stamped }}"
# The page meta the plugin sets (plugin.py); a page with any other key renders in full.
OUR_META = frozenset({"title", "digest_feeds", "digest_math"})
VERIFY = 2  # pages of each shape rendered in full too, and compared with their stamp
MARK = "dgstamp"  # in every sentinel: a frame that still holds it after the cut is not used
_SIBLING = re.compile(r"(?<![\w./])\.\./([a-z0-9][a-z0-9._-]*)/")  # "../x/", not "../../x/"
_LEFTOVER = re.compile(f"{MARK}|[\x02\x03]", re.IGNORECASE)  # (any case; a text sentinel's ends)
SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*")  # the same as given, escaped or in a URL
PATH = re.compile(r"[A-Za-z0-9._/-]+")
# What escaping (& < > " '), tag stripping (the tag, the entity, the double space),
# case changes (X, é) and truncating (the length) would all alter.
_TEXT = "<i>&amp;</i>\"'  Xé" + "x" * 300


def text_sentinel(name: str) -> str:
    return f"\x02{MARK}-{name}-{_TEXT}\x03"


def slug_sentinel() -> str:
    return f"{MARK}-slug-z"


def path_sentinel(name: str) -> str:
    return f"{MARK}-{name}-z.xml"


@dataclass(frozen=True)
class Hole:
    field: str  # "title", "content", "slug", "feed0.title", "feed0.path", ...
    form: str  # "raw", "escaped" or "url": how the template wrote the value


@dataclass(frozen=True)
class Frame:
    parts: tuple[str, ...]  # the literal text around the holes: one more than holes
    holes: tuple[Hole, ...]
    # The slugs of pages of the same folder that the frame links to ("../x/"): that link
    # reads "./" on page x itself, so page x is rendered in full.
    siblings: frozenset[str] = frozenset()

    def stamp(self, values: Mapping[str, Mapping[str, str]]) -> str:
        """The page: its values (field -> form -> text) in the holes."""
        out = [self.parts[0]]
        for hole, part in zip(self.holes, self.parts[1:]):
            out.append(values[hole.field][hole.form])
            out.append(part)
        return "".join(out)


def cut_frame(probe_html: str, sentinels: Mapping[str, Mapping[str, str]]) -> Frame | None:
    """The frame in a probe page's HTML: cut at each sentinel, in each form it may be
    written in (field -> form -> text); None if a sentinel shows up in another form."""
    holes = {text: Hole(field, form) for field, forms in sentinels.items() for form, text in forms.items()}
    # Longest first: a sentinel as a relative URL ("../../x") holds the sentinel itself.
    pattern = re.compile("|".join(re.escape(text) for text in sorted(holes, key=len, reverse=True)))
    parts, found, start = [], [], 0
    for match in pattern.finditer(probe_html):
        parts.append(probe_html[start:match.start()])
        found.append(holes[match.group()])
        start = match.end()
    parts.append(probe_html[start:])
    if any(_LEFTOVER.search(part) for part in parts):
        return None
    siblings = frozenset(slug for part in parts for slug in _SIBLING.findall(part))
    return Frame(tuple(parts), tuple(found), siblings)


def split_url(url: str) -> tuple[str, str] | None:
    """("papers/", "x") for a directory URL "papers/x/"; None for any other shape."""
    if not url.endswith("/"):
        return None
    folder, _, slug = url[:-1].rpartition("/")
    return (f"{folder}/" if folder else "", slug) if SLUG.fullmatch(slug) else None


def frame_key(page: Page, template: str) -> tuple[Any, ...] | None:
    """What a page's frame depends on besides its values; None for a page that is
    not stamped (it renders in full)."""
    meta = page.meta
    feeds = meta.get("digest_feeds")
    where = split_url(page.url)
    if (where is None or set(meta) != OUR_META or not isinstance(feeds, list) or list(page.toc)
            or page.title != meta["title"] or not isinstance(page.content, str)
            or page.parent is not None or page.previous_page is not None or page.next_page is not None
            or page.file.inclusion.is_excluded()  # type: ignore[no-untyped-call]
            or not all(isinstance(f, dict) and set(f) == {"type", "title", "path"} and PATH.fullmatch(f["path"])
                       for f in feeds)):
        return None
    return (template, where[0], bool(meta["digest_math"]), "<h1" in page.content,
            tuple(f["type"] for f in feeds))


def page_values(page: Page, context: Mapping[str, Any], slug: str) -> dict[str, dict[str, str]]:
    """A page's values, in every form a frame may ask for."""
    base = context["base_url"]
    values = {"title": _text(page.meta["title"]), "content": {"raw": page.content or ""},
              "slug": {"raw": slug}}
    for number, feed in enumerate(page.meta["digest_feeds"]):
        values[f"feed{number}.title"] = _text(feed["title"])
        values[f"feed{number}.path"] = {"raw": feed["path"], "url": normalize_url(feed["path"], page, base)}
    return values


def _text(value: str) -> dict[str, str]:
    return {"raw": value, "escaped": str(escape(value))}


class Stamper:
    """One build's frames. html() gives a page's HTML as the template would render it."""

    def __init__(self, env: jinja2.Environment, config: Any) -> None:
        self.env = env
        self.config = config
        self.frames: dict[tuple[Any, ...], Frame | None] = {}
        self.checked: dict[tuple[Any, ...], int] = {}
        self.stamped = 0  # pages stamped
        self.rendered = 0  # pages rendered in full instead

    def html(self, page: Page, context: dict[str, Any], template: str) -> str:
        key = frame_key(page, template)
        if key is not None and key not in self.frames:
            self.frames[key] = self._frame(page, context, template)
            self.checked[key] = 0
        frame = self.frames[key] if key is not None else None
        where = split_url(page.url)
        if key is None or frame is None or where is None or where[1] in frame.siblings:
            self.rendered += 1
            return self.env.get_template(template).render(context)
        stamped = frame.stamp(page_values(page, context, where[1]))
        if self.checked[key] < VERIFY:
            self.checked[key] += 1
            full = self.env.get_template(template).render(context)
            if full != stamped:
                log.info(f"digest: pages like {page.url} render in full: their stamped frame differs "
                         "from the theme's render")
                self.frames[key] = None
                self.rendered += 1
                return full
        self.stamped += 1
        return stamped

    def _frame(self, page: Page, context: dict[str, Any], template: str) -> Frame | None:
        """The template rendered for a probe page of the same shape as this one, whose
        values are sentinels, in this page's own context; cut at the sentinels."""
        where = split_url(page.url)
        assert where is not None  # (frame_key checked it)
        file = File.generated(self.config, f"{where[0]}{slug_sentinel()}.md", content="",
                              inclusion=page.file.inclusion)
        probe = Page(None, file, self.config)
        probe.markdown = ""
        content = text_sentinel("content")
        probe.content = f"<h1>{content}</h1>" if "<h1" in (page.content or "") else content
        probe.toc = page.toc
        feeds = [{"type": feed["type"], "title": text_sentinel(f"feed{number}-title"),
                  "path": path_sentinel(f"feed{number}-path")}
                 for number, feed in enumerate(page.meta["digest_feeds"])]
        probe.meta = {"title": text_sentinel("title"), "digest_feeds": feeds, "digest_math": page.meta["digest_math"]}
        probe.active = True
        probe_context = {**context, "page": probe}
        try:
            html = self.env.get_template(template).render(probe_context)
        except Exception as exc:  # noqa: BLE001 (a template that cannot take a probe: pages render in full)
            log.info(f"digest: pages like {page.url} render in full: the theme's template fails on a "
                     f"probe page ({exc})")
            return None
        frame = cut_frame(html, page_values(probe, probe_context, slug_sentinel()))
        if frame is None:
            log.info(f"digest: pages like {page.url} render in full: the theme's template changes "
                     "their title, feeds or URL in a way a stamp cannot repeat")
        return frame
