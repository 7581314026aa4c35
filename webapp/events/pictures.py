"""Event pictures: every upload is decoded and re-encoded by Pillow, never stored as sent.

Only JPEG, PNG, GIF and WebP pictures are read; anything else (a text file named .jpg, an
HTML page with image bytes after it) is refused with `not_an_image`. Re-encoding drops
whatever rides along in a valid picture (comments, metadata, bytes after the end: the
"polyglot" files that are a picture and a script at once). The result is a JPEG (or a PNG
when the picture has transparency) no larger than MAX_SIDE pixels on a side.

Files live in the instance folder (`EVENT_PICTURE_DIR`, default `instance/event_pictures`)
under random names, are served by a route, and go into PDFs as `data:` URLs.
"""

import base64
import os
import re
import secrets
import warnings
from io import BytesIO
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import EventError

MAX_SIDE = 1600
MAX_PIXELS = 40_000_000  # about 7,000 × 5,700: larger is refused before decoding
READABLE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
NAME_RE = re.compile(r"^[0-9a-f]{32}\.(jpg|png)$")
MIME = {"jpg": "image/jpeg", "png": "image/png"}


def picture_dir() -> Path:
    configured = current_app.config.get("EVENT_PICTURE_DIR")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "event_pictures"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def reencode(data: bytes) -> tuple[bytes, str]:
    """(new bytes, extension "jpg" or "png"); EventError `not_an_image` / `image_too_large`."""
    if not data:
        raise EventError("not_an_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as probe:
                if probe.format not in READABLE_FORMATS:
                    raise EventError("not_an_image")
                if probe.width * probe.height > MAX_PIXELS:
                    raise EventError("image_too_large")
                probe.verify()  # checks the structure without decoding the pixels
            with Image.open(BytesIO(data)) as image:
                image.seek(0)  # the first frame of an animation
                image.load()
                return _encode(ImageOps.exif_transpose(image))
    except EventError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ):
        raise EventError("not_an_image") from None


def _encode(image: Image.Image) -> tuple[bytes, str]:
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    # Only the pixels go on: no comment, EXIF, ICC or XMP block survives (Pillow would
    # otherwise write a JPEG comment back out).
    image = Image.frombytes(image.mode, image.size, image.tobytes())
    out = BytesIO()
    if has_alpha:
        image.save(out, format="PNG", optimize=True)
        return out.getvalue(), "png"
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), "jpg"


def store(data: bytes) -> str:
    """Re-encode and save under a new random name; returns the name."""
    encoded, ext = reencode(data)
    name = f"{secrets.token_hex(16)}.{ext}"
    folder = picture_dir()
    temporary = folder / f".{name}.tmp"
    temporary.write_bytes(encoded)
    os.replace(temporary, folder / name)
    return name


def path_of(name: str | None) -> Path | None:
    """The file of a stored picture, or None (names are checked: never a path from outside)."""
    if not name or not NAME_RE.match(name):
        return None
    path = picture_dir() / name
    return path if path.is_file() else None


def mimetype_of(name: str) -> str:
    return MIME[name.rsplit(".", 1)[-1]]


def delete(name: str | None) -> None:
    path = path_of(name)
    if path is not None:
        path.unlink(missing_ok=True)


def data_url(name: str | None) -> str | None:
    """The picture as a `data:` URL for PDFs (the PDF fetcher reads nothing else)."""
    path = path_of(name)
    if path is None:
        return None
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:{mimetype_of(name)};base64,{encoded}"
