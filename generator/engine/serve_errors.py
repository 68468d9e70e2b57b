"""Under `digest serve` (and `mkdocs serve`), a rebuild that fails leaves the last good
site served, with the error shown on every page until a build succeeds.

MkDocs' LiveReloadServer holds every page request until a rebuild finishes, and a
rebuild that raises never counts as finished: the pages hang until the content is
fixed, and the error is only in the terminal. Here the server's builder reports a
failure instead of raising it (the server then counts the rebuild as done and reloads
the browsers), and the pages it serves carry the error while it lasts. The site folder
is left as the last good build wrote it: a content error stops a build before MkDocs
writes any page.

This reaches into two of the server's attributes (`builder`, `_inject_js_into_html`),
as the plugin's on_serve hands it over; MkDocs 1.6.1 is the last 1.x release.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger("mkdocs.plugins.digest")

BANNER_ID = "digest-build-error"
_STYLE = ("position:fixed;left:0;right:0;bottom:0;z-index:10000;max-height:45vh;overflow:auto;margin:0;"
          "padding:.8em 1.2em;background:#b71c1c;color:#fff;font:13px/1.5 monospace;white-space:pre-wrap;"
          "box-shadow:0 -2px 8px rgba(0,0,0,.4)")


class BuildErrors:
    """The error of the last rebuild, if it failed: what every served page shows."""

    def __init__(self) -> None:
        self.message: str | None = None

    def banner(self) -> bytes:
        """The error as a block fixed to the bottom of the page; its text is text."""
        text = html.escape(self.message or "")
        return (f'<div id="{BANNER_ID}" role="alert" style="{_STYLE}"><strong>The last build failed: this is '
                f"the site as the last good build left it.</strong> Fix the problem and save; this goes away "
                f"with the next good build.\n\n{text}</div>").encode("utf-8")


def show_build_errors(server: Any) -> Any:
    """The server, changed so that a failed rebuild serves the last good site with its error."""
    errors = BuildErrors()
    build = server.builder
    inject = server._inject_js_into_html

    def builder(*args: Any, **kwargs: Any) -> None:
        with _logged_problems() as problems:
            try:
                build(*args, **kwargs)
            except Exception as exc:  # whatever failed the build: MkDocs' Abort, a plugin's error
                errors.message = "\n".join([*problems, str(exc)])
                log.error("digest: the build failed; serving the last good site, with the error on every "
                          "page, until a build succeeds")
                return
        errors.message = None

    def inject_into_html(content: bytes, epoch: int) -> bytes:
        if errors.message is not None:
            end = content.rfind(b"</body>")
            end = len(content) if end < 0 else end
            content = content[:end] + errors.banner() + content[end:]
        return bytes(inject(content, epoch))

    server.builder = builder
    server._inject_js_into_html = inject_into_html
    return server


@contextmanager
def _logged_problems() -> Iterator[list[str]]:
    """The warnings and errors MkDocs and the plugins log meanwhile (a strict build fails
    on warnings it logged before; a plugin's error is logged, then the build aborts)."""
    problems: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            problems.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield problems
    finally:
        logger.removeHandler(handler)

