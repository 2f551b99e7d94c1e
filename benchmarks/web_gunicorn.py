"""Gunicorn settings of ``make bench-web``: each worker writes its lock-wait figures at exit."""


def worker_exit(server, worker):
    from benchmarks.web_wsgi import write_lock_figures

    write_lock_figures()
