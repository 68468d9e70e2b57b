"""The `digest` commands that read and write content/: check, themes, import.
(`digest build` and `digest serve` run MkDocs: generator.engine.build.)"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..content import AUTO_THEMES_FILE, check_content, load_digest
from ..content.auto_themes import write_recorded
from ..content.files import PAPERS_DIR
from ..content.writing import recover_folder
from ..engine.config import content_dir_from_file, strict_from_file
from ..engine.lock import exclusive
from ..errors import ContentError, DigestError, ImportError_
from ..importing import IMPORTERS
from ..importing.fetch import fetch_arxiv, fetch_hf_daily
from ..importing.merge import apply_import, load_existing, make_filter, plan_import
from ..model import Digest, RetiredTheme
from ..phrases import Matchers

Command = TypeVar("Command", bound=Callable[..., int])


def one_writer(name: str) -> Callable[[Command], Command]:
    """The command holds the digest's lock while it runs (engine.lock): never two writers."""
    def wrap(command: Command) -> Command:
        def locked(config_file: Path, *args: Any, **kwargs: Any) -> int:
            with exclusive(config_file, name):
                return command(config_file, *args, **kwargs)
        return locked  # type: ignore[return-value]
    return wrap


@one_writer("digest build")
def build(config_file: Path, **options: Any) -> int:
    from ..engine.build import build as build_site
    return build_site(config_file, **options)


def check(config_file: Path, strict: bool | None = None) -> int:
    """Fails exactly when the build would on the content: on an error, and under strict
    (mkdocs.yml's `strict`, unless `strict` says otherwise) on a warning the build prints.
    Drift (a phrase matching no paper now) is listed, but a build does not warn of it."""
    content_dir = content_dir_from_file(config_file)
    if strict is None:
        strict = strict_from_file(config_file)
    matchers = Matchers()
    digest, problems = check_content(content_dir, matchers=matchers)
    for problem in problems:
        print(problem, file=sys.stderr)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    failing = sum(1 for p in problems if p.severity == "warning" and not p.drift) if strict else 0
    if errors or failing:
        print(f"{errors} error(s), {warnings} warning(s)"
              + (f"; strict (mkdocs.yml, or --strict): the build fails on the {failing} warning(s) too; "
                 "fix them, or set `strict: false` in mkdocs.yml (`--no-strict` checks as if it were)"
                 if failing and not errors else ""), file=sys.stderr)
        return 1
    curated, automatic = _theme_counts(digest, matchers)
    print(f"{len(digest.papers)} papers, {curated + automatic} themes"
          + (f" ({curated} curated, {automatic} automatic)" if automatic else "") + ": OK"
          + (f" ({warnings} warning(s))" if warnings else ""), file=sys.stderr)
    return 0


def _theme_counts(digest: Digest, matchers: Matchers) -> tuple[int, int]:
    """(curated, automatic) themes, as the build makes them; TF-IDF and clustering only
    when some paper is in no curated theme."""
    from ..analysis.grouping import group, group_curated

    if all(group_curated(digest, matchers).values()):
        return len(digest.themes), 0
    from ..analysis.tfidf import tfidf_matrix

    grouping = group(digest, *tfidf_matrix(digest.papers), matchers=matchers)
    automatic = sum(1 for t in grouping.themes if t.automatic)
    return len(grouping.themes) - automatic, automatic


def themes(config_file: Path, action: str, write: bool = False) -> int:
    # Imported here for speed, not order: numpy, scipy and the analysis cost a second
    # that `digest check` and `digest import` need not pay.
    from ..analysis import analyse
    from ..analysis.history import moves
    from ..analysis.taxonomy import format_report, report, suggest

    content_dir = content_dir_from_file(config_file)
    matchers = Matchers()
    digest = load_digest(content_dir, matchers=matchers)
    if action == "suggest":
        sys.stdout.write(suggest(digest))
    analysis = analyse(digest, matchers=matchers, recluster=action == "recluster")
    grouping = analysis.grouping
    automatic = [t for t in grouping.themes if t.automatic]
    changes = moves(digest.recorded, automatic, grouping.members)
    if action == "report":
        result = report(digest, grouping, analysis.matrix)
        sys.stdout.write(format_report(result))
        drifted = [p for p in check_content(content_dir, matchers=matchers)[1] if p.drift]
        if drifted:
            sys.stdout.write("\nRules that match no paper now:\n" + "".join(f"  {p}\n" for p in drifted))
        sys.stdout.write(_format_moves(changes, grouping.retired, bool(digest.recorded.themes)))
        return 1 if result.no_theme else 0
    if action == "recluster":
        sys.stdout.write(_format_moves(changes, grouping.retired, bool(digest.recorded.themes)))
    if write:
        changed = write_recorded(content_dir, automatic, grouping.memberships, grouping.retired)
        print(f"{'recorded' if changed else 'unchanged:'} {len(automatic)} automatic themes in "
              f"{os.path.relpath(content_dir / AUTO_THEMES_FILE)}", file=sys.stderr)
    elif action == "recluster":
        print("nothing written; run `digest themes recluster --write` to record these themes", file=sys.stderr)
    return 0


def _format_moves(changes: list[Any], retired: tuple[RetiredTheme, ...], recorded: bool) -> str:
    """What moved since the recorded automatic themes, a line each."""
    if not recorded:
        return "\nAutomatic themes: none recorded yet (`digest build` records them).\n" if changes else ""
    lines = ["", "Automatic themes since the recorded ones:"]
    lines += [f"  {change.kind:<8} {change.text}" for change in changes]
    lines += [f"  redirect {theme.slug} -> {theme.successor or '(the themes page)'}" for theme in retired]
    return "\n".join(lines) + "\n"


PROGRESS_FROM = 200  # files; fewer are written in a blink


def _progress_bar(done: int, total: int, width: int = 30) -> None:
    filled = width * done // total
    end = "\n" if done == total else ""
    print(f"\rwriting [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end=end, file=sys.stderr,
          flush=True)


@dataclass(frozen=True)
class ImportOptions:
    added: dt.date
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    query: str | None = None  # arxiv: fetch instead of reading a file
    max_results: int = 100
    day: dt.date | None = None  # hf-daily: fetch instead of reading a file
    dry_run: bool = False  # print what would be added; write nothing


def _read_input(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportError_(f"{path}:{line}: not UTF-8 (byte {data[exc.start]:#04x}); "
                           "convert the file to UTF-8 and import again") from None


@one_writer("digest import")
def import_papers(config_file: Path, fmt: str, path: Path | None, options: ImportOptions) -> int:
    content_dir = content_dir_from_file(config_file)
    keep = make_filter(options.include, options.exclude, options.categories)  # bad regex: fail first
    if path is not None:
        text, source = _read_input(path), f"{fmt}:{path.name}"
    elif fmt == "arxiv" and options.query:
        text, source = fetch_arxiv(options.query, max_results=options.max_results), f"arxiv:{options.query}"
    elif fmt == "hf-daily" and options.day:
        text, source = fetch_hf_daily(options.day), f"hf-daily:{options.day.isoformat()}"
    else:  # pragma: no cover - argparse requires one of them
        raise ImportError_("name a file to import")
    try:
        incoming = IMPORTERS[fmt](text, str(path) if path else source)
    except ImportError_ as exc:
        if path is not None:
            raise
        raise ImportError_(f"{exc}\n(the live answer for {source}); nothing was imported: try again later, "
                           "or import a saved response") from None
    if not incoming:
        print(f"{_empty_source(path, options)}; nothing was imported", file=sys.stderr)
        return 0
    recover_folder(content_dir / PAPERS_DIR)  # what an import killed midway left (content.writing)
    try:
        existing = load_existing(content_dir)
    except ContentError as exc:
        raise DigestError(f"{exc}\nfix the content before importing into it") from None
    plan = plan_import(existing, incoming, added=options.added, source=source, keep=keep)
    if not options.dry_run:
        large = len(plan.added) + len(plan.merged) >= PROGRESS_FROM and sys.stderr.isatty()
        apply_import(content_dir, plan, progress=_progress_bar if large else None)
    added, merged = ("would add", "would merge") if options.dry_run else ("added   ", "merged  ")
    for paper in plan.added:
        print(f"{added} {paper.slug}")
    for paper in plan.merged:
        print(f"{merged} {paper.slug}")
    for item, existing_paper in plan.skipped:
        print(f"present  {existing_paper.slug}  (item at line {item.line})" if fmt == "listing"
              else f"present  {existing_paper.slug}")
    print(f"{len(plan.added)} added, {len(plan.merged)} merged, {len(plan.skipped)} already present"
          + (f", {len(plan.filtered)} filtered out" if plan.filtered else "")
          + (" (dry run: nothing written)" if options.dry_run else ""), file=sys.stderr)
    return 0


def _empty_source(path: Path | None, options: ImportOptions) -> str:
    """What held no papers: the file, the query or the day."""
    if path is not None:
        return f"{path}: the response holds no papers"
    if options.query:
        return f"arXiv found no papers for the query {options.query!r} (check it)"
    return f"Hugging Face lists no papers for {options.day}"


def email(config_file: Path, action: str, **options: Any) -> int:
    """`digest email render`: one edition as a message; `digest email send`: the editions
    not yet delivered, to every subscriber (holding the lock, so that two sends never
    both read the ledger before either writes it)."""
    if action == "send" and not options.get("dry_run"):
        with exclusive(config_file, "digest email send"):
            return _email(config_file, action, **options)
    return _email(config_file, action, **options)


def _email(config_file: Path, action: str, *, edition: str = "latest", theme: str | None = None,
           output: Path | None = None, since: dt.date | None = None, dry_run: bool = False) -> int:
    # Imported here for speed, not order (see themes).
    from ..analysis import analyse
    from ..delivery.messages import edition_message
    from ..delivery.send import Delivery, Ledger, SmtpSettings, deliver, masked, read_subscribers
    from ..rendering.editions import editions

    config, plugin = _digest_config(config_file)
    options = plugin.options(config)
    if not options.site_url:
        raise DigestError(f"{config_file}: `site_url` is not set; an email's links must be absolute: set it")
    matchers = Matchers()
    analysis = analyse(load_digest(Path(config["docs_dir"]), matchers=matchers), related=options.related,
                       matchers=matchers)
    themes = {t.slug for t in analysis.grouping.themes}
    if action == "render":
        if theme is not None and theme not in themes:
            raise DigestError(f"--theme {theme!r}: no such theme; known themes: {', '.join(sorted(themes))}")
        days = editions(analysis, (theme,) if theme else ())
        chosen = days[:1] if edition == "latest" else [e for e in days if e.day.isoformat() == edition]
        if not chosen:
            raise DigestError(f"--edition {edition}: no edition that day" + (f" of theme {theme!r}" if theme else "")
                              + (f"; the latest is {days[0].day.isoformat()}" if days else "; the digest has no papers"))
        data = edition_message(chosen[0], options).as_bytes()
        if output is None:
            sys.stdout.buffer.write(data)
        else:
            output.write_bytes(data)
            print(f"wrote {output} ({len(data)} bytes)", file=sys.stderr)
        return 0
    config_dir = config_file.resolve().parent
    subscribers = read_subscribers(config_dir / options.email_subscribers, themes)
    ledger = Ledger(config_dir / options.email_ledger)
    every_day = editions(analysis)
    first_day = since or (every_day[0].day if every_day else dt.date.max)
    # The editions of each choice of themes, made once however many readers share it.
    by_choice = {s.themes: [e for e in reversed(editions(analysis, s.themes)) if e.day >= first_day]
                 for s in subscribers}
    due = [(s, e) for s in subscribers for e in by_choice[s.themes]]
    choice = {s.themes: ",".join(sorted(s.themes)) for s in subscribers}
    # A message is made only for what is still to send: each one inlines its HTML's CSS.
    waiting = [Delivery(e.day.isoformat(), choice[s.themes], s.address, edition_message(e, options, s.address))
               for s, e in due if not ledger.has(e.day.isoformat(), choice[s.themes], s.address)]
    delivered = len(due) - len(waiting)
    if dry_run or not waiting:
        for d in waiting:
            print(f"would send {d.day} to {masked(d.address)}: {d.message['Subject']}")
        print(f"{len(waiting)} message(s) to send, {delivered} already delivered"
              + (" (dry run: nothing sent)" if dry_run else ""), file=sys.stderr)
        return 0
    failed = deliver(waiting, SmtpSettings.from_environment(os.environ), ledger, print)
    print(f"{len(waiting) - len(failed)} sent, {len(failed)} not delivered, {delivered} already delivered",
          file=sys.stderr)
    return 1 if failed else 0


@one_writer("digest update")
def update(config_file: Path, day: dt.date) -> int:
    """`digest update`: every configured source's papers of the day, imported together or
    not at all (a source that fails leaves content/ as it was)."""
    from ..importing.sources import fetch, plan_update, read_sources

    config, plugin = _digest_config(config_file)
    sources = read_sources(plugin.config["sources"], str(config_file))
    if not sources:  # a digest curated by hand: its daily run still builds and sends
        print(f"{config_file}: no `sources` under the digest plugin, so nothing to update; to import "
              "every day, add some, like `sources: [{arxiv: \"cat:cs.LG AND abs:causal\"}]` "
              "(README, Start your own digest)", file=sys.stderr)
        return 0
    filters = {id(s): make_filter(s.include, s.exclude, s.categories) for s in sources}  # bad regex: fail first
    content_dir = Path(config["docs_dir"])
    recover_folder(content_dir / PAPERS_DIR)
    try:
        existing = load_existing(content_dir)
    except ContentError as exc:
        raise DigestError(f"{exc}\nfix the content before updating it") from None
    fetched = []
    for source in sources:
        try:
            fetched.append((source, fetch(source, day)))
        except ImportError_ as exc:
            raise ImportError_(f"{source.label()}: {exc}\nnothing was imported: content/ is as it was") from None
    result = plan_update(existing, fetched, day, keep_for=lambda s: filters[id(s)])
    for summary in result.summaries:
        print(summary, file=sys.stderr)
    if not result.plan.added and not result.plan.merged:
        print(f"nothing new for {day.isoformat()} (arXiv announces nothing at weekends and on holidays)",
              file=sys.stderr)
        return 0
    apply_import(content_dir, result.plan)
    for paper in result.plan.added:
        print(f"added    {paper.slug}")
    for paper in result.plan.merged:
        print(f"merged   {paper.slug}")
    print(f"{len(result.plan.added)} added, {len(result.plan.merged)} merged for {day.isoformat()}", file=sys.stderr)
    return 0


def _digest_config(config_file: Path) -> tuple[Any, Any]:
    """mkdocs.yml, read and checked by MkDocs, and the digest plugin in it (its options)."""
    from ..engine.config import load_mkdocs_config
    from ..engine.plugin import DigestPlugin

    config = load_mkdocs_config(config_file)
    plugin = next((p for p in config.plugins.values() if isinstance(p, DigestPlugin)), None)
    if plugin is None:
        raise DigestError(f"{config_file}: the digest plugin is not in `plugins`; add `- digest`")
    return config, plugin
