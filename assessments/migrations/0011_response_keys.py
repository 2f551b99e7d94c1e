from django.db import migrations


def key_every_response(apps, schema_editor):
    """Responses stored before every response had a key get "cxp-<id>", so the export of the
    round (which writes the key as response_id) imports back without duplicates."""
    CustomerResponse = apps.get_model("assessments", "CustomerResponse")
    for pk in CustomerResponse.objects.filter(external_id="").values_list("pk", flat=True).iterator():
        CustomerResponse.objects.filter(pk=pk).update(external_id=f"cxp-{pk}")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_round_title_once_per_team"),
    ]

    operations = [
        migrations.RunPython(key_every_response, migrations.RunPython.noop),
    ]
