"""Checking an uploaded file before it is kept (orders' document scans, premises' patrol photos).

An upload is judged by its size and by its first bytes, never by its name or the browser's word for its type:
a renamed executable is refused even when it is called photo.png.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .errors import Unprocessable

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
# What an upload may be, recognised by its first bytes.
FILE_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", JPEG, "jpg"),
    (b"\x89PNG\r\n\x1a\n", PNG, "png"),
    (b"%PDF-", PDF, "pdf"),
)
PHOTO_TYPES = frozenset({JPEG, PNG})
DOCUMENT_TYPES = frozenset({JPEG, PNG, PDF})


def sniff_file_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the file's first bytes; None for anything but JPEG, PNG or PDF."""
    for magic, content_type, extension in FILE_SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def check_upload(upload: UploadedFile, *, max_bytes: int, allowed: frozenset[str] = DOCUMENT_TYPES) -> tuple[str, str]:
    """(content type, extension) of an acceptable upload; refuses an empty, too large or unknown file."""
    if upload.size is None or upload.size == 0:
        raise Unprocessable(_("The file is empty."), code="empty_file")
    if upload.size > max_bytes:
        raise Unprocessable(
            _("The file is too large (%(size)s MB); at most %(limit)s MB.")
            % {"size": f"{upload.size / 1048576:.1f}", "limit": f"{max_bytes / 1048576:.0f}"},
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff_file_type(head)
    if kind is None or kind[0] not in allowed:
        if allowed == PHOTO_TYPES:
            raise Unprocessable(_("Only JPEG or PNG photos can be kept."), code="bad_file_type")
        raise Unprocessable(_("Only JPEG or PNG photos and PDF scans can be kept."), code="bad_file_type")
    return kind
