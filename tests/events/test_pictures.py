"""Pictures are re-encoded; anything that is not a picture is refused."""

from io import BytesIO

import pytest
from PIL import Image

from webapp.events import pictures
from webapp.events.errors import EventError


def png_bytes(size=(40, 30), mode="RGB", color=(200, 30, 30)) -> bytes:
    out = BytesIO()
    Image.new(mode, size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_comment(comment: bytes) -> bytes:
    out = BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 200)).save(out, format="JPEG", comment=comment)
    return out.getvalue()


@pytest.fixture(autouse=True)
def picture_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVENT_PICTURE_DIR", str(tmp_path))
    return tmp_path


def test_a_picture_is_re_encoded_as_jpeg():
    data, ext = pictures.reencode(png_bytes())
    assert ext == "jpg" and data.startswith(b"\xff\xd8")
    assert Image.open(BytesIO(data)).size == (40, 30)


def test_transparency_stays_png_and_big_pictures_shrink():
    data, ext = pictures.reencode(png_bytes(size=(4000, 1000), mode="RGBA", color=(0, 0, 0, 0)))
    assert ext == "png"
    assert Image.open(BytesIO(data)).size == (pictures.MAX_SIDE, 400)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        "これは写真ではありません。\n".encode() * 20,  # a text file named .jpg
        b"<html><script>alert(1)</script></html>" + png_bytes(),  # HTML first, image after
        b"%PDF-1.4\n" + png_bytes(),
        png_bytes()[:60],  # cut short
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    ],
    ids=["empty", "text", "html-then-image", "pdf", "truncated", "svg"],
)
def test_anything_that_is_not_a_picture_is_refused(data):
    with pytest.raises(EventError) as error:
        pictures.store(data)
    assert error.value.code == "not_an_image"


@pytest.mark.parametrize(
    "polyglot",
    [
        png_bytes() + b"<html><script>alert(1)</script></html>",
        jpeg_with_comment(b"<script>alert(1)</script>"),
    ],
    ids=["png-then-html", "jpeg-comment"],
)
def test_a_polyglot_keeps_only_its_picture(polyglot, picture_dir):
    name = pictures.store(polyglot)
    stored = (picture_dir / name).read_bytes()
    assert b"<script" not in stored and b"<html" not in stored
    assert Image.open(BytesIO(stored)).format == "JPEG"


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(pictures, "MAX_PIXELS", 100)
    with pytest.raises(EventError) as error:
        pictures.reencode(png_bytes(size=(20, 20)))
    assert error.value.code == "image_too_large"


def test_names_are_checked_before_any_file_is_read(picture_dir):
    name = pictures.store(png_bytes())
    assert pictures.path_of(name) == picture_dir / name
    assert pictures.data_url(name).startswith("data:image/jpeg;base64,")
    for bad in ("../secret_key", "x.jpg", name.replace(".jpg", ".svg"), None, ""):
        assert pictures.path_of(bad) is None
    pictures.delete(name)
    assert pictures.path_of(name) is None
