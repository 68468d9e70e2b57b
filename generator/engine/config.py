"""Reading mkdocs.yml: MkDocs' own validation, with our messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs import exceptions
from mkdocs.config import load_config
from mkdocs.utils.yaml import yaml_load

from ..errors import BuildError


def load_mkdocs_config(config_file: Path, **overrides: Any) -> Any:
    if not config_file.is_file():
        raise BuildError(f"{config_file}: not found; run digest in the folder that holds mkdocs.yml, "
                         "or pass -f path/to/mkdocs.yml")
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
