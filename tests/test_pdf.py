"""PDF rendering: Japanese text with an embedded font, QR codes that decode, and a URL
fetcher that reads only the app's own static files."""

import gc
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.pdf_tools import pdf_fonts, pdf_qr_codes, pdf_text
from webapp import pdf as pdf_module
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


def _rows(n: int) -> str:
    rows = "".join(
        f"<tr><td>{i}</td><td>参加者{i:03d}</td><td>090-0000-{i:04d}</td></tr>" for i in range(n)
    )
    return f"<table><thead><tr><th>No.</th><th>名前</th><th>電話</th></tr></thead>{rows}</table>"


def test_every_document_reuses_the_workers_font_configuration(app, monkeypatch):
    from weasyprint.text.fonts import FontConfiguration

    created = []
    real_init = FontConfiguration.__init__

    def counting_init(self, *args, **kwargs):
        created.append(self)
        real_init(self, *args, **kwargs)

    with app.test_request_context("/"):
        render_pdf_from_html(PAGE.format(body="<p>一枚目</p>"))  # the worker's first document
        monkeypatch.setattr(FontConfiguration, "__init__", counting_init)
        second = render_pdf_from_html(PAGE.format(body="<p>二枚目</p>"))
        third = render_pdf_from_html(PAGE.format(body=_rows(3)))
    assert "二枚目" in pdf_text(second) and "参加者002" in pdf_text(third)
    assert created == []


def test_no_collection_while_a_document_is_built_then_one_at_once(app, monkeypatch):
    events = []
    real_write, real_collect = pdf_module._write_pdf, gc.collect

    def write(engine, html, fetcher):
        events.append(("write", gc.isenabled()))
        return real_write(engine, html, fetcher)

    def collect(*args):
        events.append(("collect", gc.isenabled()))
        return real_collect(*args)

    with app.test_request_context("/"):
        render_pdf_from_html(PAGE.format(body="<p>一枚目</p>"))  # the worker's first document
        monkeypatch.setattr(pdf_module, "_write_pdf", write)
        monkeypatch.setattr(gc, "collect", collect)
        pdf = render_pdf_from_html(PAGE.format(body=_rows(40)))
    assert "参加者039" in pdf_text(pdf)
    assert events == [("write", False), ("collect", True)]


def test_collection_resumes_when_a_document_fails(app, monkeypatch):
    def failing_write(engine, html, fetcher):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(pdf_module, "_write_pdf", failing_write)
    with app.test_request_context("/"), pytest.raises(RuntimeError):
        render_pdf_from_html(PAGE.format(body="<p>一</p>"))
    assert gc.isenabled()


def _page_images(pdf: bytes) -> list[bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", str(path), str(Path(tmp) / "page")], check=True
        )
        return [page.read_bytes() for page in sorted(Path(tmp).glob("page-*.png"))]


def test_the_leaner_user_agent_stylesheet_changes_nothing_a_document_shows(app):
    import weasyprint

    lean = pdf_module.lean_html_class(weasyprint)
    assert lean is not weasyprint.HTML, "WeasyPrint's user-agent stylesheet changed: see pdf.py"
    body = "<h1>交流会</h1><ol><li>QRコードを読む</li><li>電話する</li></ol>" + _rows(60)
    html = PAGE.format(body=body)
    pages = {}
    with app.test_request_context("/"):
        for name, html_class in (("stock", weasyprint.HTML), ("lean", lean)):
            fetcher = pdf_module.make_fetcher(app.static_folder)
            document = html_class(string=html, base_url=pdf_module.BASE_URL, url_fetcher=fetcher)
            pages[name] = _page_images(document.write_pdf())
        text = pdf_text(render_pdf_from_html(html))
    assert len(pages["lean"]) >= 2 and pages["lean"] == pages["stock"]
    assert "1. QRコードを読む" in text and "2. 電話する" in text  # list items keep their numbers
