"""Writes that span several tables, each in one transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    SOURCE_CODES,
    Assessment,
    AssessmentPillar,
    CustomerAnswer,
    CustomerResponse,
    CustomerSurvey,
    DiagnosticAnswer,
    DiagnosticQuestion,
    DiagnosticResponse,
    Framework,
    Membership,
    MetricTarget,
    MonthlyMetric,
    NextAction,
    Pillar,
    PillarScore,
    ResponseSource,
    Role,
    RoundQuestion,
    Scorecard,
    SurveyTally,
    TallyMetric,
    Team,
    new_token,
)
from .ranking import is_complete_ranking
from .versions import round_changed, team_changed

if TYPE_CHECKING:
    from .imports import ParseResult


class RuleBroken(Exception):
    """A business rule refused the write; the message is meant for the user."""


class ConcurrentWrite(RuleBroken):
    """A simultaneous write of the same rows got there first; writing again adds what is missing."""


@contextmanager
def _refused_by_constraint(message: str) -> Iterator[None]:
    """A write in one transaction whose refusal by a database constraint reaches the caller as
    ``RuleBroken(message)``: callers never handle database errors."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise RuleBroken(message) from exc


@dataclass(frozen=True)
class Answer:
    pillar_id: int
    score: int
    rank: int
    note: str = ""


def create_team(*, name: str, lead: User) -> Team:
    with transaction.atomic():
        team = Team.objects.create(name=name)
        Membership.objects.create(team=team, user=lead, role=Role.LEAD)
    return team


def join_team(*, team: Team, user: User) -> Membership:
    """Idempotent: joining twice keeps the first membership and its role."""
    membership, _created = Membership.objects.get_or_create(team=team, user=user)
    return membership


def regenerate_join_link(*, team: Team) -> Team:
    team.join_token = new_token()
    team.save(update_fields=["join_token"])
    return team


def _lock_memberships(team: Team) -> list[Membership]:
    return list(Membership.objects.select_for_update().filter(team=team).order_by("pk"))


def remove_member(*, team: Team, membership: Membership) -> None:
    with transaction.atomic():
        memberships = _lock_memberships(team)
        leads = [m for m in memberships if m.role == Role.LEAD]
        if membership.role == Role.LEAD and len(leads) <= 1:
            raise RuleBroken(_("A team needs at least one lead. Promote someone else first."))
        Membership.objects.filter(pk=membership.pk).delete()
        # The removed colleague knows the join link: a new one keeps them from walking back in.
        regenerate_join_link(team=team)


def set_scorecard_excluded(*, scorecard: Scorecard, excluded: bool) -> Scorecard:
    """Leave a former member's scorecard out of the statistics, or count it again."""
    with transaction.atomic():
        is_member = Membership.objects.filter(
            team_id=scorecard.assessment.team_id, user_id=scorecard.user_id
        ).exists()
        if excluded and is_member:
            raise RuleBroken(
                _("Only scorecards of former members can be left out of the statistics.")
            )
        scorecard.excluded_from_statistics = excluded
        scorecard.save(update_fields=["excluded_from_statistics"])
    return scorecard


def set_role(*, team: Team, membership: Membership, role: Role) -> Membership:
    with transaction.atomic():
        memberships = _lock_memberships(team)
        leads = [m for m in memberships if m.role == Role.LEAD]
        if role != Role.LEAD and membership.role == Role.LEAD and len(leads) <= 1:
            raise RuleBroken(_("A team needs at least one lead. Promote someone else first."))
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def new_response_key() -> str:
    """A response_id for a response that came without one (the web form, the demo)."""
    return f"cxp-{secrets.token_hex(8)}"


def title_taken(*, team: Team, title: str) -> bool:
    """True when ``team`` already has a round of this title (letter case aside)."""
    return Assessment.objects.filter(team=team, title__iexact=title.strip()).exists()


def create_assessment(
    *, team: Team, title: str, created_by: User, framework: str = Framework.PILLARS
) -> Assessment:
    """A new round with the active pillars, in position order, frozen for its lifetime."""
    if framework == Framework.DIAGNOSTIC:
        return create_diagnostic_round(team=team, title=title, created_by=created_by)
    with transaction.atomic():
        pillars = list(Pillar.objects.active().order_by("position"))
        if len(pillars) < 2:
            raise RuleBroken(_("At least two active pillars are needed to start a round."))
        try:
            with transaction.atomic():
                assessment = Assessment.objects.create(
                    team=team, title=title, created_by=created_by
                )
        except IntegrityError as exc:
            # Two leads racing to create the same title: the constraint keeps one.
            raise RuleBroken(
                _("This team already has a round called %(title)s. Choose another title.")
                % {"title": title}
            ) from exc
        AssessmentPillar.objects.bulk_create(
            AssessmentPillar(assessment=assessment, pillar=pillar, position=index)
            for index, pillar in enumerate(pillars, start=1)
        )
        # The team page lists it; marking the team's other rounds changed too is cheap at this
        # rare write and keeps every page of the team in step.
        team_changed(team_id=team.pk)
    return assessment


def set_assessment_open(*, assessment: Assessment, is_open: bool) -> Assessment:
    assessment.is_open = is_open
    assessment.closed_at = None if is_open else timezone.now()
    assessment.save(update_fields=["is_open", "closed_at"])
    return assessment


def submit_scorecard(*, assessment: Assessment, user: User, answers: Sequence[Answer]) -> Scorecard:
    """Create or replace the user's scorecard for the round; all or nothing."""
    pillar_ids = [link.pillar_id for link in assessment.pillar_links.all()]
    n = len(pillar_ids)
    given = [a.pillar_id for a in answers]
    if sorted(given) != sorted(pillar_ids):
        raise RuleBroken(_("Every pillar of the round needs exactly one answer."))
    if not is_complete_ranking({a.pillar_id: a.rank for a in answers}, pillar_ids):
        raise RuleBroken(_("Each rank from 1 to %(n)d must be used exactly once.") % {"n": n})
    if any(not 1 <= a.score <= 5 for a in answers):
        raise RuleBroken(_("Scores go from 1 to 5."))
    return _save_scorecard(assessment=assessment, user=user, answers=answers)


def _lock_open_round_for_member(
    assessment: Assessment, user: User, *, closed: str, outsider: str
) -> None:
    """Inside a transaction: lock the round row, so closing it and saving into it cannot
    interleave and two simultaneous saves by one colleague queue up (the second finds the first
    one's answers); refuse a closed round and a user outside the team."""
    locked = Assessment.objects.select_for_update().only("is_open").get(pk=assessment.pk)
    if not locked.is_open:
        raise RuleBroken(closed)
    if not Membership.objects.filter(team_id=assessment.team_id, user=user).exists():
        raise RuleBroken(outsider)


def _save_scorecard(*, assessment: Assessment, user: User, answers: Sequence[Answer]) -> Scorecard:
    with transaction.atomic():
        _lock_open_round_for_member(
            assessment,
            user,
            closed=_("This round is closed; scorecards can no longer be changed."),
            outsider=_("Only members of the team can fill in a scorecard."),
        )
        now = timezone.now()
        scorecard, created = Scorecard.objects.get_or_create(
            assessment=assessment, user=user, defaults={"submitted_at": now, "updated_at": now}
        )
        if not created:
            scorecard.updated_at = now
            scorecard.save(update_fields=["updated_at"])
            scorecard.scores.all().delete()
        PillarScore.objects.bulk_create(
            PillarScore(
                scorecard=scorecard,
                pillar_id=a.pillar_id,
                score=a.score,
                rank=a.rank,
                note=a.note.strip(),
            )
            for a in answers
        )
    return scorecard


# ----------------------------------------------------------------------------- customer survey


@dataclass(frozen=True)
class NewResponse:
    """One customer's answers, already validated: ranks are a permutation of 1..n."""

    ranks: dict[int, int]  # pillar id -> rank
    experience: dict[int, int] = field(default_factory=dict)
    expectation: dict[int, int] = field(default_factory=dict)
    generation: str = ""
    nps: int | None = None
    external_id: str = ""
    ces: int | None = None  # customer effort, 1–5 agreement that we made it easy
    form_nonce: str = ""
    line: int = 0  # the file line it was read from, for imports


def start_survey(*, assessment: Assessment, is_open: bool = True) -> CustomerSurvey:
    survey, _created = CustomerSurvey.objects.get_or_create(
        assessment=assessment, defaults={"is_open": is_open}
    )
    return survey


def set_survey_open(*, survey: CustomerSurvey, is_open: bool) -> CustomerSurvey:
    """Open or close the public link; a closed link says so politely and stores nothing."""
    survey.is_open = is_open
    survey.save(update_fields=["is_open"])
    return survey


def save_survey_settings(*, survey: CustomerSurvey) -> CustomerSurvey:
    """Store the lead's survey settings (validated by ``SurveySettingsForm``)."""
    survey.save()
    return survey


def regenerate_survey_link(*, survey: CustomerSurvey) -> CustomerSurvey:
    survey.token = new_token()
    survey.save(update_fields=["token"])
    return survey


TallyKey = tuple[str, int | None, str, int]  # generation, pillar id, metric, value


def _tally_counts(responses: Iterable[tuple[NewResponse, str]]) -> Counter[TallyKey]:
    """Tally keys and counts of (response, source) pairs.

    Responses are grouped by generation and their (pillar, value) pairs counted by Counter in C:
    a Python increment per answer was a large part of an import's time."""
    by_generation: dict[str, list[NewResponse]] = {}
    sources: Counter[str] = Counter()
    for response, source in responses:
        by_generation.setdefault(response.generation, []).append(response)
        sources[source] += 1
    counts: Counter[TallyKey] = Counter()
    for source, number in sources.items():
        counts[("", None, TallyMetric.SOURCE, SOURCE_CODES[source])] += number
    for generation, group in by_generation.items():
        counts[(generation, None, TallyMetric.RESPONSES, 0)] += len(group)
        for value, number in Counter(r.nps for r in group if r.nps is not None).items():
            counts[(generation, None, TallyMetric.NPS, value)] += number
        for value, number in Counter(r.ces for r in group if r.ces is not None).items():
            counts[(generation, None, TallyMetric.CES, value)] += number
        for metric, answers in (
            (TallyMetric.RANK, [r.ranks for r in group]),
            (TallyMetric.EXPERIENCE, [r.experience for r in group]),
            (TallyMetric.EXPECTATION, [r.expectation for r in group]),
        ):
            pairs = Counter(chain.from_iterable(a.items() for a in answers))
            for (pillar_id, value), number in pairs.items():
                counts[(generation, pillar_id, metric, value)] += number
    return counts


def _add_to_tallies(survey: CustomerSurvey, counts: Counter[TallyKey]) -> None:
    """Add counts to the survey's tallies: one multi-row upsert per kind of key (rows with and
    without a pillar have separate unique indexes), rows in key order so that concurrent writers
    lock them in the same order. The caller holds the round's row lock (``round_changed``)."""
    connection = connections[router.db_for_write(SurveyTally)]
    quote = connection.ops.quote_name
    table = quote(SurveyTally._meta.db_table)
    columns = ("survey_id", "generation", "pillar_id", "metric", "value", "count")
    width = len(columns)
    per_statement = max(1, min(1000, (connection.features.max_query_params or 65_535) // width))
    count = quote("count")
    with_pillar = sorted((k, n) for k, n in counts.items() if k[1] is not None)
    without_pillar = sorted(
        ((k, n) for k, n in counts.items() if k[1] is None), key=lambda item: item[0][2:]
    )
    statements: list[tuple[str, list[Any]]] = []
    for rows, target in (
        (with_pillar, ("survey_id", "generation", "pillar_id", "metric", "value")),
        (without_pillar, ("survey_id", "generation", "metric", "value")),
    ):
        predicate = "{} IS {}NULL".format(
            quote("pillar_id"), "NOT " if "pillar_id" in target else ""
        )
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            sql = (
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) VALUES "
                + ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
                + f" ON CONFLICT ({', '.join(quote(c) for c in target)}) WHERE {predicate}"
                + f" DO UPDATE SET {count} = {table}.{count} + excluded.{count}"
            )
            params: list[Any] = []
            for (generation, pillar_id, metric, value), number in chunk:
                params += [survey.pk, generation, pillar_id, str(metric), value, number]
            statements.append((sql, params))
    if connection.vendor == "postgresql":
        statements = [_tally_upsert_postgres(quote, survey.pk, with_pillar, without_pillar)]
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def _tally_upsert_postgres(
    quote: Callable[[str], str],
    survey_id: int,
    with_pillar: list[tuple[TallyKey, int]],
    without_pillar: list[tuple[TallyKey, int]],
) -> tuple[str, list[Any]]:
    """PostgreSQL: both upserts in one statement (the first a data-modifying WITH of the
    second), their rows sent as arrays: a short statement text whatever the number of rows, so
    the driver does not parse hundreds of placeholders for every customer's answer."""
    table, count = quote(SurveyTally._meta.db_table), quote("count")
    columns = ", ".join(
        quote(c) for c in ("survey_id", "generation", "pillar_id", "metric", "value", "count")
    )

    def upsert(target: str, predicate: str) -> str:
        return (
            f"INSERT INTO {table} ({columns}) SELECT %s::bigint, g, p, m, v, c FROM "
            "unnest(%s::text[], %s::bigint[], %s::text[], %s::integer[], %s::integer[]) "
            f"AS u(g, p, m, v, c) ON CONFLICT ({target}) WHERE {predicate} "
            f"DO UPDATE SET {count} = {table}.{count} + excluded.{count}"
        )

    def arrays(rows: list[tuple[TallyKey, int]]) -> list[Any]:
        return [
            survey_id,
            [key[0] for key, _n in rows],
            [key[1] for key, _n in rows],
            [str(key[2]) for key, _n in rows],
            [key[3] for key, _n in rows],
            [n for _key, n in rows],
        ]

    pillar = quote("pillar_id")
    first = upsert(
        ", ".join(quote(c) for c in ("survey_id", "generation", "pillar_id", "metric", "value")),
        f"{pillar} IS NOT NULL",
    )
    second = upsert(
        ", ".join(quote(c) for c in ("survey_id", "generation", "metric", "value")),
        f"{pillar} IS NULL",
    )
    return (
        f"WITH added AS ({first} RETURNING 1) {second}",
        arrays(with_pillar) + arrays(without_pillar),
    )


def _check_response(survey_pillar_ids: set[int], response: NewResponse) -> None:
    n = len(survey_pillar_ids)
    if set(response.ranks) != survey_pillar_ids:
        raise RuleBroken(_("Every pillar of the survey needs exactly one rank."))
    if sorted(response.ranks.values()) != list(range(1, n + 1)) and not is_complete_ranking(
        response.ranks, sorted(survey_pillar_ids)
    ):
        raise RuleBroken(_("Each rank from 1 to %(n)d must be used exactly once.") % {"n": n})
    for ratings in (response.experience, response.expectation):
        if set(ratings) - survey_pillar_ids or any(not 1 <= v <= 5 for v in ratings.values()):
            raise RuleBroken(_("Ratings go from 1 to 5, for pillars of the survey only."))
    if response.nps is not None and not 0 <= response.nps <= 10:
        raise RuleBroken(_("The recommendation score goes from 0 to 10."))
    if response.ces is not None and not 1 <= response.ces <= 5:
        raise RuleBroken(_("The effort answer goes from 1 to 5."))


def record_responses(
    *,
    survey: CustomerSurvey,
    responses: Sequence[NewResponse],
    source: ResponseSource,
    pillar_ids: Collection[int] | None = None,
) -> list[int]:
    """Store customer responses with their answers and tallies, all or nothing, in bulk; returns
    the new responses' keys in the order given. ``pillar_ids``: the round's, when known."""
    survey_pillar_ids = set(
        survey.assessment.pillar_links.values_list("pillar_id", flat=True)
        if pillar_ids is None
        else pillar_ids
    )
    for response in responses:
        _check_response(survey_pillar_ids, response)
    now = timezone.now()
    counts = _tally_counts((response, source) for response in responses)
    connection = connections[router.db_for_write(CustomerResponse)]
    try:
        with transaction.atomic():
            if len(responses) == 1 and connection.vendor == "postgresql":
                created = [_insert_one_with_answers(connection, survey, responses[0], source, now)]
            else:
                created = _insert_responses(survey, responses, source, now)
                _insert_answers(
                    (
                        (
                            pk,
                            pillar_id,
                            rank,
                            response.experience.get(pillar_id),
                            response.expectation.get(pillar_id),
                        )
                        for pk, response in zip(created, responses, strict=True)
                        for pillar_id, rank in response.ranks.items()
                    ),
                    bulk=len(responses) >= COPY_FROM,
                )
            # Locks last, held only until the commit just after. Raising the round's version
            # (raw inserts send no signal) locks the round's row: one writer of the survey's
            # tallies at a time, a tally rebuild included.
            round_changed(assessment_id=survey.assessment_id)
            _add_to_tallies(survey, counts)
    except IntegrityError as exc:
        # The values were checked above: only a response id or form stored meanwhile is left.
        raise ConcurrentWrite(_("The responses could not be stored.")) from exc
    return created


# PostgreSQL writes this many responses or more with COPY; fewer (a customer's one answer) with
# plain INSERTs, one round trip each instead of COPY's set-up.
COPY_FROM = 50

_RESPONSE_COLUMNS = (
    "survey_id", "submitted_at", "source", "generation", "nps", "ces", "external_id", "form_nonce",
)  # fmt: skip


def _insert_responses(
    survey: CustomerSurvey, responses: Sequence[NewResponse], source: str, now: dt.datetime
) -> list[int]:
    """Multi-row INSERT … RETURNING without model instances (they were most of an import's
    time); the keys come back in the order of the rows, as bulk_create relies on too."""
    connection = connections[router.db_for_write(CustomerResponse)]
    quote = connection.ops.quote_name
    width = len(_RESPONSE_COLUMNS)
    max_params = connection.features.max_query_params or 65_535
    per_statement = max(1, min(1000, max_params // width))
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(CustomerResponse._meta.db_table), ", ".join(quote(c) for c in _RESPONSE_COLUMNS)
    )
    tail = " RETURNING {}".format(quote("id"))
    placeholder = "(" + ", ".join(["%s"] * width) + ")"
    if connection.vendor == "postgresql" and len(responses) >= COPY_FROM:
        return _copy_responses(connection, survey, responses, source, now)
    submitted_at = connection.ops.adapt_datetimefield_value(now)
    keys: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(responses), per_statement):
            chunk = responses[start : start + per_statement]
            params: list[Any] = []
            for r in chunk:
                # Every response gets a key, so that the app's own export (which writes it as
                # response_id) imports back without duplicating anything.
                params += [
                    survey.pk, submitted_at, str(source), r.generation, r.nps, r.ces,
                    r.external_id or new_response_key(), r.form_nonce,
                ]  # fmt: skip
            cursor.execute(head + ", ".join([placeholder] * len(chunk)) + tail, params)
            keys += [row[0] for row in cursor.fetchall()]
    if len(keys) != len(responses):  # pragma: no cover - a database without RETURNING
        raise RuleBroken(_("The responses could not be stored."))
    return keys


def _insert_one_with_answers(
    connection: Any, survey: CustomerSurvey, response: NewResponse, source: str, now: dt.datetime
) -> int:
    """PostgreSQL, one customer's answer: the response and its answers in one statement (the
    answers' INSERT reads the new key from a data-modifying WITH), one round trip instead of
    two. Returns the response's key."""
    quote = connection.ops.quote_name
    answers = [
        (pillar_id, rank, response.experience.get(pillar_id), response.expectation.get(pillar_id))
        for pillar_id, rank in response.ranks.items()
    ]
    sql = (
        "WITH new AS (INSERT INTO {responses} ({response_columns}) VALUES ({response_values}) "
        "RETURNING {id}) INSERT INTO {answers} ({answer_columns}) "
        "SELECT new.{id}, v.p, v.r, v.e, v.x FROM new, "
        "unnest(%s::bigint[], %s::integer[], %s::integer[], %s::integer[]) AS v(p, r, e, x) "
        "RETURNING {response_id}"
    ).format(
        responses=quote(CustomerResponse._meta.db_table),
        response_columns=", ".join(quote(c) for c in _RESPONSE_COLUMNS),
        response_values=", ".join(["%s"] * len(_RESPONSE_COLUMNS)),
        id=quote("id"),
        answers=quote(CustomerAnswer._meta.db_table),
        answer_columns=", ".join(quote(c) for c in _ANSWER_COLUMNS),
        response_id=quote("response_id"),
    )
    params: list[Any] = [
        survey.pk, now, str(source), response.generation, response.nps, response.ces,
        response.external_id or new_response_key(), response.form_nonce,
    ]  # fmt: skip
    params += [list(column) for column in zip(*answers, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def _copy_responses(
    connection: Any,
    survey: CustomerSurvey,
    responses: Sequence[NewResponse],
    source: str,
    now: dt.datetime,
) -> list[int]:
    """PostgreSQL: keys drawn from the table's sequence, rows sent with COPY. Client-side
    binding parses every multi-row INSERT again, which cost more than the database's work."""
    quote = connection.ops.quote_name
    table = CustomerResponse._meta.db_table
    columns = ", ".join(quote(c) for c in ("id", *_RESPONSE_COLUMNS))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(responses)],
        )
        keys = [row[0] for row in cursor.fetchall()]
        with (
            connection.wrap_database_errors,  # driver errors as Django's (IntegrityError …)
            cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy,
        ):
            for key, r in zip(keys, responses, strict=True):
                copy.write_row(
                    (key, survey.pk, now, str(source), r.generation, r.nps, r.ces,
                     r.external_id or new_response_key(), r.form_nonce)
                )  # fmt: skip
    return keys


_ANSWER_COLUMNS = ("response_id", "pillar_id", "rank", "experience", "expectation")


def _insert_answers(rows: Iterable[tuple[Any, ...]], *, bulk: bool = True) -> None:
    """Multi-row INSERTs without model instances: ten answers per response made those the cost.

    Values were validated by ``_check_response``; the table's constraints still apply.
    """
    connection = connections[router.db_for_write(CustomerAnswer)]
    quote = connection.ops.quote_name
    width = len(_ANSWER_COLUMNS)
    max_params = connection.features.max_query_params or 65_535
    per_statement = max(1, min(1000, max_params // width))
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(CustomerAnswer._meta.db_table), ", ".join(quote(c) for c in _ANSWER_COLUMNS)
    )
    placeholder = "(" + ", ".join(["%s"] * width) + ")"
    if connection.vendor == "postgresql" and bulk:
        # COPY is PostgreSQL's bulk path: one stream instead of a statement per thousand rows.
        table = quote(CustomerAnswer._meta.db_table)
        columns = ", ".join(quote(c) for c in _ANSWER_COLUMNS)
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            # Rows of whole numbers (or NULL) written as COPY text in blocks: write_row per row
            # was most of the time on the Python side.
            null = "\\N"
            lines: list[str] = []
            for a, b, c, d, e in rows:  # validated whole numbers or None
                lines.append(
                    f"{int(a)}\t{int(b)}\t{int(c)}\t{null if d is None else int(d)}\t"
                    f"{null if e is None else int(e)}"
                )
                if len(lines) >= 20_000:
                    copy.write("\n".join(lines) + "\n")
                    lines.clear()
            if lines:
                copy.write("\n".join(lines) + "\n")
        return
    if connection.vendor == "sqlite":
        # Multi-row INSERTs with sqlite3's own "?" placeholders, run on the driver's cursor:
        # Django's wrapper rewrites every long statement's "%s" with a regex first.
        import sqlite3

        sqlite_head = head.replace("%s", "?")
        sqlite_row = "(" + ", ".join(["?"] * width) + ")"
        with connection.cursor() as cursor, connection.wrap_database_errors:
            raw = cursor.cursor
            chunk: list[tuple[Any, ...]] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= per_statement:
                    sql = sqlite_head + ", ".join([sqlite_row] * len(chunk))
                    sqlite3.Cursor.execute(raw, sql, [v for r in chunk for v in r])
                    chunk.clear()
            if chunk:
                sql = sqlite_head + ", ".join([sqlite_row] * len(chunk))
                sqlite3.Cursor.execute(raw, sql, [v for r in chunk for v in r])
        return
    with connection.cursor() as cursor:
        chunk = []

        def flush() -> None:
            sql = head + ", ".join([placeholder] * len(chunk))
            cursor.execute(sql, [value for row in chunk for value in row])
            chunk.clear()

        for row in rows:
            chunk.append(row)
            if len(chunk) >= per_statement:
                flush()
        if chunk:
            flush()


def submit_web_response(
    *, survey: CustomerSurvey, response: NewResponse, pillar_ids: Collection[int] | None = None
) -> bool:
    """Store one response from the public page; False when this form was already submitted.

    A form sent twice (a double click, the back button) is refused by the unique constraint on
    its nonce, so one response is kept without a query to look for the first one."""
    if not survey.is_open:
        raise RuleBroken(_("This survey is closed."))
    try:
        record_responses(
            survey=survey, responses=[response], source=ResponseSource.WEB, pillar_ids=pillar_ids
        )
    except ConcurrentWrite:
        return False
    return True


def rebuild_tallies(*, survey: CustomerSurvey) -> int:
    """Recompute the survey's tallies from its stored answers (a repair tool, not a hot path)."""
    with transaction.atomic():
        # The round's row lock, as every writer of the tallies takes it (``record_responses``).
        round_changed(assessment_id=survey.assessment_id)
        SurveyTally.objects.filter(survey=survey).delete()
        responses: dict[int, dict[str, Any]] = {}
        sources: dict[int, str] = {}
        for pk, generation, nps, ces, source in CustomerResponse.objects.filter(
            survey=survey
        ).values_list("pk", "generation", "nps", "ces", "source"):
            sources[pk] = source
            responses[pk] = {
                "generation": generation,
                "nps": nps,
                "ces": ces,
                "ranks": {},
                "experience": {},
                "expectation": {},
            }
        answers = CustomerAnswer.objects.filter(response__survey=survey).values_list(
            "response_id", "pillar_id", "rank", "experience", "expectation"
        )
        for response_id, pillar_id, rank, experience, expectation in answers.iterator(2000):
            data = responses[response_id]
            data["ranks"][pillar_id] = rank
            if experience is not None:
                data["experience"][pillar_id] = experience
            if expectation is not None:
                data["expectation"][pillar_id] = expectation
        counts = _tally_counts((NewResponse(**data), sources[pk]) for pk, data in responses.items())
        _add_to_tallies(survey, counts)
    return len(responses)


@dataclass
class ImportOutcome:
    """What an import did: how many were written, which were already there, and the problems."""

    result: object  # imports.ParseResult
    created: int = 0
    already_imported: list[tuple[int, str]] = field(default_factory=list)  # (line, response id)
    conflicts: list[tuple[int, str]] = field(default_factory=list)  # same id, other answers
    written: bool = False
    stopped: bool = False  # cancelled between batches


OWN_ID_PREFIX = "cxp-"  # how exports name responses typed into our own survey (exports.py)
IMPORT_BATCH = 10_000


def _answers_signature(
    generation: str,
    nps: int | None,
    ranks: dict[int, int],
    experience: dict[int, int],
    expectation: dict[int, int],
    ces: int | None = None,
) -> tuple[Any, ...]:
    return (
        generation,
        nps,
        ces,
        tuple(sorted(ranks.items())),
        tuple(sorted(experience.items())),
        tuple(sorted(expectation.items())),
    )


def _stored_signatures(survey: CustomerSurvey, ids: list[str]) -> dict[str, tuple[Any, ...]]:
    """Response id -> signature of the stored answers, for the ids already in the survey."""
    own = {int(i[len(OWN_ID_PREFIX) :]): i for i in ids if _is_own_id(i)}
    found: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        found.update(
            CustomerResponse.objects.filter(survey=survey, external_id__in=chunk).values_list(
                "pk", "external_id"
            )
        )
    own_keys = list(own)
    for start in range(0, len(own_keys), 900):
        for pk in CustomerResponse.objects.filter(
            survey=survey, external_id="", pk__in=own_keys[start : start + 900]
        ).values_list("pk", flat=True):
            found[pk] = own[pk]
    if not found:
        return {}
    data: dict[int, dict[str, Any]] = {}
    keys = list(found)
    for start in range(0, len(keys), 900):
        pks = keys[start : start + 900]
        for pk, generation, nps, ces in CustomerResponse.objects.filter(pk__in=pks).values_list(
            "pk", "generation", "nps", "ces"
        ):
            data[pk] = {"generation": generation, "nps": nps, "ces": ces, "r": {}, "x": {}, "e": {}}
        for response_id, pillar_id, rank, experience, expectation in CustomerAnswer.objects.filter(
            response_id__in=pks
        ).values_list("response_id", "pillar_id", "rank", "experience", "expectation"):
            entry = data[response_id]
            entry["r"][pillar_id] = rank
            if experience is not None:
                entry["x"][pillar_id] = experience
            if expectation is not None:
                entry["e"][pillar_id] = expectation
    return {
        found[pk]: _answers_signature(d["generation"], d["nps"], d["r"], d["x"], d["e"], d["ces"])
        for pk, d in data.items()
    }


def _is_own_id(value: str) -> bool:
    digits = value[len(OWN_ID_PREFIX) :]
    return value.startswith(OWN_ID_PREFIX) and digits.isdigit() and len(digits) < 15


def import_responses(
    *,
    assessment: Assessment,
    result: ParseResult,
    skip_bad_rows: bool,
    on_batch: Callable[[int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ImportOutcome:
    """Write parsed rows; any bad or conflicting row stops the whole import unless
    ``skip_bad_rows``. A row whose id is stored with the same answers is "already imported";
    with other answers it is a conflict (reported, never overwritten).

    Rows are written in batches of IMPORT_BATCH, each in its own transaction, calling
    ``on_batch(written)`` after each and stopping early when ``should_stop()`` says so.
    A round without a survey gets one, closed, only when there is something to write.
    ``ConcurrentWrite`` when a simultaneous import stored the same ids first.
    """
    outcome = ImportOutcome(result=result)
    if result.file_errors or (result.errors and not skip_bad_rows) or not result.responses:
        return outcome
    survey = start_survey(assessment=assessment, is_open=False)  # an existing one stays as it is
    ids = [r.external_id for r in result.responses if r.external_id]
    stored = _stored_signatures(survey, ids)
    fresh = []
    for row in result.responses:
        signature = stored.get(row.external_id) if row.external_id else None
        if signature is None:
            fresh.append(row)
        elif signature == _answers_signature(
            row.generation, row.nps, row.ranks, row.experience, row.expectation, row.ces
        ):
            outcome.already_imported.append((row.line, row.external_id))
        else:
            outcome.conflicts.append((row.line, row.external_id))
    if outcome.conflicts and not skip_bad_rows:
        return outcome
    for start in range(0, len(fresh), IMPORT_BATCH):
        if should_stop is not None and should_stop():
            outcome.stopped = True
            break
        batch = fresh[start : start + IMPORT_BATCH]
        try:
            record_responses(survey=survey, responses=batch, source=ResponseSource.IMPORT)
        except ConcurrentWrite as exc:
            raise ConcurrentWrite(
                _(
                    "Another import of the same responses ran at the same time. Nothing was "
                    "written by this one after that point; import the file again to add the rest."
                )
            ) from exc
        outcome.created += len(batch)
        if on_batch is not None:
            on_batch(outcome.created)
    outcome.written = bool(outcome.created)
    return outcome


# ----------------------------------------------------------------------------- CX diagnostic


def create_diagnostic_round(*, team: Team, title: str, created_by: User | None) -> Assessment:
    """A diagnostic round with the active questions, in area order, frozen for its lifetime."""
    with transaction.atomic():
        questions = list(
            DiagnosticQuestion.objects.filter(is_active=True).order_by("area__position", "position")
        )
        if not questions:
            raise RuleBroken(_("The diagnostic has no active questions; add some in the admin."))
        try:
            with transaction.atomic():
                assessment = Assessment.objects.create(
                    team=team, title=title, created_by=created_by, framework=Framework.DIAGNOSTIC
                )
        except IntegrityError as exc:
            raise RuleBroken(
                _("This team already has a round called %(title)s. Choose another title.")
                % {"title": title}
            ) from exc
        RoundQuestion.objects.bulk_create(
            RoundQuestion(assessment=assessment, question=question, position=index)
            for index, question in enumerate(questions, start=1)
        )
        team_changed(team_id=team.pk)
    return assessment


@dataclass(frozen=True)
class DiagnosticReply:
    question_id: int
    reply: str  # Reply value
    note: str = ""


def submit_diagnostic(
    *, assessment: Assessment, user: User, replies: Sequence[DiagnosticReply]
) -> DiagnosticResponse:
    """Create or replace the colleague's diagnostic answers; every question once, all or nothing."""
    question_ids = set(assessment.question_links.values_list("question_id", flat=True))
    given = [r.question_id for r in replies]
    if len(given) != len(set(given)) or set(given) != question_ids:
        raise RuleBroken(_("Every question of the round needs exactly one answer."))
    with _refused_by_constraint(_("Answer Yes, Partly or No.")):
        _lock_open_round_for_member(
            assessment,
            user,
            closed=_("This round is closed; answers can no longer be changed."),
            outsider=_("Only members of the team can answer the diagnostic."),
        )
        now = timezone.now()
        response, created = DiagnosticResponse.objects.get_or_create(
            assessment=assessment, user=user, defaults={"submitted_at": now, "updated_at": now}
        )
        if not created:
            response.updated_at = now
            response.save(update_fields=["updated_at"])
            response.answers.all().delete()
        DiagnosticAnswer.objects.bulk_create(
            DiagnosticAnswer(
                response=response, question_id=r.question_id, reply=r.reply, note=r.note.strip()
            )
            for r in replies
        )
        round_changed(assessment_id=assessment.pk, team_id=assessment.team_id)
    return response


def assign_next_action(
    *, assessment: Assessment, question_id: int, owner: User | None
) -> NextAction | None:
    """Give a question's next action an owner from the team (None clears it)."""
    if not assessment.question_links.filter(question_id=question_id).exists():
        raise RuleBroken(_("That question is not part of this round."))
    if (
        owner is not None
        and not Membership.objects.filter(team_id=assessment.team_id, user=owner).exists()
    ):
        raise RuleBroken(_("The owner must be a member of the team."))
    with transaction.atomic():
        action, _created = NextAction.objects.update_or_create(
            assessment=assessment,
            question_id=question_id,
            defaults={"owner": owner, "updated_at": timezone.now()},
        )
        round_changed(assessment_id=assessment.pk, team_id=assessment.team_id)
    return action


# ----------------------------------------------------------------------------- CX dashboard


def set_metric_target(*, team: Team, metric: str, target: float | None) -> MetricTarget | None:
    """Set (or, with None, remove) the team's target for one metric."""
    with transaction.atomic():
        team_changed(team_id=team.pk)
        if target is None:
            MetricTarget.objects.filter(team=team, metric=metric).delete()
            return None
        with _refused_by_constraint(_("Nothing was saved: a value is outside its allowed range.")):
            result, _created = MetricTarget.objects.update_or_create(
                team=team, metric=metric, defaults={"target": target, "updated_at": timezone.now()}
            )
    return result


@dataclass(frozen=True)
class MonthValue:
    metric: str
    month: dt.date  # first day of the month
    value: float


def save_monthly_metrics(*, team: Team, values: Sequence[MonthValue], source: str) -> int:
    """Write monthly values, replacing the same (metric, month); all or nothing."""
    now = timezone.now()
    latest = {(item.metric, item.month): item.value for item in values}  # the last one wins
    with _refused_by_constraint(_("Nothing was saved: a value is outside its allowed range.")):
        MonthlyMetric.objects.bulk_create(
            [
                MonthlyMetric(
                    team=team,
                    metric=metric,
                    month=month,
                    value=value,
                    source=source,
                    updated_at=now,
                )
                for (metric, month), value in latest.items()
            ],
            update_conflicts=True,
            unique_fields=["team", "metric", "month"],
            update_fields=["value", "source", "updated_at"],
            batch_size=500,
        )
        team_changed(team_id=team.pk)
    return len(latest)
