"""HTML templates rendered to PDF with WeasyPrint (PAY02 receipts, PAY03 invoices, reports).

The templates name the CJK font Debian installs with `fonts-noto-cjk`
(`font-family: "Noto Sans CJK SC"`), which fontconfig finds, so Chinese text is
embedded as a subset of that font. Static files (the print stylesheets) are read
straight from the static directories through a URL fetcher, so no request goes
back to the web server and nothing outside the project is ever fetched.
"""

from __future__ import annotations

import mimetypes
import re
import zlib
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string

STATIC_PREFIX = "static:///"
ROLL_MAX_MM = 2000
MM_PER_PX = 25.4 / 96  # CSS pixels are 1/96 inch


def _fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves `static:///css/print.css` from the static files and nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415  (late, as in render_pdf)

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith(STATIC_PREFIX):
                raise ValueError(f"PDF resources come from static files only, not {url[:40]!r}")
            path = finders.find(url.removeprefix(STATIC_PREFIX).split("?", 1)[0])
            if not path or isinstance(path, list):
                raise ValueError(f"no static file {url!r}")
            with open(path, "rb") as handle:
                content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, handle.read(), {"Content-Type": content_type})

    return StaticOnlyFetcher(allowed_protocols={"static"})


def render_pdf(
    template: str, context: dict[str, Any], request: HttpRequest | None = None, *, roll_width_mm: int | None = None
) -> bytes:
    """The template rendered and laid out as PDF bytes.

    Templates link their stylesheets as `{{ pdf_static }}css/print.css` (`static:///`, served from
    the static files). `roll_width_mm` lays the document out on one page of a paper roll of that
    width (an 80 mm receipt slip) whose height fits the content, as a thermal printer cuts it.
    """
    from weasyprint import CSS, HTML  # noqa: PLC0415  (late: loading pango is slow and only PDFs need it)

    html = render_to_string(template, {**context, "pdf": True, "pdf_static": STATIC_PREFIX}, request=request)
    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=_fetcher())
    if roll_width_mm is None:
        pdf: bytes = document.write_pdf()
        return pdf

    def roll(height_mm: float) -> Any:
        return CSS(string=f"@page {{ size: {roll_width_mm}mm {height_mm:.1f}mm !important; margin: 0 !important }}")

    draft = document.render(stylesheets=[roll(ROLL_MAX_MM)])
    root = draft.pages[0]._page_box.children[0]
    height_mm = (root.position_y + root.margin_height()) * MM_PER_PX + 1
    fitted: bytes = document.render(stylesheets=[roll(min(max(height_mm, 40), ROLL_MAX_MM))]).write_pdf()
    return fitted


# --- reading our own PDFs back (for tests) ---------------------------------------------------------

_STREAM = re.compile(rb"(?<!end)stream\r?\n(.*?)\r?\nendstream", re.S)
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_PAIR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_RANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_TEXT_OBJECT = re.compile(rb"BT(.*?)ET", re.S)
_HEX_STRING = re.compile(rb"<([0-9a-fA-F]+)>")


def _streams(pdf: bytes) -> list[bytes]:
    out = []
    for match in _STREAM.finditer(pdf):
        try:
            # A decompressor object ignores the end-of-line bytes some writers leave after the data.
            out.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            out.append(match.group(1))
    return out


def _unicode(hex_text: bytes) -> str:
    raw = bytes.fromhex(hex_text.decode())
    return raw.decode("utf-16-be", errors="replace")


def pdf_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts embedded in a PDF (subset prefixes removed)."""
    names = set()
    for blob in [pdf, *_streams(pdf)]:
        for match in re.finditer(rb"/BaseFont\s*/([^\s/<>\[\]]+)", blob):
            names.add(match.group(1).decode("latin-1").split("+", 1)[-1])
    return names


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF that WeasyPrint wrote (2-byte glyph ids mapped back through the ToUnicode maps).

    A test aid, not a general PDF reader: enough to assert what a customer would read. The glyph maps
    of all fonts are merged, which is exact for our documents (one CJK family whose weights share glyph ids).
    """
    streams = _streams(pdf)
    glyphs: dict[bytes, str] = {}
    for blob in streams:
        for block in _BFCHAR.findall(blob):
            for src, dst in _PAIR.findall(block):
                glyphs[src.lower()] = _unicode(dst)
        for block in _BFRANGE.findall(blob):
            for start, end, dst in _RANGE.findall(block):
                first, last, base = int(start, 16), int(end, 16), int(dst, 16)
                for offset in range(last - first + 1):
                    glyphs[f"{first + offset:0{len(start)}x}".encode()] = chr(base + offset)
    pieces = []
    for blob in streams:
        for text_object in _TEXT_OBJECT.findall(blob):
            for hex_text in _HEX_STRING.findall(text_object):
                hex_text = hex_text.lower()
                pieces.append("".join(glyphs.get(hex_text[i : i + 4], "") for i in range(0, len(hex_text), 4)))
            pieces.append("\n")
    return "".join(pieces)
