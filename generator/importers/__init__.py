"""Importers: each turns one input format into a list of ImportedPaper records.

They are pure parsers over text; reading the input file and writing content/
happen in generator.importing. Add a format by adding a module and naming it in
IMPORTERS.
"""

from __future__ import annotations

from collections.abc import Callable

from . import arxiv, hf_daily, listing
from .records import ImportedPaper

IMPORTERS: dict[str, Callable[[str, str], list[ImportedPaper]]] = {
    "listing": listing.parse_listing,
    "arxiv": arxiv.parse_arxiv,
    "hf-daily": hf_daily.parse_hf_daily,
}

__all__ = ["IMPORTERS", "ImportedPaper"]
