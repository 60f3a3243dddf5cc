"""The database refuses to change money that moved: ledger entries are append-only (no UPDATE, no DELETE), and a
paid disbursement line cannot be updated or deleted. PostgreSQL and SQLite each get their own triggers."""

from django.db import migrations

POSTGRESQL = [
    """
    CREATE FUNCTION benefits_ledger_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'ledger entries are append-only: % refused', TG_OP USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON benefits_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION benefits_ledger_append_only()
    """,
    """
    CREATE FUNCTION benefits_paid_line_frozen() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'paid' THEN
            RAISE EXCEPTION 'a paid disbursement line is frozen: % refused', TG_OP
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER disbursement_paid_frozen BEFORE UPDATE OR DELETE ON benefits_disbursement
    FOR EACH ROW EXECUTE FUNCTION benefits_paid_line_frozen()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS ledger_append_only ON benefits_ledgerentry",
    "DROP FUNCTION IF EXISTS benefits_ledger_append_only()",
    "DROP TRIGGER IF EXISTS disbursement_paid_frozen ON benefits_disbursement",
    "DROP FUNCTION IF EXISTS benefits_paid_line_frozen()",
]
SQLITE = [
    """
    CREATE TRIGGER ledger_no_update BEFORE UPDATE ON benefits_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER ledger_no_delete BEFORE DELETE ON benefits_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: DELETE refused'); END
    """,
    """
    CREATE TRIGGER disbursement_paid_no_update BEFORE UPDATE ON benefits_disbursement WHEN OLD.status = 'paid'
    BEGIN SELECT RAISE(ABORT, 'a paid disbursement line is frozen: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER disbursement_paid_no_delete BEFORE DELETE ON benefits_disbursement WHEN OLD.status = 'paid'
    BEGIN SELECT RAISE(ABORT, 'a paid disbursement line is frozen: DELETE refused'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS ledger_no_update",
    "DROP TRIGGER IF EXISTS ledger_no_delete",
    "DROP TRIGGER IF EXISTS disbursement_paid_no_update",
    "DROP TRIGGER IF EXISTS disbursement_paid_no_delete",
]


def _run(statements: dict):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("benefits", "0010_disbursements")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
