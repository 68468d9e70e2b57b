"""Stamped pages (generator/engine/stamp.py) are the bytes MkDocs and Material would write.

Each site here is built twice with real `mkdocs build`: with stamping (the default) and
with `stamp_pages: false`, which leaves every page to MkDocs' normal rendering. The two
site trees must be equal file by file, and the stamped build must really have stamped
its paper, theme, author and edition pages (its log says how many).

- the bundled mkdocs.yml, over the hostile papers (titles of markup, entities, quotes,
  math) and some of the bundled ones;
- a customised mkdocs.yml: one palette of other colours, features that change the frame
  (navigation.instant, toc.integrate, navigation.path, sticky tabs, ...), a repository
  with edit links, another language, other URL formats, and a template override in
  theme.custom_dir that writes each page's title (as given and escaped), URL and
  canonical URL in the footer;
- hooks beside the plugin: one with on_post_page only (pages are still stamped, and the
  hook sees every one of them), one with on_page_context (stamping turns itself off).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.engine.stamp import Hole, cut_frame, text_sentinel
from tests.conftest import HOSTILE_CORPUS, REPO

CUSTOM_YML = """\
site_name: Stamps & "quotes" <test>
site_description: A digest <for> stamping & "escaping"
site_url: https://digest.example.org/sub/
repo_url: https://github.com/example/digest
edit_uri: edit/main/content/
docs_dir: content
site_dir: site
strict: true
copyright: Copyright &copy; 2026 <b>Someone</b>
theme:
  name: material
  font: false
  language: de
  custom_dir: overrides
  palette:
    scheme: slate
    primary: deep orange
    accent: lime
  icon:
    logo: material/library
  features:
    - navigation.instant
    - navigation.instant.progress
    - navigation.tabs
    - navigation.tabs.sticky
    - navigation.path
    - navigation.top
    - toc.integrate
    - header.autohide
    - content.action.edit
extra:
  social:
    - icon: fontawesome/brands/github
      link: https://github.com/example
nav:
  - Home: index.md
  - Topics: topics.md
  - Archive: archive.md
plugins:
  - digest:
      themes_url: topics/
      theme_url: topics/{slug}/
      paper_url: p/{slug}/
      author_url: people/{slug}/
markdown_extensions:
  - pymdownx.arithmatex:
      generic: true
"""

# The footer of every page in the customised site: its title, URL and canonical URL, and
# a link to one paper (which reads "./" on that paper's page: that page is rendered in full).
COPYRIGHT_OVERRIDE = """\
<div class="md-copyright">
  <p class="stamp-test" title="{{ page.title | e }}">{{ page.title }} at {{ page.url }}</p>
  <a href="{{ page.canonical_url }}">{{ page.url | url }}</a>
  <a class="favourite" href="{{ 'p/entities/' | url }}">A favourite paper</a>
  {% if config.copyright %}<div class="md-copyright__highlight">{{ config.copyright }}</div>{% endif %}
</div>
"""

POST_PAGE_HOOK = """\
def on_post_page(output, page, config):
    return output.replace("</body>", f"<!-- seen by a hook: {page.url} -->\\n</body>")
"""

PAGE_CONTEXT_HOOK = """\
def on_page_context(context, page, config, nav):
    context["config"].extra["hooked"] = page.url  # (a hook that changes what each page shows)
    return context
"""
HOOKED_OVERRIDE = """\
{% extends "base.html" %}
{% block announce %}Hooked: {{ config.extra.hooked }}{% endblock %}
"""


def bundled_papers(count: int) -> list[Path]:
    return sorted((REPO / "content" / "papers").glob("*.md"))[:count]


def make_project(root: Path, mkdocs_yml: str, papers: list[Path], themes: list[Path],
                 files: dict[str, str] | None = None) -> Path:
    """A project of these papers and the themes of these themes.yml files."""
    project = root / "project"
    (project / "content" / "papers").mkdir(parents=True)
    for paper in papers:
        shutil.copy(paper, project / "content" / "papers" / paper.name)
    taxonomy = [theme for path in themes for theme in yaml.safe_load(path.read_text(encoding="utf-8"))["themes"]]
    (project / "content" / "themes.yml").write_text(yaml.safe_dump({"themes": taxonomy}), encoding="utf-8")
    (project / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    for name, text in (files or {}).items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    return project


def build(project: Path) -> str:
    """Build the site into project/site; MkDocs' log (the digest's counts are in it)."""
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"),
                             "-d", str(project / "site")], capture_output=True, text=True, cwd=project)
    assert result.returncode == 0, result.stderr
    return result.stderr


class Pair:
    """A site built with stamping, and a copy of its project built without."""

    def __init__(self, root: Path, project: Path) -> None:
        plain = root / "plain"
        shutil.copytree(project, plain)
        config = (plain / "mkdocs.yml").read_text(encoding="utf-8")
        config = re.sub(r"^  - digest:?\n", "  - digest:\n      stamp_pages: false\n", config, flags=re.M)
        (plain / "mkdocs.yml").write_text(config, encoding="utf-8")
        self.log = build(project)
        self.plain_log = build(plain)
        self.stamped_site, self.plain_site = project / "site", plain / "site"

    def counts(self) -> tuple[int, int]:
        """(pages stamped, pages rendered in full by the stamper) in the stamped build."""
        found = re.search(r"digest: (\d+) pages stamped from \d+ renders of their frame; (\d+) rendered", self.log)
        assert found, self.log
        return int(found[1]), int(found[2])


def tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file()}


def assert_same_trees(pair: Pair) -> None:
    stamped, plain = tree(pair.stamped_site), tree(pair.plain_site)
    assert sorted(stamped) == sorted(plain)
    differing = [path for path in stamped if stamped[path] != plain[path]]
    assert not differing, f"{len(differing)} files differ, first {differing[:5]}"


def kind_pages(site: Path, folders: tuple[str, ...]) -> list[str]:
    """The pages at "<folder><slug>/" under the given folders: the pages to stamp."""
    return [path.parent.relative_to(site).as_posix() + "/" for folder in folders
            for path in sorted((site / folder).glob("*/index.html"))]


@pytest.fixture(scope="module")
def bundled_config(tmp_path_factory: pytest.TempPathFactory) -> Pair:
    root = tmp_path_factory.mktemp("stamp-bundled")
    papers = sorted(HOSTILE_CORPUS.glob("papers/*.md")) + bundled_papers(40)
    project = make_project(root, (REPO / "mkdocs.yml").read_text(encoding="utf-8"), papers,
                           [HOSTILE_CORPUS / "themes.yml", REPO / "content" / "themes.yml"])
    return Pair(root, project)


@pytest.fixture(scope="module")
def custom_config(tmp_path_factory: pytest.TempPathFactory) -> Pair:
    root = tmp_path_factory.mktemp("stamp-custom")
    project = make_project(root, CUSTOM_YML, sorted(HOSTILE_CORPUS.glob("papers/*.md")) + bundled_papers(12),
                           [HOSTILE_CORPUS / "themes.yml"],
                           files={"overrides/partials/copyright.html": COPYRIGHT_OVERRIDE})
    return Pair(root, project)


def test_bundled_config_stamped_pages_are_the_bytes_mkdocs_renders(bundled_config: Pair) -> None:
    assert_same_trees(bundled_config)


def test_bundled_config_stamps_every_paper_theme_author_and_edition_page(bundled_config: Pair) -> None:
    pages = kind_pages(bundled_config.stamped_site, ("papers", "themes", "authors", "editions"))
    assert {page.split("/")[0] for page in pages} == {"papers", "themes", "authors", "editions"}
    assert bundled_config.counts() == (len(pages), 0)
    assert "pages stamped" not in bundled_config.plain_log  # (stamping off: MkDocs renders them)


def test_hostile_titles_stay_text_in_stamped_pages(bundled_config: Pair) -> None:
    page = (bundled_config.stamped_site / "papers" / "entities" / "index.html").read_text(encoding="utf-8")
    escaped = "Entities &amp;amp; &amp;lt;b&amp;gt; &amp;#x3C;script&amp;#x3E; in a title"
    assert f"<title>{escaped} - Research digest</title>" in page
    assert "<script>alert" not in page


def test_customised_config_stamped_pages_are_the_bytes_mkdocs_renders(custom_config: Pair) -> None:
    assert_same_trees(custom_config)


def test_customised_config_stamps_its_pages_with_the_override(custom_config: Pair) -> None:
    site = custom_config.stamped_site
    pages = kind_pages(site, ("p", "topics", "people", "editions"))
    assert {page.split("/")[0] for page in pages} == {"p", "topics", "people", "editions"}
    assert custom_config.counts() == (len(pages) - 1, 1)  # all but the favourite paper's
    page = (site / "p" / "entities" / "index.html").read_text(encoding="utf-8")
    assert '<a href="https://digest.example.org/sub/p/entities/">./</a>' in page  # the override, filled in
    assert '<a class="favourite" href="./">' in page
    assert '<a class="favourite" href="../entities/">' in (site / "p" / "math" / "index.html").read_text("utf-8")
    assert 'data-md-color-scheme="slate" data-md-color-primary="deep-orange"' in page
    assert '"navigation.instant"' in page and 'lang="de"' in page


def test_a_hook_on_post_page_sees_every_stamped_page(tmp_path: Path) -> None:
    project = make_project(tmp_path, (REPO / "mkdocs.yml").read_text(encoding="utf-8") + "hooks:\n  - hook.py\n",
                           sorted(HOSTILE_CORPUS.glob("papers/*.md")), [HOSTILE_CORPUS / "themes.yml"],
                           files={"hook.py": POST_PAGE_HOOK})
    pair = Pair(tmp_path, project)
    assert_same_trees(pair)
    pages = kind_pages(pair.stamped_site, ("papers", "themes", "authors", "editions"))
    assert pair.counts() == (len(pages), 0)
    for page in pages:
        html = (pair.stamped_site / page / "index.html").read_text(encoding="utf-8")
        assert f"<!-- seen by a hook: {page} -->" in html


def test_a_hook_on_page_context_turns_stamping_off(tmp_path: Path) -> None:
    project = make_project(tmp_path, (REPO / "mkdocs.yml").read_text(encoding="utf-8").replace(
                               "  font: false", "  font: false\n  custom_dir: overrides") + "hooks:\n  - hook.py\n",
                           sorted(HOSTILE_CORPUS.glob("papers/*.md")), [HOSTILE_CORPUS / "themes.yml"],
                           files={"hook.py": PAGE_CONTEXT_HOOK, "overrides/main.html": HOOKED_OVERRIDE})
    pair = Pair(tmp_path, project)
    assert_same_trees(pair)
    assert "pages are rendered in full, not stamped: on_page_context in hook.py" in pair.log
    assert "pages stamped" not in pair.log
    page = (pair.stamped_site / "papers" / "entities" / "index.html").read_text(encoding="utf-8")
    assert "Hooked: papers/entities/" in page  # each page shows what the hook gave it


def test_a_sentinel_the_template_changes_leaves_no_frame() -> None:
    title = text_sentinel("title")
    sentinels = {"title": {"raw": title, "escaped": title.replace("&", "&amp;").replace("<", "&lt;")
                           .replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")}}
    frame = cut_frame(f"<title>{title}</title><h1>{sentinels['title']['escaped']}</h1>", sentinels)
    assert frame is not None and frame.holes == (Hole("title", "raw"), Hole("title", "escaped"))
    assert frame.stamp({"title": {"raw": "A &amp; B", "escaped": "A &amp;amp; B"}}) == \
        "<title>A &amp; B</title><h1>A &amp;amp; B</h1>"
    for changed in (title.upper(), re.sub("<[^>]*>", "", title), title[:255] + "...", title.replace("  ", " ")):
        assert cut_frame(f"<title>{changed}</title>", sentinels) is None, changed
