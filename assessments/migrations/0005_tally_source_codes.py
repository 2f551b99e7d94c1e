"""Source tallies stored an index into a Python list; store each source's fixed code instead."""

from django.db import migrations

# index in the old SOURCE_ORDER list -> code in models.SOURCE_CODES (web, then import)
INDEX_TO_CODE = {0: 1, 1: 2}


def to_codes(apps, schema_editor):
    tallies = apps.get_model("assessments", "SurveyTally").objects.filter(metric="source")
    # Highest first, so no row ever takes a value another row still holds.
    for index in sorted(INDEX_TO_CODE, reverse=True):
        tallies.filter(value=index).update(value=INDEX_TO_CODE[index])


def to_indexes(apps, schema_editor):
    tallies = apps.get_model("assessments", "SurveyTally").objects.filter(metric="source")
    for index in sorted(INDEX_TO_CODE):
        tallies.filter(value=INDEX_TO_CODE[index]).update(value=index)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_customer_survey")]

    operations = [migrations.RunPython(to_codes, to_indexes)]
