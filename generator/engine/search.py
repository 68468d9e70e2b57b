"""Search: a Pagefind index of the site, built beside MkDocs' own work (IndexJob).

Pagefind (a Rust tool) splits its index by word into chunks and keeps each page's text
in a fragment of its own, so a reader's browser downloads the chunks for the words
typed and the fragments of the results shown, not the whole index at once.

- the digest's pages are one small document each, made from the site plan: the title
  and the plain text the plan gives for search (a paper's abstract); no rendered page
  is read again;
- the curator's own pages (any other page in the content folder) are indexed from
  their Markdown converted with the site's extensions (engine/plugin.py), in the
  element Material puts a page's content in: not its header, navigation and footer.

The papers added before the newest paper's month have a bundle of their own,
`pagefind-archive/`, which the search merges into the first (Pagefind's mergeIndex;
see archive_script). A daily build adds papers to the newest month only, so the
archive's records stay the same and its bundle is kept (its stamp says what it
holds); at 10,000 papers indexing them again took about 13 s of each build. A new
month moves the previous one into the archive, which is then made again.

Pagefind runs as a service (`pagefind --service`): the documents go to it through a
pipe, never to disk (writing one file per page and removing them again took 6 to 10 s
of the build's own thread at 10,000 papers, on two cores), and its answer to the last
message holds the files of the bundle, which a thread of this module writes into a
temporary folder that `install` moves into the site. The protocol is spoken here, not
through Pagefind's Python API, whose reader waits 0.1 s for each answer (1,000 s for
10,000 papers). It is small: each message, both ways, is a JSON object in base64
followed by a comma. Pagefind handles the messages one at a time, in order, and reads
and answers on threads of its own, so all of them can be written before any answer is
read; it exits as soon as its input ends, even with messages not handled yet, so the
pipe is closed only once the last answer has been read.

The bundle is asked for (GetFiles) rather than written by Pagefind (WriteFiles): in
Pagefind 1.5.2 the answer to WriteFiles can come before the last bytes of a file are
written, and Pagefind exiting then leaves that file cut short (pagefind#1271, fixed
upstream by flushing each file). Seen here at 10,000 papers: two script files of the
bundle cut at a multiple of 4 kB.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import html
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import BuildError
from ..model import Paper
from ..options import SiteOptions
from ..rendering.plan import SitePlan
from .publish import ARCHIVE_DIR, ARCHIVE_STAMP, SEARCH_DIR, archive_dir, archive_dirs, install_folder

__all__ = ["ARCHIVE_DIR", "ARCHIVE_STAMP", "SEARCH_DIR", "IndexJob", "SearchRecord",
           "archive_bundles", "archive_dir", "archive_dirs", "archive_script", "archive_split", "archive_stamp",
           "paper_records", "search_records", "write_index"]

ARTICLE = "article.md-content__inner"  # Material's element for a page's own content


@dataclass(frozen=True)
class SearchRecord:
    url: str  # site-relative, like "papers/some-slug/"
    title: str  # plain text
    text: str  # plain text, like a paper's abstract


def search_records(plan: SitePlan, first: Sequence[SearchRecord] = ()) -> list[SearchRecord]:
    """One record per planned page: the `first` ones (see paper_records) in their
    order, then the others by source path: a fixed order, as Pagefind numbers pages in
    the order they come."""
    urls = {record.url for record in first}
    return [*first, *(SearchRecord(url=page.url, title=page.title, text=page.search_text)
                      for _, page in sorted(plan.pages.items()) if page.url not in urls)]


def paper_records(papers: Sequence[Paper], options: SiteOptions) -> list[SearchRecord]:
    """The records of these papers' pages, by slug; known as soon as the papers are read
    (the same as their planned pages': rendering.pages gives a paper page its abstract
    as its search text)."""
    return [SearchRecord(url=options.paper_url.format(slug=paper.slug), title=paper.title, text=paper.abstract)
            for paper in sorted(papers, key=lambda p: p.slug)]


def archive_split(papers: Sequence[Paper]) -> tuple[list[Paper], list[Paper]]:
    """(recent, archived): the papers added in the newest paper's month, and the older
    ones, whose bundles change only when a month ends or an older paper is edited."""
    if not papers:
        return [], []
    newest = max(paper.added for paper in papers)
    start = dt.date(newest.year, newest.month, 1)
    return [p for p in papers if p.added >= start], [p for p in papers if p.added < start]


def archive_bundles(archived: Sequence[Paper], size: int) -> list[list[Paper]]:
    """The older papers in bundles of at most `size` (the option search_bundle), oldest
    first: a month that ends adds its papers to the last bundles, so the others keep
    their stamps (and are not made again). Pagefind holds a whole index in memory, and
    its peak grows faster than the pages: 1.2 GB for 10,000 papers, 9.8 GB for 100,000
    (in 21 times the time). Bundles of 10,000, made one after another, keep a
    100,000-paper build's Pagefind near the first figure; the browser merges them all."""
    ordered = sorted(archived, key=lambda p: (p.added, p.slug))
    return [ordered[start:start + size] for start in range(0, len(ordered), size)]


def archive_stamp(records: Sequence[SearchRecord], language: str) -> str:
    """What a bundle of these records is made from: the documents, Pagefind's settings
    and its version (its program may come from pagefind_bin, its extended build, the
    PATH or PAGEFIND_BINARY_PATH: it is asked). The same stamp, the same bundle; and the
    same on any machine, as the stamp is a file of the site."""
    sha = hashlib.sha256(json.dumps([_pagefind_version(), _index_config(language)]).encode())
    for record in records:
        sha.update(b"\0" + record.url.encode() + b"\0" + record_document(record, language).encode())
    return sha.hexdigest()


def _pagefind_version() -> str:
    """What Pagefind's program says its version is ("pagefind 1.5.2"), or "" if it cannot
    be run (the index job then says why)."""
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        return ""
    try:
        return subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def archive_script(bundles: int) -> str:
    """The script each page loads after Pagefind's: it makes the search look in the
    archive's bundles too. Pagefind's component UI reads `mergeIndex` from its instance's
    options when it loads on the first search, and a merged bundle shares the first's
    WebAssembly, so each archive bundle costs its entry, meta, index chunks and
    fragments. The bundles' paths are absolute (Pagefind takes the site's root from
    them), found from this script's own address so that the site works under any path.
    An empty bundle must never be merged (Pagefind then finds nothing at all): without
    archived papers, the script is a comment."""
    if not bundles:
        return "// research-digest: no older papers, so no search bundle to merge.\n"
    merged = ", ".join(f'{{bundlePath: new URL("../{archive_dir(n)}/", here).pathname}}' for n in range(bundles))
    return ("// research-digest: search the older papers' bundles too (generator/engine/search.py, archive_script).\n"
            "(function () {\n"
            "  var here = document.currentScript.src;\n"
            "  var ui = window.PagefindComponents;\n"
            f'  if (ui) ui.getInstanceManager().getInstance("default").options.mergeIndex = [{merged}];\n'
            "})();\n")


def record_document(record: SearchRecord, language: str) -> str:
    """The page Pagefind reads for a record. Pagefind takes the first heading as the
    title, searches it (and ranks a match there first) and shows it above the excerpt;
    data-pagefind-ignore keeps it out of the text the excerpt is cut from."""
    return (f'<!DOCTYPE html><html lang="{html.escape(language)}"><head><meta charset="utf-8"></head><body>'
            f'<article class="md-content__inner"><h1 data-pagefind-ignore>{html.escape(record.title)}</h1>'
            f"<p>{html.escape(_shown_as_written(record.text))}</p></article></body></html>")


def _shown_as_written(text: str) -> str:
    """The text, whitespace collapsed, for Pagefind's excerpts. Pagefind's script escapes
    `<` and `>` of a text before it marks the words found in it, but not `&`, so a word
    like `&lt;b&gt;` or `&copy` would show as characters. Such words get their `&`
    escaped; a word the browser shows as written (`R&D`) is kept, and found."""
    if "&" not in text:
        return " ".join(text.split())
    return " ".join(word.replace("&", "&amp;") if "&" in word and html.unescape(word) != word else word
                    for word in text.split())


SCRATCH_PREFIX = "digest-search-"  # then the process id: "digest-search-1234-k2j4h_"


def _remove_abandoned(scratch: Path) -> None:
    """The temporary folders of index jobs whose process is gone: a build killed before
    it could remove its own (the bundle of 10,000 papers is 14 MB)."""
    if os.name != "posix":  # os.kill(pid, 0) only asks on POSIX; elsewhere it would end the process
        return
    for folder in scratch.glob(f"{SCRATCH_PREFIX}*"):
        pid, dash, _ = folder.name[len(SCRATCH_PREFIX):].partition("-")
        if dash and pid.isdigit():
            try:
                os.kill(int(pid), 0)
                continue
            except ProcessLookupError:
                pass
            except OSError:  # alive, and another user's
                continue
        # else a folder of an earlier version, which named no process
        shutil.rmtree(folder, ignore_errors=True)


class IndexJob:
    """Pagefind indexing the documents of a site, started as soon as the first are known
    (`add`, `add_pages`; `close` after the last), so that it works while the build goes
    on; `finish` waits for it.

    Two threads talk to Pagefind meanwhile: one writes the messages (NewIndex, one
    AddFile per document, GetFiles) as they are queued, the other reads the answers and
    writes the files of the last one into a temporary folder. `wait` waits for them;
    `cancel` may be called at any time, from any thread (a `wait` then raises BuildError)."""

    def __init__(self, language: str, scratch: Path | None = None, data_only: bool = False) -> None:
        """Start Pagefind; its temporary folder goes in `scratch` (best on the site's file
        system, so that `install` is a rename). The bundle leaves out the interfaces the
        site does not use; with `data_only`, it is the data alone, not its scripts, styles
        and WebAssembly, which a bundle merged into another's search never loads."""
        from pagefind.service import get_executable

        binary = get_executable()
        if binary is None:
            raise BuildError("search: Pagefind's program is missing; reinstall research-digest "
                             "(it depends on pagefind[bin])")
        self._language = language
        self._data_only = data_only
        self._urls: list[str] = []  # message n + 1 adds document n
        self._last: int | None = None  # the message id of GetFiles, once `close` sent it
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._queue.put(_frame(0, {"type": "NewIndex", "config": _index_config(language)}))
        if scratch is not None:
            scratch.mkdir(parents=True, exist_ok=True)
            _remove_abandoned(scratch)
        self._work = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=scratch))
        self._output = self._work / "index"
        self._printed = tempfile.TemporaryFile()  # not a pipe: one nobody reads can fill and stall Pagefind
        try:
            self._process = subprocess.Popen(
                [*_AT_LOWER_PRIORITY, str(binary), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=self._printed)
        except OSError as exc:
            self._printed.close()
            shutil.rmtree(self._work, ignore_errors=True)
            raise BuildError(f"search: Pagefind's program {binary} could not be started: {exc}; reinstall "
                             "research-digest (it depends on pagefind[bin])") from None
        self._cancelled = threading.Event()
        self._failure: str | None = "Pagefind's answers were not read"  # until the reader says how it went
        self._writer = threading.Thread(target=self._send, name="digest-search-in", daemon=True)
        self._reader = threading.Thread(target=self._receive, name="digest-search-out", daemon=True)
        self._writer.start()
        self._reader.start()

    def add(self, records: Sequence[SearchRecord]) -> None:
        """Index these records (each as a small document: see record_document)."""
        self.add_pages([(r.url, record_document(r, self._language)) for r in records])

    def add_pages(self, pages: Sequence[tuple[str, str]]) -> None:
        """Index these (url, HTML) pages."""
        assert self._last is None, "add after close"
        frames = []
        for url, document in pages:
            # Site-relative directory URLs ("", "papers/x/"), as Pagefind names the file
            # <url>index.html of a site: "/", "/papers/x/".
            self._urls.append(f"/{url}")
            frames.append(_frame(len(self._urls), {"type": "AddFile", "index_id": 0, "url": f"/{url}",
                                                   "file_contents": document}))
        self._queue.put(b"".join(frames))

    def close(self) -> None:
        """No more documents: ask for the bundle."""
        self._last = len(self._urls) + 1
        self._queue.put(_frame(self._last, {"type": "GetFiles", "index_id": 0}))
        self._queue.put(None)

    def _send(self) -> None:
        """Write the messages as they are queued (the writer thread). If Pagefind has ended
        or been killed the write fails; the reader then finds the end of the answers and
        says why."""
        assert self._process.stdin is not None
        try:
            while (frames := self._queue.get()) is not None:
                self._process.stdin.write(frames)
                self._process.stdin.flush()
        except OSError:  # BrokenPipeError: Pagefind is gone
            self._process.kill()  # so that the reader never waits for answers that will not come

    def _receive(self) -> None:
        """Read the answers, then write the bundle (the reader thread); leave in
        `_failure` what went wrong, or None."""
        assert self._process.stdout is not None and self._process.stdin is not None
        try:
            files, failure = self._read_answers(self._process.stdout)
            if failure is None:
                self._writer.join()  # done: Pagefind has read every message
                with contextlib.suppress(OSError):
                    self._process.stdin.close()  # Pagefind exits at the end of its input
                self._process.wait()
                failure = self._write_bundle(files)
        except Exception as exc:  # a bug here: `wait` reports it, on the build's thread
            failure = f"reading Pagefind's answers failed: {exc!r}"
        if failure is not None and self._cancelled.is_set():
            failure = "the index was cancelled before it was made"
        elif failure is not None:
            self._stop()
            failure += self._printed_text()
        self._process.stdout.close()
        self._printed.close()
        self._failure = failure

    def _read_answers(self, stdout: IO[bytes]) -> tuple[list[dict[str, str]], str | None]:
        """Read answers up to the last, whose files are returned; or what went wrong."""
        pending: list[bytes] = []  # the start of an answer (the last is about 25 MB at 10,000 papers)
        while chunk := stdout.read1(1 << 20):  # type: ignore[attr-defined]
            *ended, rest = chunk.split(b",")
            if ended:
                ended[0] = b"".join([*pending, ended[0]])
                pending = []
            for frame in ended:
                try:
                    answer = json.loads(base64.b64decode(frame, validate=True))
                    number, payload = answer["message_id"], answer["payload"]
                    kind = payload["type"]
                    files = payload["files"] if number == self._last and kind != "Error" else []
                except (ValueError, TypeError, KeyError):
                    return [], f"Pagefind's answer is not in the form research-digest knows: {frame[:200]!r}"
                if kind == "Error":
                    page = f" {self._urls[number - 1]}" if 1 <= number <= len(self._urls) else ""
                    original = payload.get("original_message")
                    return [], (f"Pagefind could not index{page}: {payload.get('message')}"
                                + (f" (in answer to {original})" if original else ""))
                if number == 0 and payload.get("index_id") != 0:
                    return [], f"Pagefind made index {payload.get('index_id')!r}, not the index 0 every message names"
                if number == self._last:
                    return files, None
            pending.append(rest)
        self._stop()
        return [], f"Pagefind stopped (exit status {self._process.returncode}) before it made the index"

    def _write_bundle(self, files: Sequence[dict[str, str]]) -> str | None:
        """Write the files of the answer to GetFiles (each a path in the bundle and its
        content in base64); what went wrong, or None."""
        made: set[Path] = set()
        try:
            for file in files:
                if self._cancelled.is_set():
                    return "cancelled"
                if not (_is_data(file["path"]) if self._data_only else _is_loaded(file["path"])):
                    continue
                path = self._output / file["path"]
                if path.parent not in made:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    made.add(path.parent)
                path.write_bytes(base64.b64decode(file["content"]))
        except OSError as exc:
            return f"the index could not be written to {self._output}: {exc}"
        return None

    def _printed_text(self) -> str:
        """What Pagefind printed (Rust prints a panic's message on stderr), to add to an error."""
        self._printed.seek(0)
        printed = self._printed.read().decode("utf-8", "replace").strip()
        return f"\nPagefind printed:\n{printed}" if printed else ""

    def finish(self, folder: Path, stamp: str | None = None) -> None:
        """Wait for Pagefind, then put the index at `folder`."""
        try:
            self.wait()
            self.install(folder, stamp)
        finally:
            self.cancel()

    def wait(self) -> None:
        """Wait until the bundle is written. Raises BuildError if Pagefind answered with
        an error, ended before its last answer, or the job was cancelled."""
        self._reader.join()
        if self._failure is not None:
            raise BuildError(f"search: {self._failure}")

    def install(self, folder: Path, stamp: str | None = None) -> None:
        """Put the finished index at `folder`, replacing what was there (publish.install_folder)."""
        install_folder(self._output, folder, stamp)

    def _stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()

    def cancel(self) -> None:
        """Stop Pagefind if it still runs and remove its files; safe to call again."""
        self._cancelled.set()
        self._stop()
        self._queue.put(None)  # a writer waiting for more messages stops
        self._writer.join(timeout=10)  # its write fails at once once Pagefind is killed
        if not self._writer.is_alive():  # (else it holds the pipe: leave that to the collector)
            assert self._process.stdin is not None
            with contextlib.suppress(OSError):
                self._process.stdin.close()
        self._reader.join()  # it meets the end of Pagefind's output, or stops writing the bundle
        shutil.rmtree(self._work, ignore_errors=True)


def _index_config(language: str) -> dict[str, str]:
    return {"root_selector": ARTICLE, "force_language": language}


def _is_loaded(path: str) -> bool:
    """Not one of the files of Pagefind's other interfaces (its default and modular UIs,
    its highlighter: 200 kB), which the site's pages never load: they use the
    component UI."""
    return not path.startswith(("pagefind-ui.", "pagefind-modular-ui.", "pagefind-highlight."))


def _is_data(path: str) -> bool:
    """A file of the bundle's data: its entry, meta, and the chunks in its folders
    (index, fragments, filters); not its scripts, styles and WebAssembly."""
    return "/" in path or path == "pagefind-entry.json" or path.endswith(".pf_meta")


def _frame(number: int, message: dict[str, object]) -> bytes:
    """A message to Pagefind's service: JSON in base64, ended by a comma."""
    return base64.b64encode(json.dumps({"message_id": number, "payload": message}).encode()) + b","


# Pagefind runs at a lower priority: MkDocs renders the pages on one thread meanwhile, and
# the build waits for that thread; on a machine with few cores, or busy with other work,
# Pagefind would take turns with it. At a lower priority it gets the time MkDocs leaves,
# and the whole machine once MkDocs is done. Through the `nice` program, so that every
# thread Pagefind starts has it, and not with Popen's preexec_fn: that makes Python fork
# rather than vfork, and a fork runs OpenBLAS's fork handler, which waits for a matrix
# product on another thread while holding the interpreter lock that thread needs. An
# archive bundle's Pagefind started while NMF ran hung a 100,000-paper build for good.
_NICE = shutil.which("nice") if os.name == "posix" else None
_AT_LOWER_PRIORITY: list[str] = [_NICE, "-n", "10"] if _NICE is not None else []


def write_index(folder: Path, records: Sequence[SearchRecord], html_pages: Sequence[tuple[str, str]],
                language: str) -> None:
    """Write a fresh index into `folder`. `html_pages` are (url, HTML) pairs."""
    job = IndexJob(language)
    job.add(records)
    job.add_pages(html_pages)
    job.close()
    job.finish(folder)
