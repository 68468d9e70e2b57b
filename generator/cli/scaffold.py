"""`digest new DIR`: a ready digest of one's own, as `mkdocs new` and `hugo new site` make.

    DIR/mkdocs.yml                    the site, the plugin, a commented sources section
    DIR/content/papers/               empty (a .gitkeep, so that git keeps the folder)
    DIR/content/index.md              the home page's text, to edit (the digest lists the papers below it)
    DIR/.gitignore                    site/, .cache/, subscribers.yml
    DIR/.github/workflows/pages.yml   build and publish on every push
    DIR/.github/workflows/daily.yml   every day: update, commit, build, publish, send the edition

Then `cd DIR && digest build` builds an empty but valid site; `digest update` fills it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import DigestError

MKDOCS_YML = """\
site_name: {name}
site_url: {url}
docs_dir: content
site_dir: site
use_directory_urls: true
strict: true

theme:
  name: material
  font: false            # no requests to Google Fonts: pages work offline
  features:
    - navigation.tabs
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      toggle:
        icon: material/weather-night
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      toggle:
        icon: material/weather-sunny
        name: Switch to light mode

nav:
  - Home: index.md
  - Themes: themes.md
  - Archive: archive.md

plugins:
  - digest:
      # Feed item ids are tag: URIs under this name; keep it when the site moves host.
      feed_id_authority: {host}
      intro: >-   # the feeds' description (the home page's text is content/index.md)
        A digest of new papers in {plain_name}, grouped into themes, with a feed for each.
      # What `digest update` imports each day (README, "Start your own digest"):
      sources:
        - arxiv: "cat:cs.LG"               # arXiv search syntax, like "cat:cs.LG AND abs:causal"
          max_results: 100
        #   include: [causal]              # keep papers with these words (or /regex/)
        #   exclude: [survey]
        #   categories: [cs.LG, stat.ML]
        # - hf_daily: true                 # Hugging Face daily papers

markdown_extensions:
  - pymdownx.arithmatex:
      generic: true
"""

HOME_MD = """\
A digest of new papers in {name}, updated every day and grouped into themes, with a feed for each.

Edit this text in `content/index.md`: it opens the home page, above the latest papers and the themes.
"""

GITIGNORE = """\
/site/
/.cache/
/subscribers.yml
"""

def deploy_job(needs: str) -> str:
    """The job both workflows end with: publish the Pages artifact of job `needs`."""
    return (f"  deploy:\n    needs: {needs}\n"
            "    runs-on: ubuntu-latest\n"
            "    environment:\n"
            "      name: github-pages\n"
            "      url: ${{ steps.deployment.outputs.page_url }}\n"
            "    steps:\n"
            "      - id: deployment\n"
            "        uses: actions/deploy-pages@v5\n")


PAGES_YML = """\
# Build the digest and publish site/ to GitHub Pages on every push to main.
# Set the repository's Pages source to "GitHub Actions".
name: Publish the digest

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: true

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - uses: actions/setup-python@v6
        with:
          python-version: "3.12"
      # The tool: set the repository variable DIGEST_PACKAGE to where it comes from (a
      # git URL or a wheel's address) if it is not installable by its name.
      - run: pip install "${{ vars.DIGEST_PACKAGE || 'research-digest' }}" && digest build
      - uses: actions/upload-pages-artifact@v4
        with:
          path: site
""" + deploy_job("build")


DAILY_YML = """\
# Every day (and by hand): import the day's papers from the sources in mkdocs.yml, commit
# them (and the recorded automatic themes) back, build, publish to Pages, and send the
# day's edition by email when the DIGEST_SMTP_HOST secret is set.
name: Daily digest

on:
  schedule:
    - cron: "30 6 * * *"
  workflow_dispatch:

permissions:
  contents: write
  pages: write
  id-token: write

concurrency:
  group: daily
  cancel-in-progress: false

jobs:
  update:
    runs-on: ubuntu-latest
    env:
      DIGEST_SMTP_HOST: ${{ secrets.DIGEST_SMTP_HOST }}
      DIGEST_SMTP_PORT: ${{ secrets.DIGEST_SMTP_PORT }}
      DIGEST_SMTP_USER: ${{ secrets.DIGEST_SMTP_USER }}
      DIGEST_SMTP_PASSWORD: ${{ secrets.DIGEST_SMTP_PASSWORD }}
      DIGEST_SUBSCRIBERS: ${{ secrets.DIGEST_SUBSCRIBERS }}
    steps:
      - uses: actions/checkout@v5
      - uses: actions/setup-python@v6
        with:
          python-version: "3.12"
      - name: Install the tool
        run: @INSTALL@
      - name: Import the day's papers
        run: digest update
      - name: Build
        run: digest build
      - name: Commit the new papers and the recorded themes
        run: |
          git config user.name "research-digest"
          git config user.email "research-digest@users.noreply.github.com"
          git add content
          git diff --cached --quiet || git commit -q -m "Papers of $(date -u +%F)"
          git push -q
      - name: Send the day's edition
        if: env.DIGEST_SMTP_HOST != ''
        run: |
          printf '%s\\n' "$DIGEST_SUBSCRIBERS" > subscribers.yml
          digest email send
          git add email-ledger.jsonl
          git diff --cached --quiet || git commit -q -m "Email ledger of $(date -u +%F)"
          git push -q
      - uses: actions/upload-pages-artifact@v4
        with:
          path: site
""" + deploy_job("update")


# How a curator's workflows install the tool: the repository variable DIGEST_PACKAGE (a git
# URL or a wheel's address), else by its name. This repository's own daily.yml installs the
# checkout instead (README's way); otherwise it is the same file (tests/test_daily_workflow.py).
SCAFFOLD_INSTALL = "pip install \"${{ vars.DIGEST_PACKAGE || 'research-digest' }}\""


def daily_workflow(install: str = SCAFFOLD_INSTALL) -> str:
    """The daily workflow, installing the tool with `install`."""
    return DAILY_YML.replace("@INSTALL@", install)


def new_digest(folder: Path, *, name: str | None = None, url: str | None = None) -> int:
    """Write a new digest into folder (new, or empty); ask for what is not given when a
    person is at the terminal."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise DigestError(f"{folder}: already exists and is not an empty folder; choose a new folder")
    name = name or _ask("The digest's name", "My research digest")
    url = url or _ask("Its address (site_url)", "https://example.org/digest/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DigestError(f"--url {url!r}: not an absolute http(s) address; give one like https://you.github.io/digest/")
    url = url if url.endswith("/") else url + "/"
    files = {
        "mkdocs.yml": MKDOCS_YML.format(name=_yaml_text(name), plain_name=" ".join(name.split()), url=url,
                                        host=parts.hostname),
        "content/papers/.gitkeep": "",
        "content/index.md": HOME_MD.format(name=name),
        ".gitignore": GITIGNORE,
        ".github/workflows/pages.yml": PAGES_YML,
        ".github/workflows/daily.yml": daily_workflow(),
    }
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"made a new digest in {folder}: now `cd {folder}`, `digest update` and `digest build`", file=sys.stderr)
    return 0


def _ask(question: str, default: str) -> str:
    if not sys.stdin.isatty():
        return default
    answer = input(f"{question} [{default}]: ").strip()
    return answer or default


def _yaml_text(text: str) -> str:
    """A name as a YAML double-quoted scalar: a name with ': ' or '#' stays a name."""
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'
