"""Attacks from the open internet, each refused cleanly: login guessing, oversized bodies, missing
headers, inline script, spreadsheet formulas, a public seed, tracebacks from the CLI."""

import datetime as dt
import io
import re
import threading

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from assessments import exports
from assessments.middleware import MAX_BODY_BYTES, MAX_UPLOAD_BODY_BYTES, RequestBodyLimitMiddleware
from assessments.models import CustomerSurvey, Team

from .conftest import ROOT, make_user, run_manage

PASSWORD = "pw-for-tests-123"


# ----------------------------------------------------------------------------- login throttle


def _login(client, username, password, url="/accounts/login/", ip="203.0.113.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 5
    return 5


def test_guessing_a_password_locks_the_account_and_then_the_right_one_fails_too(
    client, lead, limit
):
    statuses = [_login(client, lead.username, f"guess-{i}").status_code for i in range(limit)]
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert statuses[-1] == 429
    response = _login(client, lead.username, PASSWORD)
    assert response.status_code == 429
    assert "Too many login attempts" in response.content.decode()
    assert SESSION_KEY not in client.session  # not logged in


def test_the_account_stays_locked_from_another_client(client, lead, limit):
    for i in range(limit):
        _login(client, lead.username, f"guess-{i}", ip=f"198.51.100.{i + 1}")
    assert _login(client, lead.username, PASSWORD, ip="192.0.2.200").status_code == 429


def test_one_client_guessing_many_accounts_is_locked(client, lead, limit):
    for i in range(limit):
        _login(client, f"someone{i}", "guess")
    assert _login(client, lead.username, PASSWORD).status_code == 429
    # Another client is not affected.
    assert _login(client, lead.username, PASSWORD, ip="192.0.2.55").status_code == 302


def test_the_lockout_page_is_the_same_for_a_real_and_an_unknown_account(client, lead, limit):
    for i in range(limit):
        _login(client, lead.username, f"guess-{i}", ip="192.0.2.1")
        _login(client, "nobody-by-this-name", f"guess-{i}", ip="192.0.2.2")
    real = _login(client, lead.username, "x", ip="192.0.2.1")
    unknown = _login(client, "nobody-by-this-name", "x", ip="192.0.2.2")
    assert real.status_code == unknown.status_code == 429
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", real.content.decode()) == strip.sub("", unknown.content.decode())
    assert lead.username not in real.content.decode()


def test_the_admin_login_is_throttled_too(client, db, limit):
    admin = make_user("boss", is_staff=True, is_superuser=True)
    for i in range(limit):
        _login(client, admin.username, f"guess-{i}", url="/admin/login/")
    response = _login(client, admin.username, PASSWORD, url="/admin/login/")
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_the_throttle_counts_the_client_behind_the_trusted_proxy(client, lead, limit, settings):
    settings.CXP_TRUSTED_PROXY_HOPS = 1
    for i in range(limit):
        client.post(
            "/accounts/login/",
            {"username": f"x{i}", "password": "guess"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.9",  # the client may forge the left part
        )
    response = client.post(
        "/accounts/login/",
        {"username": lead.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code == 429
    other = client.post(
        "/accounts/login/",
        {"username": lead.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert other.status_code == 302


# ----------------------------------------------------------------------------- request bodies


class _UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    read_called = False

    def read(self, *args):
        type(self).read_called = True
        raise AssertionError("the body was read")

    readline = readinto = read


def _huge_post(user=None):
    request = RequestFactory().post(
        "/accounts/login/", data=b"", content_type="multipart/form-data"
    )
    request.META["CONTENT_LENGTH"] = str(300 * 1024 * 1024)
    request.META["wsgi.input"] = _UnreadableBody()
    request._stream = _UnreadableBody()
    from django.contrib.auth.models import AnonymousUser

    request.user = user or AnonymousUser()
    return request


def test_a_300_mb_anonymous_post_is_refused_with_413_unread(db):
    reached = []
    middleware = RequestBodyLimitMiddleware(lambda request: reached.append(request))
    response = middleware(_huge_post())
    assert response.status_code == 413
    assert "larger than this site accepts" in response.content.decode()
    assert reached == [] and not _UnreadableBody.read_called


def test_a_signed_in_user_may_send_an_import_sized_body_but_not_more(db, lead):
    passed = []
    middleware = RequestBodyLimitMiddleware(lambda request: passed.append(request) or "view")
    request = _huge_post(lead)
    request.META["CONTENT_LENGTH"] = str(10 * 1024 * 1024 + 50_000)  # a 10 MB import file
    assert middleware(request) == "view"
    request.META["CONTENT_LENGTH"] = str(MAX_UPLOAD_BODY_BYTES + 1)
    assert middleware(request).status_code == 413
    assert len(passed) == 1


def test_an_anonymous_body_over_one_megabyte_gets_413_through_the_whole_stack(client, db):
    body = b"username=x&password=" + b"a" * MAX_BODY_BYTES
    response = client.generic(
        "POST", "/accounts/login/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert not get_user_model().objects.exists()


def test_too_many_form_fields_get_400_and_nothing_is_written(client, lead):
    client.force_login(lead)
    data = {f"f{i}": "x" for i in range(1200)} | {"name": "Flooded"}
    response = client.post(reverse("assessments:team_create"), data)
    assert response.status_code == 400
    assert not Team.objects.filter(name="Flooded").exists()


# ----------------------------------------------------------------------------- headers


def test_every_page_carries_the_security_headers(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_hsts_is_sent_over_https_when_enabled(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_template_has_inline_script_or_event_handler_attributes():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append(f"{path.name}: {match.group(0)}")
        offenders += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        offenders += [f"{path.name}: javascript:" for m in re.findall(r"javascript:", text)]
    assert offenders == []


# ----------------------------------------------------------------------------- spreadsheet export


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        ";=cmd",
        "\t=1",
        "\r=1",
        "\n=1",
        "＝1+1",
        "＋1",
        "－1",
        "＠A1",
    ],
)
def test_formula_like_text_is_made_inert(value):
    assert exports._safe(value) == "'" + value


def test_plain_text_and_numbers_are_left_alone():
    assert exports._safe("Gen X") == "Gen X"
    assert exports._safe(-3) == -3


def test_a_full_width_formula_in_a_response_id_is_exported_inert(client, assessment, lead):
    from assessments import services

    survey = services.start_survey(assessment=assessment)
    pillars = assessment.round_pillars()
    services.record_responses(
        survey=survey,
        responses=[
            services.NewResponse(
                ranks={p.pk: i for i, p in enumerate(pillars, start=1)},
                external_id="＝HYPERLINK(1)",
            )
        ],
        source="import",
    )
    client.force_login(lead)
    response = client.get(reverse("assessments:export", args=[assessment.pk, "responses", "csv"]))
    text = b"".join(response.streaming_content).decode()
    assert "'＝HYPERLINK(1)" in text


# ----------------------------------------------------------------------------- seed_demo


def test_seed_demo_refuses_a_public_site_and_writes_nothing(db, settings):
    settings.CXP_PUBLIC_SITE = True  # as DEBUG=false in the environment makes it
    with pytest.raises(CommandError, match="--i-know-this-is-public"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not get_user_model().objects.exists()


def test_seed_demo_on_a_public_site_prints_random_passwords_that_work(db, settings, client):
    settings.CXP_PUBLIC_SITE = True  # as DEBUG=false in the environment makes it
    out = io.StringIO()
    call_command("seed_demo", "--i-know-this-is-public", stdout=out)
    text = out.getvalue()
    assert "admin-pass-2026" not in text and "demo-pass-2026" not in text
    password = re.search(r"^\s+admin / (\S+)$", text, re.MULTILINE).group(1)
    assert len(password) >= 16
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password(password)
    assert not admin.check_password("admin-pass-2026")


# ----------------------------------------------------------------------------- the CLI


@pytest.mark.parametrize(
    "args",
    [["export_report", "1"], ["rebuild_tallies"], ["seed_demo"]],
    ids=["export_report", "rebuild_tallies", "seed_demo"],
)
def test_a_database_that_is_not_migrated_gives_one_line_not_a_traceback(tmp_path, args):
    result = run_manage(*args, DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}", DEBUG="true")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "CommandError: The database refused the command" in result.stderr


@pytest.mark.parametrize("value", ["9" * 5000, "-1", "abc"])
def test_export_report_with_a_bad_id_gives_one_line(tmp_path, value):
    result = run_manage(
        "export_report", value, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DEBUG="true"
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr


# ----------------------------------------------------------------------------- whole numbers


@pytest.mark.parametrize(
    "url",
    [
        "/teams/{big}/",
        "/rounds/{big}/report/",
        "/rounds/{big}/export/responses.csv",
        "/teams/1/members/{big}/remove/",
    ],
)
def test_a_huge_number_in_a_url_is_a_404_not_a_500(client, lead, url):
    client.force_login(lead)
    response = client.get(url.format(big="9" * 5000))
    assert response.status_code == 404


def test_a_huge_survey_target_size_is_refused_next_to_the_field(client, assessment, lead):
    from assessments import services

    survey = services.start_survey(assessment=assessment)
    client.force_login(lead)
    response = client.post(
        reverse("assessments:survey_settings", args=[assessment.pk]),
        {"target_size": "9" * 5000, "ask_experience": "on"},
    )
    assert response.status_code == 400
    survey.refresh_from_db()
    assert survey.target_size == CustomerSurvey._meta.get_field("target_size").default


# ----------------------------------------------------------------------------- shared counters


def test_the_cache_counter_expires_and_refuses_past_the_limit(db):
    from assessments.throttling import over_limit

    cache.clear()
    results = [over_limit("t:key", limit=3, window=60) for _ in range(5)]
    assert results == [False, False, False, True, True]
    with pytest.raises(ValueError):
        cache.incr("t:missing")
    cache.set("t:old", 5, timeout=-1)  # already expired
    with pytest.raises(ValueError):
        cache.incr("t:old")


def test_a_rate_window_starts_again_after_it_ends_and_old_windows_are_pruned(db, monkeypatch):
    from assessments import throttling
    from assessments.models import RateWindow

    key = "survey-rate:1:203.0.113.7"
    assert [throttling.over_limit(key, limit=2, window=60) for _ in range(3)] == [
        False,
        False,
        True,
    ]
    assert RateWindow.objects.get(key=key).count == 3
    start = timezone.now()
    monkeypatch.setattr(throttling.timezone, "now", lambda: start + dt.timedelta(seconds=61))
    assert throttling.over_limit(key, limit=2, window=60) is False  # a new window
    assert RateWindow.objects.get(key=key).count == 1
    monkeypatch.setattr(throttling.timezone, "now", lambda: start + dt.timedelta(days=2))
    monkeypatch.setattr(throttling.secrets, "randbelow", lambda n: 0)  # this hit prunes
    throttling.over_limit("survey-rate:1:203.0.113.8", limit=2, window=60)
    assert list(RateWindow.objects.values_list("key", flat=True)) == ["survey-rate:1:203.0.113.8"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL (DATABASE_URL=postgres://...); SQLite serialises",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_on_the_database_cache_lose_no_count():
    from django.db import connections

    cache.clear()
    cache.add("t:race", 0, timeout=60)
    errors = []

    def hammer():
        try:
            for _ in range(25):
                cache.incr("t:race")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert cache.get("t:race") == 200
    cache.clear()


def test_a_forwarded_address_that_is_no_ip_is_ignored(settings):
    from assessments.throttling import client_ip, login_client_ip

    settings.CXP_TRUSTED_PROXY_HOPS = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(request) == "10.0.0.1"
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.4")
    assert client_ip(request) == "203.0.113.4"
    bare = RequestFactory().get("/")
    del bare.META["REMOTE_ADDR"]
    assert (client_ip(bare), login_client_ip(bare)) == ("unknown", None)


def test_seed_demo_with_debug_false_in_the_environment_refuses_in_one_line(tmp_path):
    result = run_manage(
        "seed_demo",
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="cx.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "--i-know-this-is-public" in result.stderr
    assert result.stdout == ""  # no accounts, no passwords


def test_logging_in_to_ones_own_account_does_not_reset_the_count_on_another(client, lead, limit):
    make_user("attacker")
    for round_ in range(2):
        for i in range(limit - 1):
            _login(client, lead.username, f"guess-{round_}-{i}")
        _login(client, "attacker", PASSWORD)  # a success in between
        client.logout()
    assert _login(client, lead.username, PASSWORD, ip="192.0.2.99").status_code == 429
