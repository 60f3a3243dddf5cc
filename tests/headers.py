"""Reading the security headers in tests."""


def csp_directives(header: str) -> dict[str, str]:
    """A Content-Security-Policy header as directive → its sources (django-csp does not keep the directives in one
    order, so tests compare them one by one)."""
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())
