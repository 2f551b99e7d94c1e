"""Settings read from the environment: refusals and the production deploy check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run_django(args: list[str], **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_secret_key():
    result = _run_django(["check"], DEBUG="false", SECRET_KEY="", ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_an_unclear_debug_value_is_an_error():
    result = _run_django(["check"], DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_deploy_check_passes_with_production_settings():
    result = _run_django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY="x" * 20 + "a-real-looking-secret-key-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="cx.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
