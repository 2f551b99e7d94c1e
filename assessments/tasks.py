"""Background work, run by ``manage.py db_worker`` (django-tasks with the database backend)."""

from django_tasks import task

from . import export_jobs, import_jobs


@task()
def build_export(job_id: int) -> None:
    """Build a big export; progress and the file are written to its ExportJob."""
    export_jobs.run(job_id)


@task()
def run_import(job_id: int) -> None:
    """Import a big response file; progress and the report are written to its ImportJob."""
    import_jobs.run_job(job_id)
