"""Database triggers that keep closed money records as they are (CASH01, CASH03, CASH04).

The services already refuse these changes (409); the triggers make sure no other code path
(admin, a shell, a bug) can change them either: a drawer movement is never updated, nor is a
closed drawer session, a handover signed by both, or a closed settlement. Deletes are not
covered (PROTECT foreign keys guard them, and test database flushes delete rows).
"""

from django.db import migrations

GUARDS = [
    ("cashdesk_drawermovement", "TRUE", "drawer movements are append-only"),
    ("cashdesk_drawersession", "OLD.status = 'closed'", "a closed drawer session cannot change"),
    ("cashdesk_handover", "OLD.status = 'signed'", "a handover signed by both cannot change"),
    ("cashdesk_settlement", "OLD.status = 'closed'", "a closed settlement cannot change"),
]


def _create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, condition, message in GUARDS:
        name = f"{table}_frozen"
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                f"IF {condition} THEN RAISE EXCEPTION '{message}'; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        elif vendor == "sqlite":
            when = "1" if condition == "TRUE" else condition
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW WHEN {when} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def _drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, _condition, _message in GUARDS:
        name = f"{table}_frozen"
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cashdesk", "0001_initial")]

    operations = [migrations.RunPython(_create, _drop)]
