"""The package type-checks under mypy's strict mode (configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

pytest.importorskip("mypy", reason="the type check needs mypy: pip install '.[test]'")


def test_the_package_type_checks() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "generator"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
