"""Therapists' own photos and videos: what an upload really is, decided from its content.

A photo is opened with Pillow and saved again (JPEG, PNG or WebP), so nothing but its pixels
survives: no EXIF, no location, nothing appended to the file. A video cannot be re-encoded
here, so its container is checked instead: an MP4 starts with an ``ftyp`` box of a known
brand, a WebM with an EBML header whose DocType is ``webm``. Whatever the file is called or
claims to be, only its content decides.
"""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
# Brands of the ISO base media file format that browsers play as MP4 (QuickTime's "qt  " is not).
MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash",
     b"M4V ", b"mmp4", b"msnv"}
)  # fmt: skip
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOCTYPE = 0x4282
# A photo larger than this many pixels is refused before it is decoded (a decompression bomb).
MAX_PHOTO_PIXELS = 50_000_000


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # "photo" or "video"
    content_type: str
    content: ContentFile  # named with a random, non-guessable name


def random_name(extension: str) -> str:
    return f"{secrets.token_hex(16)}.{extension}"


def _too_large(limit: int) -> ValidationError:
    return ValidationError(
        _("This file is too large: the most Rehabit takes is %(size)s.")
        % {"size": filesizeformat(limit)},
        code="too_large",
    )


def _refused() -> ValidationError:
    return ValidationError(
        _(
            "This file is not a photo (JPEG, PNG or WebP) or a video (MP4 or WebM) that Rehabit "
            "can use. Choose another file."
        ),
        code="wrong_type",
    )


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """What the upload is (a photo, re-encoded; or a checked video), else a ValidationError."""
    size = upload.size or 0
    if size > max(settings.REHABIT_PHOTO_MAX_BYTES, settings.REHABIT_VIDEO_MAX_BYTES):
        raise _too_large(settings.REHABIT_VIDEO_MAX_BYTES)
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    video = video_type(head, upload)
    if video is not None:
        if size > settings.REHABIT_VIDEO_MAX_BYTES:
            raise _too_large(settings.REHABIT_VIDEO_MAX_BYTES)
        content_type, extension = video
        upload.seek(0)
        return CheckedUpload(
            "video", content_type, ContentFile(upload.read(), random_name(extension))
        )
    if size > settings.REHABIT_PHOTO_MAX_BYTES:
        raise _too_large(settings.REHABIT_PHOTO_MAX_BYTES)
    content_type, data, extension = reencode_photo(upload)
    return CheckedUpload("photo", content_type, ContentFile(data, random_name(extension)))


def reencode_photo(upload: UploadedFile) -> tuple[str, bytes, str]:
    """The photo's pixels saved again in its own format: (content type, bytes, extension)."""
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow warns of a possible decompression bomb before it raises: refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(upload, formats=list(PHOTO_FORMATS)) as image:
                width, height = image.size
                if width * height > MAX_PHOTO_PIXELS:
                    raise _refused()
                image_format = image.format or ""
                image.load()
                # Turn it the way the camera meant before its EXIF (orientation too) is dropped.
                upright = ImageOps.exif_transpose(image)
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
            OSError,
            SyntaxError,
            ValueError,
        ) as error:
            raise _refused() from error
    if image_format not in PHOTO_FORMATS:
        raise _refused()
    content_type, extension = PHOTO_FORMATS[image_format]
    if image_format == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    if image_format == "WEBP" and upright.mode not in ("RGB", "RGBA"):
        upright = upright.convert("RGBA")
    if image_format == "PNG" and upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I"):
        upright = upright.convert("RGBA")
    output = io.BytesIO()
    # Only the pixels are written: no exif=, no pnginfo=, no icc_profile=, no comment.
    upright.save(output, format=image_format, **({"quality": 90} if image_format != "PNG" else {}))
    return content_type, output.getvalue(), extension


def video_type(head: bytes, upload: UploadedFile) -> tuple[str, str] | None:
    """("video/mp4", "mp4") or ("video/webm", "webm") when the container says so, else None."""
    if is_mp4(head):
        return "video/mp4", "mp4"
    if head.startswith(EBML_MAGIC):
        upload.seek(0)
        if is_webm(upload.read(4096)):
            return "video/webm", "webm"
    return None


def is_mp4(head: bytes) -> bool:
    """An ISO base media file: a first box of type ``ftyp`` at offset 4, with a known brand."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return False
    box_size = int.from_bytes(head[0:4], "big")
    return box_size >= 16 and head[8:12] in MP4_BRANDS


def _vint(data: bytes, at: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at ``at``: (value, its length in bytes)."""
    if at >= len(data) or data[at] == 0:
        raise ValueError("not an EBML number")
    first = data[at]
    length = 8 - first.bit_length() + 1
    if at + length > len(data):
        raise ValueError("truncated")
    value = first if keep_marker else first & ((1 << (8 - length)) - 1)
    for byte in data[at + 1 : at + length]:
        value = (value << 8) | byte
    return value, length


def is_webm(data: bytes) -> bool:
    """An EBML header (0x1A45DFA3) whose DocType element says ``webm``."""
    if not data.startswith(EBML_MAGIC):
        return False
    try:
        header_size, length = _vint(data, 4, keep_marker=False)
        at = 4 + length
        end = min(at + header_size, len(data))
        while at < end:
            element, id_length = _vint(data, at, keep_marker=True)
            size, size_length = _vint(data, at + id_length, keep_marker=False)
            start = at + id_length + size_length
            if element == EBML_DOCTYPE:
                return data[start : start + size].rstrip(b"\x00") == b"webm"
            at = start + size
    except ValueError:
        return False
    return False
