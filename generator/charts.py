"""Small static SVG pictures of the digest, drawn at build time (no script, no request)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

ROW = 22  # pixels per bar
LABEL_WIDTH = 250
BAR_WIDTH = 330
MAX_LABEL = 38  # characters before a label is cut


def bar_chart(rows: Sequence[tuple[str, int]], title: str) -> Markup:
    """Horizontal bars, one per (label, count), in the order given.

    Bars use currentColor, so the page's palette (light or dark) colours them.
    """
    if not rows:
        return Markup("")
    top = max(count for _, count in rows) or 1
    height = ROW * len(rows) + 4
    width = LABEL_WIDTH + BAR_WIDTH + 40
    parts = [Markup('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-label="{}">')
             .format(width, height, title)]
    for i, (label, count) in enumerate(rows):
        y = i * ROW + 2
        short = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"
        bar = max(1, round(BAR_WIDTH * count / top))
        parts.append(Markup('<text x="{}" y="{}" text-anchor="end">{}</text>')
                     .format(LABEL_WIDTH - 8, y + 15, short))
        parts.append(Markup('<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="currentColor"/>')
                     .format(LABEL_WIDTH, y + 3, bar, ROW - 6))
        parts.append(Markup('<text x="{}" y="{}">{}</text>').format(LABEL_WIDTH + bar + 6, y + 15, count))
    parts.append(Markup("</svg>"))
    return Markup("\n").join(parts)


__all__ = ["bar_chart", "escape"]
