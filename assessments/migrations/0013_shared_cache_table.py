"""The database cache's table (rate limits and the cache every worker and server share).

``migrate`` is the one step every set-up runs (make run, make serve, the tests, production), so
the table is made here instead of by a separate ``createcachetable``. It makes nothing when the
cache is Redis, and leaves an existing table alone.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0012_response_imports")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
