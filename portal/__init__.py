"""The applicant portal's pages (``/portal/``): templates and plain JavaScript modules that read and write
everything through the REST API of the apps below (accounts, casework, benefits). It has no models."""
