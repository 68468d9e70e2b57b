"""analysis.names, citation keys: unique in the digest, stable as papers are added."""

from __future__ import annotations

import datetime as dt

from generator.analysis.names import base_key, citation_keys
from generator.model import Paper


def paper(slug: str, title: str, author: str, day: int) -> Paper:
    return Paper(id=slug, slug=slug, title=title, abstract="", authors=(author,),
                 added=dt.date(2026, 11, day), published=dt.date(2024, 1, 1))


def test_papers_sharing_a_key_get_letters_then_numbered_letters_in_added_order() -> None:
    same = [paper(f"p{i:02d}", "Graph Networks", "Ada Smith", 1 + i % 20) for i in range(60)]
    assert {base_key(p) for p in same} == {"smith2024graph"}
    keys = citation_keys(same)
    in_order = [keys[p.slug] for p in sorted(same, key=lambda p: (p.added, p.slug))]
    assert in_order[:4] == ["smith2024graph", "smith2024grapha", "smith2024graphb", "smith2024graphc"]
    assert in_order[26:28] == ["smith2024graphz", "smith2024grapha1"]
    assert len(set(in_order)) == 60


def test_a_suffixed_key_never_takes_another_papers_own_key() -> None:
    # "smith2024graph" + "a" is also the base key of a paper titled "Grapha ...": whoever
    # comes first keeps it, and the other moves on to the next free key.
    papers = [paper("first", "Graph", "Ada Smith", 1), paper("grapha", "Grapha Things", "Ada Smith", 2),
              paper("second", "Graph", "Ada Smith", 3), paper("third", "Graph", "Ada Smith", 4)]
    assert citation_keys(papers) == {"first": "smith2024graph", "grapha": "smith2024grapha",
                                     "second": "smith2024graphb", "third": "smith2024graphc"}


def test_adding_a_paper_later_keeps_every_existing_key() -> None:
    papers = [paper(f"p{i}", "Graph", "Ada Smith", 1 + i) for i in range(5)]
    before = citation_keys(papers)
    after = citation_keys([*papers, paper("late", "Graph", "Ada Smith", 28)])
    assert {slug: after[slug] for slug in before} == before
    assert after["late"] not in before.values()
