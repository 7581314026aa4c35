"""PDF rendering: Japanese text with an embedded font, QR codes that decode, and a URL
fetcher that reads only the app's own static files."""

import pytest

from tests.pdf_tools import pdf_fonts, pdf_qr_codes, pdf_text
from webapp.pdf import RefusedURL, qr_svg, render_pdf_from_html, resolve_static

PAGE = """<!doctype html><html lang="ja"><head><meta charset="utf-8">
<link rel="stylesheet" href="/static/css/print/base.css"></head><body>{body}</body></html>"""


def test_japanese_text_and_embedded_font(app):
    with app.test_request_context("/"):
        pdf = render_pdf_from_html(
            PAGE.format(body="<h1>おたがいさま 交流会</h1><p>美園コミュニティセンター</p>")
        )
    text = pdf_text(pdf)
    assert "おたがいさま 交流会" in text and "美園コミュニティセンター" in text
    fonts = pdf_fonts(pdf)
    assert fonts and all(f["embedded"] for f in fonts)
    assert any("IPAGothic" in f["name"] for f in fonts)


def test_qr_code_decodes(app):
    with app.test_request_context("/"):
        pdf = render_pdf_from_html(
            PAGE.format(
                body=f'<div class="qr" style="width:50mm">{qr_svg("https://otagai.example/events/42")}</div>'
            )
        )
    assert pdf_qr_codes(pdf) == ["https://otagai.example/events/42"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:5432/",
        "https://example.com/static/css/print/base.css",
        "https://otagai.print/static/../../webapp/config.py",
        "https://otagai.print/static/%2e%2e/%2e%2e/pyproject.toml",
        "https://otagai.print/instance/secret_key",
        "https://otagai.print/static/",
    ],
)
def test_fetcher_refuses_anything_but_static_files(app, url):
    with app.test_request_context("/"), pytest.raises(RefusedURL):
        resolve_static(url, app.static_folder)


def test_fetcher_serves_static_files(app):
    with app.test_request_context("/"):
        path = resolve_static("https://otagai.print/static/css/print/base.css", app.static_folder)
    assert path.name == "base.css"


def test_document_with_hostile_references_fetches_nothing(app, tmp_path, caplog):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the pdf")
    body = (
        f'<img src="file://{secret}" alt="">'
        '<img src="http://127.0.0.1:1/x.png" alt="">'
        "<p>安全な文書</p>"
    )
    with app.test_request_context("/"):
        pdf = render_pdf_from_html(PAGE.format(body=body))
    assert "安全な文書" in pdf_text(pdf)
    assert b"not for the pdf" not in pdf
