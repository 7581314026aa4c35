"""The audit itself catches problems: a checker that passes everything would prove nothing."""


def test_html_checker_reports_errors(html_checker):
    errors = html_checker("<!doctype html><html lang=en><title>x</title><p hx-get=/x><div></span>")
    messages = " ".join(e["message"] for e in errors)
    assert "hx-get" in messages
    assert html_checker("<!doctype html><html lang=en><title>x</title><p data-hx-get=/x>ok") == []


def test_axe_reports_violations(page, axe):
    page.set_content("<!doctype html><html><title>x</title><body><img src='/x.png'></body></html>")
    ids = {v["id"] for v in axe.run(page).response["violations"]}
    assert {"image-alt", "html-has-lang"} <= ids
