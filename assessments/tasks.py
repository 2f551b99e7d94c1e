"""Background work, run by ``manage.py db_worker`` (django-tasks with the database backend)."""

from django_tasks import task

from . import import_jobs


@task()
def run_import(job_id: int) -> None:
    """Import a big response file; progress and the report are written to its ImportJob."""
    import_jobs.run_job(job_id)
