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


def content_dir_from_file(config_file: Path) -> Path:
    """docs_dir from mkdocs.yml without validating the rest: an import may create it."""
    if not config_file.is_file():
        raise BuildError(f"{config_file}: not found; run digest in the folder that holds mkdocs.yml, "
                         "or pass -f path/to/mkdocs.yml")
    with config_file.open(encoding="utf-8") as handle:
        data = yaml_load(handle) or {}
    return config_file.resolve().parent / str(data.get("docs_dir", "docs"))
