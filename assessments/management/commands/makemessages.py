"""Django's makemessages with this project's defaults: what it scans and how it writes."""

from django.core.management.commands import makemessages

# Tests, benchmarks and collected static files hold no user-facing strings of the app.
IGNORED = ["tests", "benchmarks", "staticfiles", "test-artifacts", "node_modules"]


class Command(makemessages.Command):
    # N_ marks seeded database wording (the diagnostic's questions) that is shown through gettext.
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]

    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        options["no_obsolete"] = True
        return super().handle(*args, **options)
