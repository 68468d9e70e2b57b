"""`python -m generator.cli`: the `digest` command."""

from . import run

run()
