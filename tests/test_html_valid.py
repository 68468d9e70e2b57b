"""The Nu HTML Checker on home, a theme page and a paper page: no error from our templates.

Material's own header has checkbox inputs with autocomplete="off" (its drawer and
search toggles), which the checker reports; those are Material's, not ours, and
are the only errors allowed. Needs Java and the checker (`npm install vnu-jar`,
or VNU_JAR=path/to/vnu.jar); skipped elsewhere with that message, a failure in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.sitetools import BuiltSite

VNU_JAR = Path(os.environ.get("VNU_JAR", REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"))
INSTALL = "the HTML check needs Java and the Nu HTML Checker: npm install --no-save vnu-jar (or set VNU_JAR)"

if shutil.which("java") is None or not VNU_JAR.is_file():
    if os.environ.get("CI"):
        raise RuntimeError(INSTALL)
    pytest.skip(INSTALL, allow_module_level=True)


def is_materials(message: dict[str, str]) -> bool:
    return ("autocomplete" in message.get("message", "")
            and 'type="checkbox"' in message.get("extract", "") and "md-toggle" in message.get("extract", ""))


def test_home_a_theme_and_a_paper_are_valid_html(bundled_site: BuiltSite) -> None:
    pages = [bundled_site.pages[""], bundled_site.pages[bundled_site.urls_under("themes/")[0]],
             bundled_site.pages[bundled_site.urls_under("papers/")[0]]]
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always",
                             *map(str, pages)], capture_output=True, text=True, check=True)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [m for m in messages if m.get("type") == "error" and not is_materials(m)]
    assert errors == [], json.dumps(errors[:5], indent=1)
