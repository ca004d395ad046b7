"""QR codes for checkpoints (inline SVG from the qrcode library) and the sheet as PDF."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

# WeasyPrint logs each screen-only CSS rule it skips (media queries, sticky, ...) and each
# layout step, about 40 lines a PDF: an operator's log needs only its errors.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def html_to_pdf(
    html: str, base_url: str, static_folder: str | None = None, tagged: bool = False
) -> bytes:
    """Render ``html`` to PDF. Files under /static/ are read from disk and nothing is
    fetched over the network (no request to ourselves, no other URL at all). ``tagged``:
    an accessible PDF (PDF/UA-1: tagged structure, the page's lang and title shown)."""
    from weasyprint import HTML

    return HTML(
        string=html, base_url=base_url, url_fetcher=_static_fetcher(static_folder)
    ).write_pdf(**({"pdf_variant": "pdf/ua-1"} if tagged else {}))


def _static_fetcher(static_folder: str | None):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    types = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = urlsplit(url).path
            if static_folder and path.startswith("/static/"):
                root = Path(static_folder).resolve()
                target = (root / path.removeprefix("/static/")).resolve()
                if target.is_relative_to(root) and target.is_file():
                    kind = types.get(target.suffix, "application/octet-stream")
                    return URLFetcherResponse(
                        url, body=target.read_bytes(), headers={"Content-Type": kind}
                    )
            raise ValueError(f"not fetching {url} for a PDF")

    return StaticOnly()
