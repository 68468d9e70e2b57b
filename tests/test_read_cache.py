"""The read cache: papers whose files did not change are not read again, and nothing else changes."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

from generator.content import check_content, load_digest
from tests.conftest import paper_file


def write(content: Path, slug: str, text: str, age: float = 60.0) -> Path:
    """A paper file last modified `age` seconds ago (the cache keeps only files older than 2 s)."""
    path = content / "papers" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    moment = time.time() - age
    os.utime(path, (moment, moment))
    return path


def test_cached_reads_equal_fresh_reads_and_follow_edits(tmp_path: Path) -> None:
    content, cache = tmp_path / "content", tmp_path / "cache" / "papers.pickle"
    write(content, "graph-networks", paper_file("Graph Networks", "We study graph networks."))
    edited = write(content, "speech-models", paper_file("Speech Models", "Streaming speech."))
    first = load_digest(content, cache_file=cache)
    assert cache.is_file()
    assert load_digest(content, cache_file=cache) == first == load_digest(content)

    write(content, "speech-models", paper_file("Speech Models, Revised", "Streaming speech."))
    write(content, "brand-new", paper_file("Brand New", "A new paper."), age=0)
    (content / "papers" / "graph-networks.md").unlink()
    again = load_digest(content, cache_file=cache)
    assert again == load_digest(content)
    assert [p.title for p in again.papers] == ["Brand New", "Speech Models, Revised"]
    assert edited.is_file()


def test_a_file_with_a_problem_is_reported_on_every_read(tmp_path: Path) -> None:
    content, cache = tmp_path / "content", tmp_path / "papers.pickle"
    write(content, "odd", paper_file("Odd", "Text.", tittle="typo"))
    for _ in range(2):
        _, problems = check_content(content, cache_file=cache)
        assert [p.message.split(";")[0] for p in problems] == ["unknown key 'tittle' is ignored"]


def test_a_cache_from_other_code_or_a_broken_one_is_ignored(tmp_path: Path) -> None:
    content, cache = tmp_path / "content", tmp_path / "papers.pickle"
    write(content, "graph-networks", paper_file("Graph Networks", "We study graph networks."))
    cache.write_bytes(b"not a pickle")
    assert load_digest(content, cache_file=cache) == load_digest(content)
    assert load_digest(content, cache_file=cache) == load_digest(content)


def test_an_unchanged_stamp_is_not_read_again(tmp_path: Path) -> None:
    # The cache trusts size, modification time and inode, as git's index does: a file
    # rewritten in place with all three restored is taken from the cache.
    content, cache = tmp_path / "content", tmp_path / "papers.pickle"
    path = write(content, "graph-networks", paper_file("Graph Networks", "We study graph networks."))
    assert load_digest(content, cache_file=cache).papers[0].title == "Graph Networks"
    before = path.stat()
    with path.open("r+", encoding="utf-8") as file:  # same inode, same size
        text = file.read()
        file.seek(0)
        file.write(text.replace("Graph Networks", "Graph Networkz"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert load_digest(content, cache_file=cache).papers[0].title == "Graph Networks"
    assert load_digest(content).papers[0].title == "Graph Networkz"


def test_phrase_finds_are_saved_and_used_only_for_the_same_phrases_and_code(tmp_path: Path) -> None:
    from generator import phrases

    saved = tmp_path / "phrases.pickle"
    texts = ["Diffusion models for speech.", "A graph network."]
    first = ("diffusion model", "graph network")
    phrases.Matchers(saved=saved).save(first, texts)
    assert [phrases.Matchers(saved=saved).matcher(first).find(t) for t in texts] == [frozenset({0}), frozenset({1})]

    # Planted: a saved find is believed, without searching the text again...
    version, stored_phrases, finds = pickle.loads(saved.read_bytes())
    finds[phrases.text_key(texts[1])] = frozenset({0, 1})
    saved.write_bytes(pickle.dumps((version, stored_phrases, finds)))
    assert phrases.Matchers(saved=saved).matcher(first).find(texts[1]) == frozenset({0, 1})
    # ...but not for other phrases, nor when written by other matching code, nor from a broken file.
    assert phrases.Matchers(saved=saved).matcher(("graph network",)).find(texts[1]) == frozenset({0})
    for damaged in (pickle.dumps(("other code", stored_phrases, finds)), b"not a pickle"):
        saved.write_bytes(damaged)
        assert phrases.Matchers(saved=saved).matcher(first).find(texts[1]) == frozenset({1})


def test_what_is_not_a_paper_file_is_told_apart_alike_with_the_cache(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # The names in papers/ are tested as text, not as Paths: these are Path.suffix's edge cases.
    monkeypatch.chdir(tmp_path)  # problems name paths relative to it
    content, cache = Path("content"), Path("papers.pickle")
    write(content, "speech-models", paper_file("Speech Models", "Streaming speech."))
    write(content, "graph-networks", paper_file("Graph Networks", "We study graph networks."))
    papers = content / "papers"
    (papers / "old").mkdir()
    for name in ("notes.txt", "graph-networks.md.bak", ".md", ".graph-networks.md.swp"):
        (papers / name).write_text("x", encoding="utf-8")
    expected = [("content/papers/graph-networks.md.bak", "not a paper file"),
                ("content/papers/notes.txt", "not a paper file"),
                ("content/papers/old", "a folder inside papers/ is not read")]
    for cache_file in (None, cache, cache):
        digest, problems = check_content(content, cache_file=cache_file)
        assert [p.slug for p in digest.papers] == ["graph-networks", "speech-models"]
        assert [(p.path, p.message.split(",")[0].split(";")[0]) for p in problems] == expected


def test_the_cache_is_written_only_when_it_has_a_paper_to_keep(tmp_path: Path) -> None:
    content, cache = tmp_path / "content", tmp_path / "papers.pickle"

    def kept() -> dict[str, str]:
        return {name: entry[1].paper.title for name, entry in pickle.loads(cache.read_bytes())[1].items()}

    write(content, "graph-networks", paper_file("Graph Networks", "We study graph networks."))
    write(content, "speech-models", paper_file("Speech Models", "Streaming speech."))
    load_digest(content, cache_file=cache)
    written = cache.read_bytes()
    assert kept() == {"graph-networks.md": "Graph Networks", "speech-models.md": "Speech Models"}

    # Edited just now: read again, too new to keep, so nothing is written (the old entry
    # stays, matching no file)...
    write(content, "speech-models", paper_file("Speech Models, Revised", "Streaming speech."), age=0)
    assert load_digest(content, cache_file=cache) == load_digest(content)
    assert cache.read_bytes() == written
    # ...until it is old enough to keep.
    write(content, "speech-models", paper_file("Speech Models, Revised", "Streaming speech."))
    assert load_digest(content, cache_file=cache) == load_digest(content)
    assert kept() == {"graph-networks.md": "Graph Networks", "speech-models.md": "Speech Models, Revised"}

    # A removed paper's entry goes with the next write.
    (content / "papers" / "graph-networks.md").unlink()
    written = cache.read_bytes()
    assert [p.slug for p in load_digest(content, cache_file=cache).papers] == ["speech-models"]
    assert cache.read_bytes() == written
    write(content, "brand-new", paper_file("Brand New", "A new paper."))
    assert load_digest(content, cache_file=cache) == load_digest(content)
    assert kept() == {"brand-new.md": "Brand New", "speech-models.md": "Speech Models, Revised"}
