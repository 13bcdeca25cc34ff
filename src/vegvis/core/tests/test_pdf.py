"""The one PDF writer: which URLs it loads, and that nothing else in the code base calls WeasyPrint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vegvis.core import pdf

PACKAGE = Path(pdf.__file__).resolve().parent.parent


def test_no_module_but_core_pdf_calls_weasyprint():
    """So no PDF is written without the fetcher that keeps it off the file system and the network."""
    callers = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts and re.search(r"^\s*(from|import) weasyprint", path.read_text("utf-8"), re.M)
    ]
    assert callers == ["core/pdf.py"]


def test_only_the_shipped_fonts_and_data_urls_may_be_loaded():
    font = next(pdf.font_dir().glob("inter-latin-400-normal.ttf"))
    assert pdf.allowed(font.as_uri())
    assert pdf.allowed("data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=")
    for refused in [
        "file:///proc/self/environ",
        "file:///etc/passwd",
        font.as_uri().replace("inter-latin-400-normal.ttf", "../../../../../etc/passwd"),
        f"file://{pdf.font_dir()}/../../../../src/vegvis/settings.py",
        (pdf.font_dir() / "no-such-font.woff2").as_uri(),
        "file://otherhost" + str(font),
        "http://127.0.0.1:8000/",
        "https://example.org/font.woff2",
        "ftp://example.org/x",
        "font.woff2",
    ]:
        assert not pdf.allowed(refused), refused


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:9/"])
def test_the_fetcher_refuses_with_an_error_weasyprint_skips(url: str):
    with pytest.raises(pdf.URLRefused):
        pdf._fetcher().fetch(url)


def test_the_documents_fonts_are_embedded_from_the_truetype_copies(tmp_path, settings):
    """The WOFF2 the package ships are decompressed once into VAR_DIR/pdf-fonts, and a document using them
    embeds Inter (not a fallback font of the machine)."""
    from vegvis.testing import pdf as reader

    settings.VAR_DIR = tmp_path
    folder = pdf.font_dir()
    assert folder == tmp_path / "pdf-fonts"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{face}.ttf" for face in pdf.FONT_FACES)
    faces = "".join(
        f'@font-face {{ font-family: "Inter"; src: url("{folder.as_uri()}/{face}.ttf"); '
        f"font-weight: {face.split('-')[2]}; font-style: {face.split('-')[3]}; }}"
        for face in pdf.FONT_FACES
    )
    html = (
        f'<html lang="nb"><head><title>Brev</title><style>{faces} body {{ font-family: "Inter"; }}</style>'
        "</head><body><p>Blåbærsyltetøy</p><p><b>Ærlig</b> <i>øye</i></p></body></html>"
    )
    document = pdf.write_pdf(html)
    assert reader.fonts(document) == ["Inter", "Inter-Italic", "Inter-Semi-Bold"]
    text = reader.text(document)
    assert "Blåbærsyltetøy" in text and "Ærlig" in text
