"""Reading PDFs back in tests: text (pdftotext), fonts (pdffonts), QR codes (pdftoppm + zbar)."""

import subprocess
import tempfile
from pathlib import Path


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        return _run("pdftotext", "-layout", str(path), "-")


def pdf_fonts(pdf: bytes) -> list[dict]:
    """One dict per font: name, type, embedded (bool)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        lines = _run("pdffonts", str(path)).splitlines()[2:]
    fonts = []
    for line in lines:
        cols = line.split()
        # name type [type2] encoding emb sub uni object ID
        fonts.append({"name": cols[0], "embedded": cols[-5] == "yes", "line": line})
    return fonts


def pdf_pages(pdf: bytes) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        info = _run("pdfinfo", str(path))
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_qr_codes(pdf: bytes, *, page: int = 1) -> list[str]:
    """The texts of the QR codes on one page."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "150",
                "-png",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(path),
                str(Path(tmp) / "page"),
            ],
            check=True,
            capture_output=True,
        )
        result = subprocess.run(
            ["zbarimg", "--raw", "-q", str(Path(tmp) / "page.png")],
            capture_output=True,
            text=True,
        )
    return [line for line in result.stdout.splitlines() if line]


def pdf_word_heights(pdf: bytes) -> dict[str, float]:
    """The tallest box of each word on the pages, in points (about the type size)."""
    import re

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        html = _run("pdftotext", "-bbox", str(path), "-")
    heights: dict[str, float] = {}
    for y_min, y_max, word in re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', html
    ):
        heights[word] = max(heights.get(word, 0.0), float(y_max) - float(y_min))
    return heights


def pdf_coloured_pixels(pdf: bytes, *, page: int = 1) -> int:
    """How many pixels of a page (rendered at 50 dpi) are not black, white or grey."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        _run("pdftoppm", "-r", "50", "-png", "-f", str(page), "-l", str(page), "-singlefile",
             str(path), str(Path(tmp) / "page"))  # fmt: skip
        with Image.open(Path(tmp) / "page.png") as image:
            data = image.convert("RGB").tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    return sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 24)
