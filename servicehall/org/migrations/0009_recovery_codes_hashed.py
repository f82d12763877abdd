"""Recovery codes stored as keyed digests (ASVS V6): the proxy device that checks a code by its digest, and every
code already stored replaced by its digest (`org.recovery_codes`). The codes people printed keep working; the
database no longer holds one that does. Not reversible: the codes cannot be got back from their digests."""

from django.db import migrations

from servicehall.org.recovery_codes import recovery_code_digest


def _hash_stored_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all().iterator():
        token.token = recovery_code_digest(token.token)
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0008_hall_second_factor_all_staff"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="RecoveryCodeDevice",
            fields=[],
            options={
                "verbose_name": "recovery codes",
                "verbose_name_plural": "recovery codes",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("otp_static.staticdevice",),
        ),
        migrations.RunPython(_hash_stored_codes, migrations.RunPython.noop),
    ]
