"""One exception tree for everything a curator can get wrong.

    DigestError                 base: the CLI prints the message and exits 1, no traceback
    ├── ContentError            one or more problems in content/ (all of them, at once)
    ├── ImportError_            an input file to an importer cannot be read
    └── BuildError              the site could not be built (configuration, MkDocs)

Every message names the file, the line or key, what was expected, and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str  # "what is wrong; what to do"
    severity: str = "error"  # or "warning"
    drift: bool = False  # a warning the content drifts into (a rule that matches no paper now): not a build's

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class DigestError(Exception):
    """Base of every error the tool reports to a curator."""


class ContentError(DigestError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        lines = [str(p) for p in problems]
        lines.append(f"{len(errors)} error(s) in content; nothing was built or written.")
        super().__init__("\n".join(lines))


class ImportError_(DigestError):  # noqa: N801 - the builtin ImportError means something else
    """An importer's input cannot be read."""


class BuildError(DigestError):
    """The site could not be built."""
