"""The client report as a PDF, rendered by WeasyPrint from the report's own HTML template (its
charts are inline SVG, its styles inline: nothing is fetched while rendering)."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string


def report_pdf(context: dict) -> bytes:
    # A heavy import, paid only by the PDF views.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("campaigns/share/report_pdf.html", context)
    # data: URLs only: nothing on the network or the disk is read while rendering.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def pdf_response(context: dict, filename: str) -> HttpResponse:
    response = HttpResponse(report_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
