"""Small static SVG pictures of the digest, drawn at build time (no script, no request)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

ROW = 34  # units per theme: a label line, then its bar
WIDTH = 400  # narrow enough that labels stay legible when a phone scales the picture down
BAR_WIDTH = 350
MAX_LABEL = 60  # characters before a label is cut


def bar_chart(rows: Sequence[tuple[str, int]], title: str) -> Markup:
    """Horizontal bars, one per (label, count), in the order given; each label above its bar.

    Bars use currentColor, so the page's palette (light or dark) colours them.
    """
    if not rows:
        return Markup("")
    top = max(count for _, count in rows) or 1
    height = ROW * len(rows)
    parts = [Markup('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-label="{}">')
             .format(WIDTH, height, title)]
    for i, (label, count) in enumerate(rows):
        y = i * ROW
        short = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"
        bar = max(1, round(BAR_WIDTH * count / top))
        parts.append(Markup('<text x="0" y="{}">{}</text>').format(y + 12, short))
        parts.append(Markup('<rect x="0" y="{}" width="{}" height="12" rx="2" fill="currentColor"/>')
                     .format(y + 16, bar))
        parts.append(Markup('<text x="{}" y="{}">{}</text>').format(bar + 5, y + 27, count))
    parts.append(Markup("</svg>"))
    return Markup("\n").join(parts)
