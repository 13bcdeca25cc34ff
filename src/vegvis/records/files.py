"""Files in the case file: stored outside the web root, removed again when their change does not commit, and
served only through the permission layer.

A write that stores files runs inside ``files_kept_on_commit()``, with its transaction inside::

    with files_kept_on_commit(), audited_atomic():
        ...
        store_file(document, content, filename=..., content_type=...)

When the block ends with an exception (the transaction rolled back, or its commit failed), every file stored
in it is deleted, so no file is left that no document refers to. Files go through the default storage
(``core.storage.SafeFileSystemStorage`` under ``MEDIA_ROOT``, which is never served by the web server).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db.models import QuerySet
from django.http import FileResponse, Http404

from vegvis.access.policies import get_visible_or_404
from vegvis.access.principal import Principal
from vegvis.audit.services import audit_read
from vegvis.records.models import CaseDocument

logger = logging.getLogger(__name__)

D = TypeVar("D", bound=CaseDocument)

# Files stored by the change under way, removed again when its transaction does not commit.
_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("records_files_written", default=None)


@contextmanager
def files_kept_on_commit() -> Iterator[None]:
    """Delete the files stored inside the block when it ends with an exception.

    Put the transaction inside the block, so a failed commit counts too. Nested blocks hand what they stored to
    the enclosing one when they succeed: the outer change's rollback removes them too.
    """
    outer = _written.get()
    token = _written.set([])
    try:
        yield
    except BaseException:
        _remove(_written.get() or [])
        raise
    else:
        if outer is not None:
            outer.extend(_written.get() or [])
    finally:
        _written.reset(token)


def _remove(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:  # one file that cannot be removed must not keep the others, or hide the cause
            logger.exception("A stored file of a change that did not commit could not be removed")


def track_file(storage: Storage, name: str) -> None:
    """Count a file stored by other means as part of the change under way (no-op outside files_kept_on_commit)."""
    written = _written.get()
    if written is not None:
        written.append((storage, name))


def store_file(document: CaseDocument, content: bytes, *, filename: str, content_type: str) -> None:
    """Put ``content`` into the document's file (not yet saving the row), with its checksum and type."""
    document.sha256 = hashlib.sha256(content).hexdigest()
    document.content_type = content_type
    document.file.save(filename, ContentFile(content), save=False)
    track_file(document.file.storage, str(document.file.name))


# The file name's ending for the types core.uploads.check_upload lets in (by content) and the PDFs Vegvis writes.
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def file_response(document: CaseDocument) -> FileResponse:
    """The document's file, shown in the browser, never cached. Call it only after the access check."""
    if not document.file:
        raise Http404
    response = FileResponse(document.file.open("rb"), content_type=document.content_type or "application/octet-stream")
    extension = EXTENSIONS.get(document.content_type, ".pdf")  # a scanned PNG is saved as .png, not as .pdf
    response["Content-Disposition"] = f'inline; filename="{document.number.replace("/", "-")}{extension}"'
    response["Cache-Control"] = "no-store"
    return response


def serve_document_file(
    principal: Principal,
    documents: QuerySet[D],
    *,
    person_id: Callable[[D], int | None] = lambda document: None,
    **lookup: Any,
) -> FileResponse:
    """A document's file through the permission layer: the document must be visible to ``principal`` (its
    model's policy; 404 otherwise, and the refusal is audited), and the read is audited on its case, for the
    person ``person_id`` names."""
    document = get_visible_or_404(principal, documents, **lookup)
    if not document.file:
        raise Http404
    case = document.case  # type: ignore[attr-defined]  # every subclass has its case
    audit_read(principal, obj=case, label=document.number, person_id=person_id(document), shown=["document"])
    return file_response(document)
