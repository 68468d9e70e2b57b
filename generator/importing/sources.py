"""Configured sources: what `digest update` fetches each day, declared under the plugin in
mkdocs.yml, and how one day's fetches become one import, all or nothing.

    plugins:
      - digest:
          sources:
            - arxiv: "cat:cs.LG AND abs:causal"   # arXiv search syntax
              max_results: 200
              categories: [cs.LG, stat.ML]        # as --category
              include: [causal]                   # as --include / --exclude
            - hf_daily: true                      # Hugging Face daily papers

An arXiv source asks for the papers submitted on the day (submittedDate); a Hugging Face
source for that day's list. Pure but for `fetch`, which goes through importing.fetch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import DigestError
from ..model import Digest
from . import IMPORTERS, ImportedPaper
from .fetch import fetch_arxiv, fetch_hf_daily
from .merge import ImportPlan, make_filter, plan_import

SOURCE_KEYS = {"arxiv": ("arxiv", "max_results", "categories", "include", "exclude"),
               "hf_daily": ("hf_daily", "categories", "include", "exclude")}


@dataclass(frozen=True)
class Source:
    kind: str  # "arxiv" or "hf_daily"
    query: str = ""  # arXiv search syntax
    max_results: int = 100
    categories: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def label(self) -> str:
        return f"arxiv:{self.query}" if self.kind == "arxiv" else "hf-daily"


def read_sources(raw: Any, where: str = "mkdocs.yml") -> list[Source]:
    """The `sources` list of the plugin's options; a DigestError naming the entry and the fix."""
    if not isinstance(raw, list):
        raise DigestError(f"{where}: `sources` must be a list of sources, like `- arxiv: \"cat:cs.LG\"`")
    found = []
    for number, entry in enumerate(raw, start=1):
        kind = next((k for k in SOURCE_KEYS if isinstance(entry, dict) and k in entry), None)
        if kind is None:
            raise DigestError(f"{where}: source {number} names no source; write `- arxiv: \"QUERY\"` or "
                              "`- hf_daily: true`")
        unknown = [key for key in entry if key not in SOURCE_KEYS[kind]]
        if unknown:
            raise DigestError(f"{where}: source {number} ({kind}): unknown key {unknown[0]!r}; known keys: "
                              f"{', '.join(SOURCE_KEYS[kind])}")
        lists = {}
        for key in ("categories", "include", "exclude"):
            value = entry.get(key) or []
            value = [value] if isinstance(value, str) else value
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise DigestError(f"{where}: source {number} ({kind}): `{key}` must be a list of text")
            lists[key] = tuple(value)
        query = entry.get("arxiv") if kind == "arxiv" else ""
        if kind == "arxiv" and (not isinstance(query, str) or not query.strip()):
            raise DigestError(f"{where}: source {number}: `arxiv` must be a search query, like "
                              "\"cat:cs.LG AND abs:causal\"")
        max_results = entry.get("max_results", 100)
        if not isinstance(max_results, int) or isinstance(max_results, bool) or max_results < 1:
            raise DigestError(f"{where}: source {number} ({kind}): `max_results` must be a whole number, got "
                              f"{max_results!r}")
        found.append(Source(kind=kind, query=str(query).strip(), max_results=max_results, **lists))
    return found


def fetch(source: Source, day: dt.date) -> list[ImportedPaper]:
    """The source's papers of the day, parsed (ImportError_ when it cannot be fetched or read)."""
    if source.kind == "arxiv":
        stamp = day.strftime("%Y%m%d")
        query = f"({source.query}) AND submittedDate:[{stamp}0000 TO {stamp}2359]"
        return IMPORTERS["arxiv"](fetch_arxiv(query, max_results=source.max_results), source.label())
    return IMPORTERS["hf-daily"](fetch_hf_daily(day), source.label())


@dataclass
class Update:
    """One day's import from every source: one plan, and what each source brought."""

    plan: ImportPlan = field(default_factory=ImportPlan)
    summaries: list[str] = field(default_factory=list)


def plan_update(existing: Digest, fetched: Sequence[tuple[Source, list[ImportedPaper]]], day: dt.date,
                keep_for: Callable[[Source], Callable[[ImportedPaper], bool]] | None = None) -> Update:
    """The import of every source's papers, in the order of the sources: a paper two sources
    bring is one paper (merged as `digest import` merges)."""
    update = Update()
    current = existing
    merged: dict[str, Any] = {}
    for source, items in fetched:
        keep = (keep_for or _filter)(source)
        plan = plan_import(current, items, added=day, source=source.label(), keep=keep)
        update.summaries.append(f"{source.label()}: {len(items)} fetched, {len(plan.added)} added, "
                                f"{len(plan.merged)} merged, {len(plan.skipped)} already present"
                                + (f", {len(plan.filtered)} filtered out" if plan.filtered else ""))
        update.plan.added += plan.added
        for paper in plan.merged:
            merged[paper.slug] = paper
        update.plan.skipped += plan.skipped
        update.plan.filtered += plan.filtered
        by_slug = {p.slug: p for p in current.papers} | {p.slug: p for p in plan.merged}
        current = replace(current, papers=(*by_slug.values(), *plan.added))
    new = {p.slug for p in update.plan.added}
    update.plan.merged = [merged[slug] for slug in sorted(merged) if slug not in new]
    update.plan.added = [merged.get(p.slug, p) for p in update.plan.added]
    return update


def _filter(source: Source) -> Callable[[ImportedPaper], bool]:
    return make_filter(source.include, source.exclude, source.categories)
