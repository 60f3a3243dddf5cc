"""A GIN index over the characters of each person's name, for searches by one or two characters (PostgreSQL only;
pg_trgm's index of 0002 needs three). casework.name_search builds the matching condition."""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS casework_person_name_chars ON casework_person USING gin (string_to_array(name, NULL))"
]
DROP = ["DROP INDEX IF EXISTS casework_person_name_chars"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_import_run_follow_up")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
