"""With REDIS_URL the cache, and so the rate limits, live in Redis: counted exactly under
concurrency. The test starts its own redis-server on a free port (CI installs it)."""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
from django.core.cache import cache

from assessments.throttling import over_limit

REDIS_SERVER = shutil.which("redis-server")

needs_redis = pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server is not installed (apt-get install redis-server)"
)


@pytest.fixture
def redis_url(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@needs_redis
def test_the_rate_limit_counts_exactly_in_redis_under_concurrency(redis_url):
    results: list[bool] = []
    lock = threading.Lock()

    def client():
        for _ in range(25):
            refused = over_limit("survey-rate:1:203.0.113.5", limit=150, window=60)
            with lock:
                results.append(refused)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert (results.count(False), results.count(True)) == (150, 50)
    stored = redis.Redis.from_url(redis_url).keys("*survey-rate:1:203.0.113.5")
    assert len(stored) == 1
    assert cache.get("survey-rate:1:203.0.113.5") == 200


def test_settings_choose_redis_when_redis_url_is_set():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; import django; django.setup();"
            "print(settings.CACHES['default']['BACKEND'])",
        ],
        cwd=Path(__file__).resolve().parents[1],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cxpillars.settings",
            "REDIS_URL": "redis://127.0.0.1:6399/0",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr


def test_the_rate_limit_lets_requests_through_when_redis_is_down(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    assert over_limit("survey-rate:9:203.0.113.9", limit=1, window=60) is False
