"""Phrase matching, as theme rules and import filters use it.

A phrase matches whole words, case-insensitively, with hyphens and spaces
interchangeable and an optional plural "s"/"es" at the end: "diffusion model"
matches "Diffusion-Models", "LLM" matches "LLMs", "agent" does not match "agentic".
Free of heavy imports, so that reading content can use it cheaply.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

_WORD = re.compile(r"[^\W_]+|[^\w\s-]")


def phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(phrase.lower()))


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """One phrase as a regular expression: the definition of a match (PhraseMatcher is the fast path)."""
    body = r"[\s\-]+".join(re.escape(w) for w in phrase_words(phrase))
    return re.compile(rf"(?<![\w-]){body}(?:e?s)?(?![\w])", re.IGNORECASE)


class PhraseMatcher:
    """Finds which of many phrases occur in a text.

    A match is what phrase_pattern says. Running every pattern over every text
    was most of a build's time, so a cheap necessary condition comes first: all
    the phrase's words are words of the text (the last one perhaps plural). Only
    the few phrases that pass it are searched for.
    """

    def __init__(self, phrases: Sequence[str], saved_finds: Mapping[bytes, frozenset[int]] | None = None) -> None:
        self._words = [phrase_words(p) for p in phrases]
        # Compiled when first needed (see _pattern): with an earlier build's finds, none is.
        self._patterns: dict[int, re.Pattern[str]] = {}
        # Keyed by first word; a one-word phrase also by its plurals, since its
        # first word is its last. (number, the other words but the last, the last word)
        self._by_first: dict[str, list[tuple[int, frozenset[str], str]]] = {}
        for number, words in enumerate(self._words):
            if not words:
                continue
            keys = [words[0]] if len(words) > 1 else [words[0], words[0] + "s", words[0] + "es"]
            for key in keys:
                self._by_first.setdefault(key, []).append((number, frozenset(words[1:-1]), words[-1]))
        self._first_words = frozenset(self._by_first)
        # Checking content and grouping ask about the same texts, and `digest serve`
        # asks again on every save: each text is searched once. `saved_finds` holds what
        # an earlier build found for these phrases, by text_key (see Matchers).
        self._found: dict[str, frozenset[int]] = {}
        self._saved_finds = saved_finds or {}

    def find(self, text: str) -> frozenset[int]:
        """Numbers of the phrases found in text."""
        found = self._found.get(text)
        if found is None:
            found = self._saved_finds.get(text_key(text)) if self._saved_finds else None
            if found is None:
                found = self._find(text)
            self._found[text] = found
        return found

    def finds(self, texts: Iterable[str]) -> dict[bytes, frozenset[int]]:
        """What was found in these texts, by text_key."""
        return {text_key(text): self.find(text) for text in texts}

    def _find(self, text: str) -> frozenset[int]:
        lower = text.lower()
        words = set(_WORD.findall(lower))
        found = set()
        for first in words & self._first_words:
            for number, middle, last in self._by_first[first]:
                if (number not in found and middle <= words
                        and (last in words or last + "s" in words or last + "es" in words)
                        and self._search(self._pattern(number), lower)):
                    found.add(number)
        return frozenset(found)

    def _pattern(self, number: int) -> re.Pattern[str]:
        """phrase_pattern without its look-behind, for lowercased text: a pattern that
        starts with a literal lets the regex engine skip ahead, several times faster."""
        pattern = self._patterns.get(number)
        if pattern is None:
            pattern = re.compile(r"[\s\-]+".join(re.escape(w) for w in self._words[number]) + r"(?:e?s)?(?![\w])")
            self._patterns[number] = pattern
        return pattern

    @staticmethod
    def _search(pattern: re.Pattern[str], text: str) -> bool:
        """pattern.search, where a match must not follow a word character or a hyphen."""
        position = 0
        while (match := pattern.search(text, position)) is not None:
            start = match.start()
            if start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_-"):
                return True
            position = start + 1
        return False


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class Matchers:
    """The phrase matchers of one build (or of one `digest serve` session), one per list
    of phrases. Checking content and grouping ask about the same phrases and texts, and
    `digest serve` asks again on every save: each text is searched once per matcher.

    With `saved`, the file an earlier build's `save` wrote: a matcher for the phrases
    saved there starts with what that build found (searching every title and abstract
    took a second at 10,000 papers, every build). The file is read when the matcher is
    made, and only used for the same phrases and the same matching code."""

    KEPT = 8  # matchers kept at most: a curator editing themes.yml makes one per version

    def __init__(self, saved: Path | None = None) -> None:
        self.saved = saved
        self._made: dict[tuple[str, ...], PhraseMatcher] = {}

    def matcher(self, phrases: tuple[str, ...]) -> PhraseMatcher:
        """The matcher for these phrases, shared by everything that asks about them."""
        matcher = self._made.get(phrases)
        if matcher is None:
            if len(self._made) >= self.KEPT:
                self._made.clear()
            matcher = self._made[phrases] = PhraseMatcher(phrases, saved_finds=self._read_saved(phrases))
        return matcher

    def save(self, phrases: tuple[str, ...], texts: Iterable[str]) -> None:
        """Save what the matcher for these phrases found in these texts, for the next
        build's Matchers(saved=...)."""
        if self.saved is None:
            return
        finds = self.matcher(phrases).finds(texts)
        self.saved.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.saved.with_name(self.saved.name + ".tmp")
        with temporary.open("wb") as file:
            pickle.dump((_code_version(), phrases, finds), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.saved)

    def _read_saved(self, phrases: tuple[str, ...]) -> dict[bytes, frozenset[int]] | None:
        if self.saved is None:
            return None
        try:
            with self.saved.open("rb") as file:
                version, saved_phrases, finds = pickle.load(file)
        except Exception:  # missing or unreadable: search again
            return None
        if version != _code_version() or saved_phrases != phrases or not isinstance(finds, dict):
            return None
        return finds


@functools.cache
def _code_version() -> str:
    """Finds made by other matching code are made again."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
