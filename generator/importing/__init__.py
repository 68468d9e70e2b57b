"""Importing: papers from other sources into content/.

    listing.py, arxiv.py, hf_daily.py   one pure parser per input format: text in,
                                        ImportedPaper records (records.py) out
    links.py                            links found in abstracts, by kind
    fetch.py                            fetching from arXiv and Hugging Face, politely
    merge.py                            matching incoming papers to the content's, and
                                        writing them all together or not at all

Add a format by adding a module and naming it in IMPORTERS.
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
