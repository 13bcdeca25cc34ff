"""Where letters and uploads are kept: each file is written whole or not at all, readable by the service's user only.

Django's FileSystemStorage creates the file under its final name and then writes it, so a full disk leaves a
0-byte or cut file behind that no document refers to (the caller never learns the name). Here the content goes to
a temporary file in the same folder, is flushed to disk, and only then gets its final name (a hard link, so an
existing file is never replaced); whatever happens, the temporary name is removed. A full disk or quota becomes
``StorageFull``, a refusal with a message for the user, instead of a bare server error.
"""

from __future__ import annotations

import errno
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_makedirs
from django.utils.translation import gettext as _

from vegvis.core.errors import DomainError

logger = logging.getLogger(__name__)

# The disk or the user's quota is full, or the file is larger than the file system allows.
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
PARTIAL_PREFIX = ".partial-"


class StorageFull(DomainError):
    """The file could not be stored for lack of space; nothing was saved."""

    status = 507
    code = "storage_full"


def storage_full() -> StorageFull:
    return StorageFull(
        _(
            "The document could not be stored: the server has no room for more files. Nothing was saved. "
            "Try again later, or contact the administrator if it happens again."
        )
    )


def is_no_space(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in NO_SPACE


class SafeFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that writes to a temporary name in the same folder and links it into place on success."""

    def _save(self, name: str, content: Any) -> str:
        try:
            return self._save_whole(name, content)
        except OSError as error:
            if is_no_space(error):
                # The folder only: a file name may carry a person's name.
                logger.error("No space left for a stored file under %s (%s)", self.location, error.strerror)
                raise storage_full() from error
            raise

    def _save_whole(self, name: str, content: Any) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        try:
            if self.directory_permissions_mode is not None:
                safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
            else:
                os.makedirs(directory, exist_ok=True)
        except FileExistsError:
            raise FileExistsError(f"{directory} exists and is not a directory.") from None

        # mkstemp creates the file for this user only (0600), so nobody reads it before it is complete.
        descriptor, partial = tempfile.mkstemp(dir=directory, prefix=PARTIAL_PREFIX, suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                for chunk in content.chunks():
                    handle.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())  # a full disk can show only here (delayed allocation)
            if self.file_permissions_mode is not None:
                os.chmod(partial, self.file_permissions_mode)
            while True:
                try:
                    os.link(partial, full_path)  # never replaces a file that exists
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
                else:
                    break
        finally:
            Path(partial).unlink(missing_ok=True)

        name = os.path.relpath(full_path, self.location)
        self._ensure_location_group_id(full_path)  # type: ignore[attr-defined]  # Django 5.2, not in the stubs
        return str(name).replace("\\", "/")


def write_private(path: Path, content: bytes) -> None:
    """Write a file the code makes itself (not through a storage) whole or not at all, for this user only (0600).

    The folder is made 0700 when missing; an existing file of that name is replaced. A full disk is
    ``StorageFull`` and leaves nothing behind.
    """
    try:
        safe_makedirs(str(path.parent), 0o700, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=PARTIAL_PREFIX, suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    except OSError as error:
        if is_no_space(error):
            logger.error("No space left for a file under %s (%s)", path.parent, error.strerror)
            raise storage_full() from error
        raise
