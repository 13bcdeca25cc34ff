"""Every PDF Vegvis makes (letters, the annual report) goes through write_pdf.

WeasyPrint fetches whatever a document points at: stylesheets, images, fonts, and files named by
``<a rel="attachment">``, which it embeds in the PDF. A letter carries text an office lead and case handlers
wrote, so a slip in escaping would let ``file:///proc/self/environ`` end up attached to a sealed letter or make
the server request an internal URL. The fetcher here answers only ``data:`` URLs and files under Vegvis' own
static asset folders (the fonts), and refuses everything else (other files, http, https, ftp), so no PDF can
reach the file system or the network whatever its HTML says. Documents are written as PDF/UA-1 (tagged, with
the language and title of the HTML), so screen readers can read them.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"


# The faces the documents use (Inter, Latin subset: æøå and the rest of Latin-1 included).
FONT_FACES = ("inter-latin-400-normal", "inter-latin-600-normal", "inter-latin-400-italic")


def _shipped_fonts() -> Path:
    return Path(settings.NODE_MODULES) / "@fontsource" / "inter" / "files"


def _font_cache() -> Path:
    return Path(settings.VAR_DIR) / "pdf-fonts"


def asset_roots() -> list[Path]:
    """The folders a PDF may read files from: the web fonts Vegvis ships (node_modules/@fontsource) and their
    TrueType copies (see font_dir)."""
    return [(Path(settings.NODE_MODULES) / "@fontsource").resolve(), _font_cache().resolve()]


def font_dir() -> Path:
    """The folder of the documents' fonts as TrueType files (``<face>.ttf``, FONT_FACES).

    The package ships WOFF2, which WeasyPrint decompresses for every document it writes: a fifth of the time of a
    one-page letter. The files are decompressed once (per version of the shipped font) into ``VAR_DIR/pdf-fonts``
    and used from there. Each file is written under a temporary name and renamed, so processes that start
    together never read half a file. (Not cached in memory: a test or a deployment may move VAR_DIR, and a
    stat per face is nothing beside a document.)"""
    from fontTools.ttLib import woff2

    target = _font_cache()
    target.mkdir(parents=True, exist_ok=True)
    for face in FONT_FACES:
        source = _shipped_fonts() / f"{face}.woff2"
        ttf = target / f"{face}.ttf"
        if ttf.exists() and ttf.stat().st_mtime >= source.stat().st_mtime:
            continue
        fd, partial = tempfile.mkstemp(dir=target, suffix=".partial")
        with os.fdopen(fd, "wb") as out, source.open("rb") as woff:
            woff2.decompress(woff, out)
        os.replace(partial, ttf)
    return target


class URLRefused(ValueError):
    """A document asked for something other than Vegvis' own static assets."""


def allowed(url: str) -> bool:
    """Whether a PDF may load ``url``: a data: URL, or an existing file under one of the asset roots."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return True
    if scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(url2pathname(parts.path)).resolve()
    return path.is_file() and any(path.is_relative_to(root) for root in asset_roots())


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class StaticAssetsOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not allowed(url):
                logger.warning("PDF: refused to load %s", urlsplit(url).scheme or "a relative URL")
                raise URLRefused(url)
            return super().fetch(url, headers)

    return StaticAssetsOnly(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=2)


def write_pdf(html: str) -> bytes:
    """The PDF of ``html`` (PDF/UA-1), loading nothing but Vegvis' own fonts and data: URLs."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=font_dir().as_uri() + "/", url_fetcher=_fetcher())
    return bytes(document.write_pdf(pdf_variant=PDF_VARIANT))
