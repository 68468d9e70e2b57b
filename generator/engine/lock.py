"""One writer at a time: the commands that write a digest (`digest build`, `update`,
`import`, `email send`) hold an OS file lock, `.cache/digest/lock` beside mkdocs.yml.

The lock is `flock` on an open file: the system releases it when the process ends,
however it ends (a kill included), so a lock is never left behind. A second run
waits up to `DIGEST_LOCK_WAIT` seconds (default 60), saying once that it waits and
for what, then refuses with an error naming the run that holds it.

`digest serve` takes no lock: MkDocs serves from a temporary folder of its own, never
site/, and its cache files are written whole (a temporary file, then a rename), so a
curator can preview while a build or an import runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import DigestError
from .cache import CACHE_DIR

LOCK_FILE = "lock"
WAIT_VARIABLE = "DIGEST_LOCK_WAIT"  # seconds a second run waits for the first (a testing aid too)
DEFAULT_WAIT = 60.0
POLL = 0.1  # seconds between tries while waiting


def lock_path(config_file: Path) -> Path:
    return config_file.resolve().parent / CACHE_DIR / LOCK_FILE


@contextlib.contextmanager
def exclusive(config_file: Path, command: str) -> Iterator[None]:
    """Hold the digest's lock while the block runs; wait a bounded time for another run."""
    path = lock_path(config_file)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DigestError(f"{os.path.relpath(path)}: cannot make the lock file ({exc.strerror}); `{command}` did "
                          "nothing: fix the cause (a full disk? a read-only folder?) and run it again") from None
    try:
        _acquire(fd, path, command)
        # Who holds it, for the message of a run that waits (the file is not the lock).
        with contextlib.suppress(OSError):  # (a full disk: the lock holds all the same)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {command}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _acquire(fd: int, path: Path, command: str) -> None:
    wait = _wait_limit()
    deadline = time.monotonic() + wait
    said = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = _holder(path)
        if time.monotonic() >= deadline:
            raise DigestError(f"another digest run ({holder}) still holds {os.path.relpath(path)} after "
                              f"{wait:.0f} s; `{command}` did nothing. Run it again when that one is done "
                              f"(or set {WAIT_VARIABLE} to wait longer)")
        if not said:
            print(f"waiting for another digest run ({holder}) to finish, at most {wait:.0f} s ...",
                  file=sys.stderr, flush=True)
            said = True
        time.sleep(POLL)


def _holder(path: Path) -> str:
    try:
        pid, _, command = path.read_text(encoding="utf-8").strip().partition(" ")
    except OSError:
        return "unknown"
    return f"`{command}`, process {pid}" if pid.isdigit() and command else "unknown"


def _wait_limit() -> float:
    text = os.environ.get(WAIT_VARIABLE, "")
    if not text:
        return DEFAULT_WAIT
    try:
        value = float(text)
    except ValueError:
        raise DigestError(f"{WAIT_VARIABLE} must be a number of seconds, got {text!r}") from None
    return max(0.0, value)
