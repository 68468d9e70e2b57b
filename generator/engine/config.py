"""Reading mkdocs.yml: MkDocs' own validation, with our messages."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs import exceptions
from mkdocs.config import load_config
from mkdocs.utils.yaml import yaml_load

from ..errors import BuildError


def load_mkdocs_config(config_file: Path, **overrides: Any) -> Any:
    content_dir = content_dir_from_file(config_file)
    if not content_dir.is_dir():  # MkDocs would say "fix mkdocs.yml"; the fix is the folder
        raise BuildError(missing_content(config_file, content_dir))
    try:
        return load_config(config_file=str(config_file), **overrides)
    except exceptions.ConfigurationError as exc:
        raise BuildError(f"{config_file}: {exc}") from None
    except exceptions.Abort:
        raise BuildError(f"{config_file}: invalid configuration (the messages above say which key); "
                         "fix mkdocs.yml") from None


def _raw_config(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as YAML, without MkDocs' validation (which loads the theme and plugins)."""
    if not config_file.is_file():
        raise BuildError(f"{config_file}: not found; run digest in the folder that holds mkdocs.yml, "
                         "or pass -f path/to/mkdocs.yml")
    with config_file.open(encoding="utf-8") as handle:
        data = yaml_load(handle) or {}
    if not isinstance(data, dict):
        raise BuildError(f"{config_file}: expected a mapping of settings (site_name: ..., plugins: ...); "
                         "fix mkdocs.yml")
    return data


def content_dir_from_file(config_file: Path) -> Path:
    """docs_dir from mkdocs.yml without validating the rest: an import may create it."""
    return config_file.resolve().parent / str(_raw_config(config_file).get("docs_dir", "docs"))


def strict_from_file(config_file: Path) -> bool:
    """mkdocs.yml's `strict`: whether a build fails on a warning."""
    return _raw_config(config_file).get("strict") is True


def missing_content(config_file: Path, content_dir: Path) -> str:
    """What to do when the content folder (docs_dir) is not there."""
    shown = os.path.relpath(content_dir)
    return (f"{config_file}: the content folder {shown}/ (`docs_dir`, default `docs`) does not exist; create it "
            f"(mkdir -p {shown}/papers) and import papers into it, or start a digest with `digest new DIR`; "
            "if your content is elsewhere, point `docs_dir` in mkdocs.yml at it")
