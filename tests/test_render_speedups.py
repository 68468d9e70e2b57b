"""Shortcuts in generator/rendering/markup.py (teaser) and generator/pipeline.py (the collector
paused) give the same output as the plain definitions they replace."""

from __future__ import annotations

import gc
import re

from hypothesis import example, given
from hypothesis import strategies as st

from generator.pipeline import full_collections_paused
from generator.rendering.markup import TEASER_LENGTH, teaser


def whole_text_teaser(text: str, length: int = TEASER_LENGTH) -> str:
    """The definition: the teaser of the whole text, whitespace flattened."""
    flat = " ".join(text.split())
    match = re.match(r"(.{40,}?[.!?])(\s|$)", flat)
    if match and len(match.group(1)) <= length:
        return match.group(1)
    if len(flat) <= length:
        return flat
    return flat[:length].rsplit(" ", 1)[0].rstrip(",;:") + "…"


# Words, sentence ends and runs of whitespace, so that sentences end near the cut and
# the prefix teaser() flattens is sometimes mostly whitespace.
_PIECES = st.sampled_from(["word", "ab ", "c, ", ". ", "! ", "?", ".", " ", "\n\n", "\t", " " * 60, "é$"])


@given(st.lists(_PIECES, max_size=200).map("".join))
@example("A first sentence that is long enough to be one. " + "x" * 300)
@example(" " * 500 + "Only after the whitespace comes a sentence, long enough. Then more.")
@example("word " * 30 + " " * 400 + "tail. " * 20)  # the prefix ends in a whitespace run, too short
@example("word " * 43 + " " * 200 + "tail. " * 20)  # the prefix ends in a word after one
@example("a" * 219 + ". " + "b" * 300)  # a sentence end just inside the limit
@example("a" * 220 + ". " + "b" * 300)  # and just outside
def test_teaser_reads_a_prefix_and_agrees_with_the_whole_text(text: str) -> None:
    assert teaser(text) == whole_text_teaser(text)


def test_full_collections_wait_until_the_pages_are_made_then_come_as_before() -> None:
    before = gc.get_threshold()
    with full_collections_paused():
        assert gc.isenabled()
        assert gc.get_threshold()[:2] == before[:2]  # the young generations as before
        assert gc.get_threshold()[2] > 1_000_000
    assert gc.get_threshold() == before
