"""The discharge summary as a PDF, made on the server with WeasyPrint.

WeasyPrint is a maintained, pure-Python HTML/CSS to PDF renderer (BSD licence) that needs only
Pango from the system: no browser and no external service, and it honours CSS paged media
(``@page`` size, margins and page numbers), so one template prints on A4 and on Letter. It is
never allowed to fetch anything: the page carries its own styles.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

PAPER_SIZES = {"a4": "A4", "letter": "letter"}


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"The summary fetches nothing ({url}).")


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: only this page needs Pango

    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def summary_pdf(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    paper = PAPER_SIZES.get(request.GET.get("paper", "a4"), "A4")
    html = render_to_string("outcomes/summary_pdf.html", {**context, "paper": paper}, request)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    name = slugify(f"discharge-summary-{context['patient'].display_name}") or "discharge-summary"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
