"""Checking uploaded files: size, and that the content really is what its name and the allowed types say."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
    "text/csv": {".csv", ".txt"},
    "text/plain": {".txt", ".csv"},
    "application/json": {".json", ".jsonl"},
    "application/x-ndjson": {".jsonl", ".json"},
}
DEFAULT_ALLOWED = frozenset({"application/pdf", "image/png", "image/jpeg"})


class UploadRefused(ValueError):
    """The file is refused; the message is for the user."""


def _sniff(head: bytes) -> str | None:
    for content_type, signatures in SIGNATURES.items():
        if any(head.startswith(sig) for sig in signatures):
            return content_type
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character may be cut at the end of the sample.
        try:
            head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return "text/plain"


def check_upload(upload: UploadedFile, *, allowed: frozenset[str] | set[str] = DEFAULT_ALLOWED) -> str:
    """Return the content type, or raise UploadRefused. The file is left at its start."""
    if upload.size is not None and upload.size > settings.VEGVIS_MAX_UPLOAD_BYTES:
        raise UploadRefused(
            _("The file is too large (%(size)s MB). The limit is %(limit)s MB.")
            % {"size": round(upload.size / 1_048_576, 1), "limit": settings.VEGVIS_MAX_UPLOAD_BYTES // 1_048_576}
        )
    head = upload.read(2048)
    upload.seek(0)
    sniffed = _sniff(head)
    name = (upload.name or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    text_types = {t for t in allowed if t.startswith(("text/", "application/json")) or t == "application/x-ndjson"}
    if sniffed == "text/plain" and text_types:
        matches = [t for t in text_types if extension in EXTENSIONS.get(t, set())]
        if matches:
            return sorted(matches)[0]
        raise UploadRefused(_("The file name does not match its content (%(name)s).") % {"name": upload.name})
    if sniffed is None or sniffed not in allowed:
        raise UploadRefused(_("This kind of file is not accepted. Upload %(kinds)s.") % {"kinds": _kinds(allowed)})
    if extension not in EXTENSIONS.get(sniffed, set()):
        raise UploadRefused(_("The file name does not match its content (%(name)s).") % {"name": upload.name})
    return sniffed


def _kinds(allowed: frozenset[str] | set[str]) -> str:
    names = {
        "application/pdf": "PDF",
        "image/png": "PNG",
        "image/jpeg": "JPEG",
        "text/csv": "CSV",
        "text/plain": "text",
    }
    return ", ".join(sorted({names.get(t, t) for t in allowed}))
