"""The one check for a document a user uploads (evidence, review and change-request documents): PDF, JPEG or PNG,
the type read from the bytes and matching the file name, at most ``CASEWORK_UPLOAD_MAX_BYTES``; its SHA-256; and the
one way such a document is sent back."""

import hashlib
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _

DOCUMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
EXTENSIONS = {"pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


def sniffed_type(upload) -> str:
    """The type the bytes say the file is, which must be one we accept and the one its name claims."""
    head = upload.read(262)
    upload.seek(0)
    kind = filetype.guess(head)
    sniffed = kind.mime if kind else ""
    if sniffed not in DOCUMENT_TYPES:
        raise ValidationError({"file": _("Only PDF, JPEG and PNG files can be attached.")})
    claimed = EXTENSIONS.get(Path(upload.name or "").suffix.lower().lstrip("."))
    if claimed != sniffed:
        raise ValidationError(
            {
                "file": _("The file's content is %(actual)s, not what its name says: rename or convert it.")
                % {"actual": DOCUMENT_TYPES[sniffed].upper()}
            }
        )
    return sniffed


def checked_document(upload) -> tuple[str, str]:
    """Size and type checked: (content type, SHA-256 of the bytes); the upload is rewound for saving."""
    if upload.size > settings.CASEWORK_UPLOAD_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(limit)s MB.")
                % {"limit": settings.CASEWORK_UPLOAD_MAX_BYTES // 2**20}
            }
        )
    content_type = sniffed_type(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()


def stored_name(content_type: str) -> str:
    """The name the server gives the file on disk (its directory and a random stem come from the model)."""
    return f"upload.{DOCUMENT_TYPES[content_type]}"


def document_download(document) -> FileResponse:
    """A stored document (evidence, a review or change-request document: ``file``, ``original_name``,
    ``content_type``) as an attachment under its original name, with the type checked at upload."""
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
