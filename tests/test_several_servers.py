"""Two gunicorn servers against one PostgreSQL database share the survey rate limit, the login
throttle and the background tasks: nothing that must be shared lives in a process."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from assessments import services
from assessments.models import CustomerResponse, ExportJob, ExportStatus

from .conftest import make_assessment, make_team, make_user

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several servers share PostgreSQL: run with DATABASE_URL=postgres://... (CI does)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict
    return (
        f"postgres://{urllib.parse.quote(s['USER'])}:{urllib.parse.quote(s['PASSWORD'])}"
        f"@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    )


@pytest.fixture
def servers(tmp_path):
    """Two gunicorn instances (two workers each) on free ports, stopped after the test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=_database_url(),
        DEBUG="true",  # static files straight from the source tree; the point here is state
        CONN_MAX_AGE="0",
        SURVEY_RATE_LIMIT="4/600",
        LOGIN_FAILURE_LIMIT="3",
        EXPORT_BACKGROUND_ROWS="0",
        # As behind one proxy: each test client names its address in X-Forwarded-For.
        CXP_TRUSTED_PROXY_HOPS="1",
    )
    env.pop("REDIS_URL", None)
    processes, urls = [], []
    for index in range(2):
        port = _free_port()
        log = (tmp_path / f"gunicorn-{index}.log").open("w")
        processes.append(
            subprocess.Popen(
                [str(GUNICORN), "cxpillars.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 120  # a busy machine starts slowly
        for url in urls:
            while True:
                try:
                    urllib.request.urlopen(url + "/", timeout=10)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, ip: str):
        self.ip = ip
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirect
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"X-Forwarded-For": self.ip})
        if data is not None:
            request.add_header("Referer", url)
        try:
            with self.opener.open(request, timeout=30) as response:
                return (
                    response.status,
                    response.read().decode(errors="replace"),
                    dict(response.headers),
                )
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)

    def form(self, url: str) -> dict:
        status, html, _headers = self.request(url)
        assert status == 200, (url, status)
        return {
            name: value
            for name, value in re.findall(
                r'name="(csrfmiddlewaretoken|nonce)" value="([^"]+)"', html
            )
        }


def test_rate_limit_login_throttle_and_tasks_hold_across_two_servers(servers, settings):
    first, second = servers
    # Passwords the servers can check (the suite's fast MD5 hasher is not in their settings).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    team = make_team()
    assessment = make_assessment(team)
    survey = services.start_survey(assessment=assessment)
    # One browser sends every answer here: let it answer again, so the rate limit (not the
    # answered-already cookie) is what refuses it.
    survey.allow_repeat_answers = True
    survey.save(update_fields=["allow_repeat_answers"])
    pillars = assessment.round_pillars()
    lead = team.memberships.get().user

    # The survey rate limit (4 per client) counts POSTs on both servers together.
    customer = Browser("198.51.100.1")
    statuses = []
    for index in range(6):
        url = f"{(first, second)[index % 2]}/s/{survey.token}/"
        # ?again=1: the page offers the form again to a browser that has answered.
        data = customer.form(url + "?again=1") | {
            f"rank_{p.pk}": str(i) for i, p in enumerate(pillars, 1)
        }
        statuses.append(customer.request(url, data)[0])
    assert statuses == [302, 302, 302, 302, 429, 429]
    assert CustomerResponse.objects.filter(survey=survey).count() == 4

    # The attack: a burst of simultaneous POSTs from one client spread over both servers
    # (four workers). Exactly the limit is stored, not one per worker.
    flooder = Browser("198.51.100.2")
    burst = []
    for index in range(12):
        url = f"{(first, second)[index % 2]}/s/{survey.token}/"
        data = flooder.form(url) | {f"rank_{p.pk}": str(i) for i, p in enumerate(pillars, 1)}
        burst.append((url, data))
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = sorted(pool.map(lambda job: flooder.request(*job)[0], burst))
    assert statuses == [302] * 4 + [429] * 8
    assert CustomerResponse.objects.filter(survey=survey).count() == 8

    # The login throttle (3 failures) holds whichever server the attacker uses.
    victim = make_user("victim")
    attacker = Browser("203.0.113.66")
    for index in range(3):
        url = f"{(first, second)[index % 2]}/accounts/login/"
        data = attacker.form(url) | {"username": victim.username, "password": f"guess-{index}"}
        attacker.request(url, data)
    url = f"{second}/accounts/login/"
    data = attacker.form(url) | {"username": victim.username, "password": "pw-for-tests-123"}
    status, html, _headers = attacker.request(url, data)
    assert status == 429 and "Too many login attempts" in html
    assert "sessionid" not in {cookie.name for cookie in attacker.jar}

    # A background task asked for through one server is seen and served through the other.
    lead_browser = Browser("192.0.2.10")
    url = f"{first}/accounts/login/"
    data = lead_browser.form(url) | {"username": lead.username, "password": "pw-for-tests-123"}
    assert lead_browser.request(url, data)[0] == 302
    status, html, headers = lead_browser.request(
        f"{first}/rounds/{assessment.pk}/export/responses.xlsx"
    )
    assert status == 302, html[:2000]
    job_path = headers["Location"]
    status, html, _headers = lead_browser.request(second + job_path)
    assert status == 200 and "Waiting for the worker" in html
    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _database_url()},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert ExportJob.objects.get().status == ExportStatus.DONE
    status, html, _headers = lead_browser.request(second + job_path)
    assert status == 200 and "Download" in html
    status, _body, headers = lead_browser.request(first + job_path + "download/")
    assert status == 200 and headers["Content-Disposition"].endswith('.xlsx"')
