import importlib
import itertools
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import translation

from assessments import exports, page_cache, services
from assessments.models import Assessment, Membership, Pillar, Role, Team

_counter = itertools.count(1)
ROOT = Path(__file__).resolve().parents[1]
LOCALE_DIR = ROOT / "locale"


@pytest.fixture(autouse=True, scope="session")
def _compiled_catalogues():
    """Build the .mo files the Makefile builds, when missing or older than their .po (a plain
    ``pytest`` run without ``make``); the catalogue test checks the .po files themselves."""
    for po in LOCALE_DIR.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime) and shutil.which("msgfmt"):
            subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request leaves its language active in the thread; each test starts in English."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_pages_cached_in_process():
    """Each test starts without pages this process cached for an earlier test's rows."""
    page_cache.clear_local()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _pillars_after_flush(request):
    """Transactional tests flush the tables after each test; put the seeded rows back, and empty
    the database cache (rate-limit counters), which flush does not touch."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        for migration in (
            "0002_seed_pillars",
            "0007_seed_diagnostic",
            "0016_seed_pillar_translations",
        ):
            importlib.import_module(f"assessments.migrations.{migration}").seed(apps, None)
        cache.clear()


@pytest.fixture
def fresh_cache(db):
    """An empty cache before and after the test: rate-limit counters live in it (the database)."""
    cache.clear()
    yield
    cache.clear()


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """``manage.py`` in a fresh process, with ``env`` over this environment (no DJANGO_* kept)."""
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


def rows_to_csv(rows) -> str:
    """The app's one CSV writer (exports.csv_text), header first."""
    rows = [list(row) for row in rows]
    return exports.csv_text((rows[0], rows[1:])) if rows else ""


def rows_to_xlsx(rows) -> bytes:
    """The app's one XLSX writer (exports.xlsx_bytes), header first."""
    rows = [list(row) for row in rows]
    return exports.xlsx_bytes("Responses", (rows[0], rows[1:]))


# Pages served from ``page_cache``: the first view builds the page and stores it in the database
# cache (one read, five statements to store); later views read the session, the user and the
# row whose versions key the page, and nothing else.
CACHED_PAGES = {
    "assessments:report",
    "assessments:comparison",
    "assessments:scorecard",
    "assessments:team",
}
CACHE_STORE_QUERIES = 6
CACHED_PAGE_QUERIES = 3


def page_query_limit(name: str, queries: int) -> int:
    """``queries`` for building the page, plus the cache's for a cached one."""
    return queries + (CACHE_STORE_QUERIES if name in CACHED_PAGES else 0)


def check_served_from_cache(client, name: str, url: str, assert_max_num_queries) -> None:
    """For a cached page: a second view runs only the queries that find its key."""
    if name in CACHED_PAGES:
        with assert_max_num_queries(CACHED_PAGE_QUERIES):
            assert client.get(url).status_code == 200


def make_user(username: str | None = None, *, password: str = "pw-for-tests-123", **extra):
    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com", password=password, **extra
    )
    return user


def make_team(*, lead=None, members: int = 0, name: str | None = None) -> Team:
    lead = lead or make_user()
    team = services.create_team(name=name or f"Team {next(_counter)}", lead=lead)
    for _ in range(members):
        Membership.objects.create(team=team, user=make_user(), role=Role.MEMBER)
    return team


def make_assessment(team: Team | None = None, *, title: str | None = None) -> Assessment:
    """A round of ``team``; without a title, "Q4 review", numbered when the team has one
    (round titles are unique within a team)."""
    team = team or make_team()
    if title is None:
        title = "Q4 review"
        taken = set(Assessment.objects.filter(team=team).values_list("title", flat=True))
        number = 1
        while title in taken:
            number += 1
            title = f"Q4 review ({number})"
    lead = team.memberships.filter(role=Role.LEAD).first().user
    return services.create_assessment(team=team, title=title, created_by=lead)


def ranking_answers(assessment: Assessment, *, order=None, scores=None) -> list[services.Answer]:
    """Answers for every round pillar: ranks follow ``order`` (pillar list) or round order."""
    pillars = assessment.round_pillars()
    order = order or pillars
    scores = scores or {}
    return [
        services.Answer(pillar_id=p.pk, score=scores.get(p.slug, 3), rank=order.index(p) + 1)
        for p in pillars
    ]


def make_scorecard(assessment: Assessment, user, *, order=None, scores=None):
    return services.submit_scorecard(
        assessment=assessment,
        user=user,
        answers=ranking_answers(assessment, order=order, scores=scores),
    )


def scorecard_post(assessment: Assessment, *, ranks=None, scores=None, notes=None) -> dict:
    """A complete, valid POST body for the scorecard form; override pieces to break it."""
    data = {}
    for index, pillar in enumerate(assessment.round_pillars(), start=1):
        data[f"score_{pillar.pk}"] = str((scores or {}).get(pillar.pk, 3))
        data[f"rank_{pillar.pk}"] = str((ranks or {}).get(pillar.pk, index))
        data[f"note_{pillar.pk}"] = (notes or {}).get(pillar.pk, "")
    return data


@pytest.fixture
def pillars(db) -> list[Pillar]:
    return list(Pillar.objects.order_by("position"))


@pytest.fixture
def lead(db):
    return make_user("lead-user")


@pytest.fixture
def team(lead):
    return make_team(lead=lead, name="Acme CX")


@pytest.fixture
def member(team):
    user = make_user("member-user")
    Membership.objects.create(team=team, user=user, role=Role.MEMBER)
    return user


@pytest.fixture
def assessment(team):
    return make_assessment(team)


@pytest.fixture
def survey(assessment):
    return services.start_survey(assessment=assessment)


@pytest.fixture
def outsider(db):
    """Signed-up user who belongs to another team only."""
    user = make_user("outsider")
    make_team(lead=user, name="Other Co")
    return user


class _ErrorSummary(HTMLParser):
    """Collects the error summary's text and its links' (href, text)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.text: list[str] = []
        self.links: list[list[str]] = []
        self.found = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth == 0 and attrs.get("id") == "error-summary":
            self.found = True
            self.depth = 1
            self.summary_attrs = attrs
        elif self.depth:
            self.depth += tag not in {"br", "img", "input", "hr"}
            if tag == "a":
                self.links.append([attrs.get("href", ""), ""])

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self.links and self.links[-1][1] == "" and data.strip():
                self.links[-1][1] = " ".join(data.split())


def error_summary(html: str) -> _ErrorSummary:
    """The error summary at the top of a failed form (its text, links and attributes)."""
    parser = _ErrorSummary()
    parser.feed(html)
    assert parser.found, "no error summary on the page"
    parser.text = " ".join(" ".join(parser.text).split())
    return parser
