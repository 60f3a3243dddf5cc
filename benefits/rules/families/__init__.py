"""One module per program family; importing this package registers every rule."""

from . import job_seeking  # noqa: F401
