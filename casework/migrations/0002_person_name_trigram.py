"""A trigram index for partial-name search on PostgreSQL (pg_trgm); other databases skip it."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS casework_person_name_trgm ON casework_person USING gin (name gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS casework_person_name_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
