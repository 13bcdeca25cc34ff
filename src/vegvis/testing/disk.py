"""A MEDIA_ROOT that a test can fill to the last byte, to see what a full disk does to a change.

As root (the CI and the dev container), MEDIA_ROOT is a tiny tmpfs, filled by a file the test writes until the
operating system answers ENOSPC: then creating a file still works and writing its content fails, as on a real full
disk. Where mounting is not allowed, the same error comes from the operating-system call that flushes a file to
disk (os.fsync), the last point at which a real disk reports it.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

FILLER = "fyll"


class Disk:
    """MEDIA_ROOT that can be filled up and freed again."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch, mounted: bool) -> None:
        self.root, self.monkeypatch, self.mounted = root, monkeypatch, mounted

    def fill(self) -> None:
        if self.mounted:
            descriptor = os.open(self.root / FILLER, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                while True:
                    os.write(descriptor, b"\0" * 4096)
            except OSError as error:
                assert error.errno == errno.ENOSPC, error
            finally:
                os.close(descriptor)
        else:

            def no_space(_descriptor: int) -> None:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            self.monkeypatch.setattr(os, "fsync", no_space)

    def free(self) -> None:
        if self.mounted:
            (self.root / FILLER).unlink()
        else:
            self.monkeypatch.undo()

    def files(self) -> set[Path]:
        """Every file under MEDIA_ROOT but the filler, temporary names and empty files included."""
        return {p for p in self.root.rglob("*") if p.is_file() and p.name != FILLER}


def _mount_tmpfs(root: Path) -> bool:
    if shutil.which("mount") is None or os.geteuid() != 0:
        return False
    mounted = subprocess.run(  # noqa: S603  (fixed program; the path is the test's own)
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(root)],  # noqa: S607
        capture_output=True,
        check=False,
    )
    return mounted.returncode == 0


@pytest.fixture
def full_disk(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Disk]:
    """MEDIA_ROOT on a disk the test fills with ``fill()`` and frees with ``free()``."""
    root = tmp_path / "media"
    root.mkdir()
    mounted = _mount_tmpfs(root)
    settings.MEDIA_ROOT = root
    try:
        yield Disk(root, monkeypatch, mounted)
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(root)], check=False)  # noqa: S603, S607
