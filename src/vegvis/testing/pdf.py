"""Reading the PDFs Vegvis makes the way a reader does: their text, metadata and attachments, with Debian's
poppler-utils (pdftotext, pdfinfo, pdfdetach; `make pdf-deps` installs them)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zlib
from pathlib import Path


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        subprocess.run(["apt-get", "update", "-qq"], check=False)  # noqa: S607
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "poppler-utils"],  # noqa: S607
            check=True,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        )
        found = shutil.which(tool)
    assert found, f"{tool} (Debian: poppler-utils) is needed to read the PDF"
    return found


def _run(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(  # noqa: S603  (our own file, Debian's poppler-utils)
            [poppler(tool), *args, str(path), *(["-"] if tool == "pdftotext" else [])],
            capture_output=True,
            check=True,
            text=True,
        )
    return result.stdout


def text(pdf: bytes, *, first: int | None = None, last: int | None = None) -> str:
    """The PDF's text in reading order, pages separated by form feeds."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return _run("pdftotext", pdf, "-enc", "UTF-8", *pages)


def info(pdf: bytes) -> dict[str, str]:
    """pdfinfo's fields (Title, Tagged, Pages, ...)."""
    lines = _run("pdfinfo", pdf, "-enc", "UTF-8").splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines) if value}


def attachments(pdf: bytes) -> list[str]:
    """The names of the files embedded in the PDF (none in a letter)."""
    lines = _run("pdfdetach", pdf, "-list").splitlines()
    assert lines and re.match(r"\d+ embedded files", lines[0]), lines
    return [line.split(":", 1)[1].strip() for line in lines[1:] if ":" in line]


def fonts(pdf: bytes) -> list[str]:
    """The names of the fonts the PDF uses (pdffonts), without the subset prefix ("Inter-Semi-Bold")."""
    lines = _run("pdffonts", pdf).splitlines()[2:]
    return sorted(line.split()[0].split("+")[-1] for line in lines if line.strip())


def words(value: str) -> str:
    """Whitespace (line breaks, page breaks, non-breaking spaces) normalised to single spaces."""
    return " ".join(value.replace("\xa0", " ").split())


def metadata(pdf: bytes) -> str:
    """The document's XMP metadata (pdfinfo -meta): the PDF/UA identification and the title."""
    return _run("pdfinfo", pdf, "-meta")


def objects(pdf: bytes) -> bytes:
    """The file with its compressed streams inflated, to find entries such as the catalogue's /Lang."""
    inflated = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return pdf + b"".join(inflated)
