"""One writer per run folder: a POSIX record lock on runs/<id>/writer.lock, held while a process trains there.

The operating system releases the lock when its holder dies (kill -9, OOM kill, a crash), so a lock is never
left stale by a dead process: a folder whose status.json says "running" but whose lock nobody holds was
abandoned. A second writer is refused with the holder's process id, which the kernel reports (F_GETLK), so
it is right even if the file's text is not. `writer_pid` asks that question without taking the lock, so a
watcher never gets in a writer's way.

POSIX locks belong to a process, not to a file descriptor: one process never conflicts with itself, and
closing any descriptor of the file drops the lock. So this module opens the file once per lock, and a
watcher in the writer's own process (a test) is told the writer is alive.
"""

from __future__ import annotations

import errno
import fcntl
import os
import struct
import sys
from pathlib import Path

from core.errors import InvalidSetting

LOCK_FILE = "writer.lock"

# struct flock's layout: Linux puts the type first; macOS and the BSDs put the offsets first.
_FLOCK_LINUX = "hhqqi4x"        # l_type, l_whence, l_start, l_len, l_pid
_FLOCK_BSD = "qqihh"            # l_start, l_len, l_pid, l_type, l_whence


class RunLock:
    """The held lock of one run folder; `release` (or the process's death) lets the next writer in."""

    def __init__(self, folder: Path, descriptor: int):
        self.folder, self._descriptor = folder, descriptor

    def release(self) -> None:
        if self._descriptor >= 0:
            os.close(self._descriptor)  # closing drops a POSIX lock
            self._descriptor = -1


def acquire(folder: str | os.PathLike, field: str) -> RunLock:
    """Take the writer lock of `folder` (which must exist), or raise InvalidSetting(field) naming its holder."""
    folder = Path(folder)
    path = folder / LOCK_FILE
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise InvalidSetting(field, f"cannot write in {folder} ({error.strerror}); a run folder must be "
                             "writable by the process that trains in it") from None
    try:
        fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        holder = writer_pid(folder)
        os.close(descriptor)
        if error.errno not in (errno.EACCES, errno.EAGAIN):
            raise InvalidSetting(field, f"cannot lock {path} ({error.strerror})") from None
        who = f"process {holder}" if holder else "another process"
        raise InvalidSetting(field, f"{folder} is being written by {who}: a run folder has one writer; "
                             f"stop that run first, or watch it with `gan-tui watch {folder}`") from None
    os.ftruncate(descriptor, 0)
    os.write(descriptor, f"{os.getpid()}\n".encode())  # for a person looking; the kernel knows the real holder
    return RunLock(folder, descriptor)


def writer_pid(folder: str | os.PathLike) -> int | None:
    """The id of the process holding `folder`'s writer lock, or None when no process does. Takes nothing."""
    path = Path(folder) / LOCK_FILE
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        written = _written_pid(descriptor)
        if written == os.getpid():
            return written  # our own lock is invisible to F_GETLK; and the writer is evidently alive
        return _kernel_holder(descriptor)
    finally:
        # a watcher in another process holds no lock here, so closing cannot drop anyone's
        os.close(descriptor)


def _written_pid(descriptor: int) -> int | None:
    try:
        return int(os.read(descriptor, 32).decode("ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _kernel_holder(descriptor: int) -> int | None:
    """F_GETLK: which process would block a write lock on the whole file (a read-only descriptor may ask)."""
    linux = sys.platform.startswith("linux")
    if linux:
        query = struct.pack(_FLOCK_LINUX, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
    else:
        query = struct.pack(_FLOCK_BSD, 0, 0, 0, fcntl.F_WRLCK, os.SEEK_SET)
    try:
        answer = fcntl.fcntl(descriptor, fcntl.F_GETLK, query)
    except OSError:
        return None
    if linux:
        kind, _, _, _, pid = struct.unpack(_FLOCK_LINUX, answer)
    else:
        _, _, pid, kind, _ = struct.unpack(_FLOCK_BSD, answer)
    return None if kind == fcntl.F_UNLCK else pid
