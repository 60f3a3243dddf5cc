"""A document of an application as a download: one response for the console, the API and the portal, after the
caller's access function found the application (404 for missing and forbidden alike)."""

from django.http import FileResponse

from ..models import Evidence


def evidence_download(evidence: Evidence) -> FileResponse:
    """``evidence`` as an attachment under its original name, with the type checked at upload."""
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
