"""A database guard under the models' own refusal: an incident and its entries are never updated (SAFE03).

Only UPDATE is refused: test runs empty tables by DELETE/TRUNCATE, and rows are protected from deletion by
their foreign keys and the models."""

from django.db import migrations

TABLES = ("safety_incident", "safety_incidententry")


def guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION safety_refuse_update()"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'append-only: add an entry instead'); END"
            )


def unguard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")


def function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION safety_refuse_update() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'append-only: add an entry instead'; END; $$ LANGUAGE plpgsql"
        )


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS safety_refuse_update()")


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]

    operations = [
        migrations.RunPython(function, drop_function),
        migrations.RunPython(guard, unguard),
    ]
