"""A management command base that ends expected failures with one line, never a traceback."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError


class QuietCommand(BaseCommand):
    """``BaseCommand`` whose expected failures become a one-line ``CommandError``.

    A database that is unreachable, not migrated or refuses a write, an interrupt (Ctrl-C) and a
    closed output pipe (``| head``) are conditions to report, not bugs to trace.
    """

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except DatabaseError as exc:
            text = str(exc).strip()
            first_line = text.splitlines()[0] if text else type(exc).__name__
            raise CommandError(
                f"The database refused the command ({first_line}). "
                "Is DATABASE_URL right and has `manage.py migrate` run?"
            ) from exc
        except KeyboardInterrupt as exc:
            raise CommandError("Interrupted; nothing unfinished was saved.") from exc
        except BrokenPipeError as exc:
            raise CommandError("The output was closed before everything was written.") from exc
