"""The Jinja2 environment: the site's own templates first, then the shipped defaults."""

from __future__ import annotations

from pathlib import Path

import jinja2

from .markup import human_date, math_markup, month_label, paragraphs, teaser


def default_templates() -> Path:
    """The shipped templates: inside an installed package they sit in generator/templates,
    in a source checkout (or an editable install) at the top level, beside generator/."""
    package = Path(__file__).resolve().parent.parent  # generator/
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


def make_environment(site_templates: Path | None) -> jinja2.Environment:
    """Templates from the site's own folder first, then the defaults shipped in the package."""
    search = [str(folder) for folder in (site_templates, default_templates()) if folder and folder.is_dir()]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # an environment lives for one build: no stat of the template per page
    )
    env.filters.update(
        human_date=human_date, month_label=month_label, paragraphs=paragraphs, teaser=teaser,
        math_markup=math_markup,
        rich=math_markup,  # its earlier name: a site's own templates may still use it
    )
    return env
