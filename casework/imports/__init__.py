"""Register lists in and out of files, by step: ``columns`` (the layout), ``reading`` (xlsx and CSV, cell by cell),
``services`` (preview and commit) and ``selectors`` (the runs). The public names are re-exported here."""

from .columns import COLUMNS, EDUCATION_ZH, EXTENSIONS, HEADER, MAX_ROWS
from .reading import file_extension
from .selectors import import_report_rows, import_run_get_for_user, import_runs_for_user, import_units_for_user
from .services import ImportOutcome, import_commit, import_preview

__all__ = [
    "COLUMNS",
    "EDUCATION_ZH",
    "EXTENSIONS",
    "HEADER",
    "MAX_ROWS",
    "ImportOutcome",
    "file_extension",
    "import_commit",
    "import_preview",
    "import_report_rows",
    "import_run_get_for_user",
    "import_runs_for_user",
    "import_units_for_user",
]
