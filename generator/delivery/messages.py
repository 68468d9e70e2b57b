"""An edition as an email: a MIME message with a plain-text part and an HTML part.

The HTML is a table layout with its CSS inlined (css-inline: mail clients drop <style>
but for the dark-mode media query kept beside it), no script, no remote image or font,
readable at phone width; links are absolute. Titles and abstracts are text: escaped in
the HTML (autoescaping), made one line in headers (the email package refuses a header
with a line break, so no title can add a header). Pure: no sending here (send.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import css_inline
import jinja2

from ..model import Paper, Theme
from ..options import SiteOptions
from ..rendering.editions import Edition, edition_title
from ..rendering.markup import human_date, teaser
from ..rendering.templates import make_environment
from ..rendering.urls import absolute_url
from ..text import one_line

_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def sender(options: SiteOptions) -> str:
    """`email_from`, or the site's name at the site's host."""
    host = urlsplit(options.site_url).hostname or "localhost"
    return one_line(options.email_from) or f"{one_line(options.site_name)} <digest@{host}>"


def unsubscribe_address(options: SiteOptions) -> str:
    if options.email_unsubscribe:
        return one_line(options.email_unsubscribe)
    address = sender(options).rpartition("<")[2].rstrip(">")
    return f"mailto:{address}?subject=unsubscribe"


def message_id(edition: Edition, recipient: str, options: SiteOptions) -> str:
    """The same for the same edition (and theme) to the same recipient: a resend is
    recognisable as one; no address appears in it."""
    host = options.feed_id_authority or urlsplit(options.site_url).hostname or "localhost"
    who = hashlib.sha256(recipient.strip().lower().encode()).hexdigest()[:16] if recipient else "all"
    themes = "." + hashlib.sha256(",".join(edition.themes).encode()).hexdigest()[:8] if edition.themes else ""
    return f"<edition-{edition.day.isoformat()}{themes}.{who}@{host}>"


def edition_message(edition: Edition, options: SiteOptions, recipient: str = "") -> EmailMessage:
    """The message of an edition, to `recipient` (no To: header without one)."""
    day = edition.day.isoformat()
    page = absolute_url(options.site_url, options.edition_url.format(date=day))
    subject = one_line(edition_title(edition, options.site_name, human_date(edition.day)))
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject
    message["From"] = sender(options)
    if recipient:
        message["To"] = one_line(recipient)
    message["Date"] = format_datetime(dt.datetime.combine(edition.day, dt.time(0), tzinfo=dt.timezone.utc))
    message["Message-ID"] = message_id(edition, recipient, options)
    message["List-Unsubscribe"] = f"<{unsubscribe_address(options)}>"
    message.set_content(edition_text(edition, options, page))
    message.add_alternative(edition_html(edition, options, page, subject), subtype="html")
    return message


def edition_text(edition: Edition, options: SiteOptions, page: str) -> str:
    lines = [one_line(edition_title(edition, options.site_name, human_date(edition.day))), page, ""]
    for theme, papers in edition.sections:
        if edition.theme is None:
            lines += [one_line(theme.title) if theme else "Other papers", ""]
        for paper in papers:
            lines += [f"- {one_line(paper.title)}", f"  {_paper_url(paper, options)}"]
        lines.append("")
    lines.append(f"Unsubscribe: {unsubscribe_address(options)}")
    return "\n".join(lines) + "\n"


def edition_html(edition: Edition, options: SiteOptions, page: str, subject: str) -> str:
    html = _template(options.site_templates()).render(
        edition=edition, subject=subject, page=page, site_name=options.site_name,
        heading=one_line(edition.theme.title) if edition.theme else options.site_name,
        unsubscribe=unsubscribe_address(options), teaser=teaser,
        paper_url=lambda paper: _paper_url(paper, options),
        theme_url=lambda theme: _theme_url(theme, options))
    return str(_INLINER.inline(html))


@functools.lru_cache(maxsize=4)
def _template(site_templates: Path | None) -> jinja2.Template:
    """email.html, compiled once for all the messages of a run."""
    return make_environment(site_templates).get_template("email.html")


def _paper_url(paper: Paper, options: SiteOptions) -> str:
    return absolute_url(options.site_url, options.paper_url.format(slug=paper.slug))


def _theme_url(theme: Theme, options: SiteOptions) -> str:
    return absolute_url(options.site_url, options.theme_url.format(slug=theme.slug))

