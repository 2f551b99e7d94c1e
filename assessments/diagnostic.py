"""The CX diagnostic's result: load a round's answers (three queries), compute area scores,
disagreement and next actions with the pure functions of ``analysis``, assemble a dataclass that
the HTML page, report.json and the team's trends all read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from . import analysis
from .models import (
    Assessment,
    DiagnosticAnswer,
    DiagnosticArea,
    DiagnosticQuestion,
    DiagnosticResponse,
    NextAction,
    Reply,
    RoundQuestion,
)
from .report_json import REPORT_SCHEMA_VERSION, assessment_part

DISAGREEMENT_COUNT = 5  # the result page lists at most this many disputed questions


@dataclass
class ColleagueReply:
    username: str
    reply: str
    note: str

    @property
    def label(self):
        return Reply(self.reply).label


@dataclass
class QuestionResult:
    question: DiagnosticQuestion
    counts: analysis.ReplyCounts
    notes: list[ColleagueReply] = field(default_factory=list)  # answers that carry a note

    @property
    def score(self) -> float | None:
        return analysis.question_score(self.counts)

    @property
    def disagreement(self) -> float | None:
        return analysis.reply_disagreement(self.counts)


@dataclass
class AreaResult:
    area: DiagnosticArea
    questions: list[QuestionResult]

    @property
    def score(self) -> float | None:
        return analysis.area_score([q.counts for q in self.questions])

    @property
    def max_score(self) -> int:
        return len(self.questions)

    @property
    def share(self) -> float | None:
        """The score as a percentage of the maximum, for the bar on the page."""
        score = self.score
        return None if score is None or not self.max_score else 100 * score / self.max_score


@dataclass
class ActionRow:
    """A question at least one colleague answered No: the team's next action, with its owner."""

    question: DiagnosticQuestion
    no_count: int
    owner_id: int | None
    owner_name: str | None
    notes: list[ColleagueReply] = field(default_factory=list)  # what the No answers said


@dataclass
class DiagnosticReport:
    assessment: Assessment
    areas: list[AreaResult]
    respondents: list[str]  # usernames, in order
    responded_ids: set[int]
    next_actions: list[ActionRow] = field(default_factory=list)  # most No answers first

    @property
    def count(self) -> int:
        return len(self.respondents)

    @property
    def questions(self) -> list[QuestionResult]:
        return [q for area in self.areas for q in area.questions]

    @property
    def disputed(self) -> list[QuestionResult]:
        """The questions the colleagues disagree on most, largest disagreement first."""
        by_slug = {q.question.slug: q for q in self.questions}
        slugs = analysis.most_disagreed(
            {slug: q.counts for slug, q in by_slug.items()}, k=DISAGREEMENT_COUNT
        )
        return [by_slug[slug] for slug in slugs]


def load_diagnostic(assessment: Assessment) -> DiagnosticReport:
    """A round's diagnostic result in five queries; answers are counted in the database, so the
    cost does not grow with the number of colleagues beyond their names and notes."""
    links = list(
        RoundQuestion.objects.filter(assessment=assessment)
        .select_related("question__area")
        .order_by("question__area__position", "position")
    )
    tallies: dict[int, dict[str, int]] = defaultdict(dict)
    for question_id, reply, count in (
        DiagnosticAnswer.objects.filter(response__assessment=assessment)
        .values("question_id", "reply")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("question_id", "reply", "count")
    ):
        tallies[question_id][reply] = count
    counts = {
        question_id: analysis.ReplyCounts(
            yes=by_reply.get(Reply.YES, 0),
            partly=by_reply.get(Reply.PARTLY, 0),
            no=by_reply.get(Reply.NO, 0),
        )
        for question_id, by_reply in tallies.items()
    }
    notes: dict[int, list[ColleagueReply]] = defaultdict(list)
    for question_id, reply, note, username in (
        DiagnosticAnswer.objects.filter(response__assessment=assessment)
        .exclude(note="")
        .order_by("response__user__username", "pk")
        .values_list("question_id", "reply", "note", "response__user__username")
    ):
        notes[question_id].append(ColleagueReply(username, reply, note))
    respondents = dict(
        DiagnosticResponse.objects.filter(assessment=assessment).values_list(
            "user_id", "user__username"
        )
    )
    owners = {
        action.question_id: action
        for action in NextAction.objects.filter(assessment=assessment).select_related("owner")
    }
    return build_diagnostic(assessment, links, counts, notes, respondents, owners)


def build_diagnostic(
    assessment: Assessment,
    links: list[RoundQuestion],
    counts: dict[int, analysis.ReplyCounts],
    notes: dict[int, list[ColleagueReply]],
    respondents: dict[int, str],
    owners: dict[int, NextAction],
) -> DiagnosticReport:
    """The result from loaded rows; no queries."""
    areas: dict[int, AreaResult] = {}
    actions = []
    for link in links:
        question = link.question
        question_counts = counts.get(question.pk, analysis.ReplyCounts())
        question_notes = notes.get(question.pk, [])
        area = areas.setdefault(question.area_id, AreaResult(question.area, []))
        area.questions.append(QuestionResult(question, question_counts, question_notes))
        if question_counts.no:
            action = owners.get(question.pk)
            owner = action.owner if action else None
            actions.append(
                ActionRow(
                    question=question,
                    no_count=question_counts.no,
                    owner_id=owner.pk if owner else None,
                    owner_name=owner.get_username() if owner else None,
                    notes=[r for r in question_notes if r.reply == Reply.NO],
                )
            )
    # Most No answers first; sorted() is stable, so ties keep the questions' order.
    actions.sort(key=lambda row: -row.no_count)
    return DiagnosticReport(
        assessment=assessment,
        areas=list(areas.values()),
        respondents=sorted(respondents.values()),
        responded_ids=set(respondents),
        next_actions=actions,
    )


def diagnostic_document(report: DiagnosticReport) -> dict:
    """report.json of a diagnostic round (docs/REPORT_JSON.md, "CX diagnostic rounds")."""
    assessment = report.assessment
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "framework": assessment.framework,
        "assessment": assessment_part(assessment),
        "diagnostic": {
            "respondents": report.count,
            "areas": [
                {
                    "slug": area.area.slug,
                    "name": area.area.name,
                    "score": area.score,
                    "max_score": area.max_score,
                    "questions": [
                        {
                            "slug": q.question.slug,
                            "text": q.question.text,
                            "yes": q.counts.yes,
                            "partly": q.counts.partly,
                            "no": q.counts.no,
                            "disagreement": q.disagreement,
                        }
                        for q in area.questions
                    ],
                }
                for area in report.areas
            ],
            "most_disputed": [q.question.slug for q in report.disputed],
            "next_actions": [
                {"question": row.question.slug, "no": row.no_count, "owner": row.owner_name}
                for row in report.next_actions
            ],
        },
    }


@dataclass
class DiagnosticTrend:
    """One diagnostic round's area scores, for the team page."""

    assessment: Assessment
    respondents: int
    scores: dict[str, float | None]  # area slug -> score
    max_scores: dict[str, int]


def diagnostic_trends(
    assessments: list[Assessment],
) -> tuple[list[DiagnosticArea], list[DiagnosticTrend]]:
    """Area scores of several diagnostic rounds, oldest first, in two queries."""
    assessments = sorted(assessments, key=lambda a: (a.created_at, a.pk))
    if not assessments:
        return [], []
    links = (
        RoundQuestion.objects.filter(assessment__in=assessments)
        .select_related("question__area")
        .order_by("question__area__position", "position")
    )
    questions: dict[int, list[DiagnosticQuestion]] = defaultdict(list)
    areas: dict[int, DiagnosticArea] = {}
    for link in links:
        questions[link.assessment_id].append(link.question)
        areas.setdefault(link.question.area_id, link.question.area)
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    respondents: dict[int, set[int]] = defaultdict(set)
    rows = DiagnosticAnswer.objects.filter(response__assessment__in=assessments).values_list(
        "response__assessment_id", "question_id", "reply", "response__user_id"
    )
    for assessment_id, question_id, reply, user_id in rows:
        bucket = counts[(assessment_id, question_id)]
        bucket[reply] = bucket.get(reply, 0) + 1
        respondents[assessment_id].add(user_id)
    trends = []
    for assessment in assessments:
        by_area: dict[str, list[analysis.ReplyCounts]] = defaultdict(list)
        for question in questions[assessment.pk]:
            bucket = counts.get((assessment.pk, question.pk), {})
            by_area[areas[question.area_id].slug].append(
                analysis.ReplyCounts(
                    bucket.get(Reply.YES, 0), bucket.get(Reply.PARTLY, 0), bucket.get(Reply.NO, 0)
                )
            )
        trends.append(
            DiagnosticTrend(
                assessment=assessment,
                respondents=len(respondents[assessment.pk]),
                scores={slug: analysis.area_score(c) for slug, c in by_area.items()},
                max_scores={slug: len(c) for slug, c in by_area.items()},
            )
        )
    ordered_areas = sorted(areas.values(), key=lambda a: a.position)
    return ordered_areas, trends


def diagnostic_table(report: DiagnosticReport) -> tuple[list[str], list[list[object]]]:
    """One row per question (area, counts, score, disagreement, next-action owner) for CSV/XLSX."""
    owners = {row.question.pk: row.owner_name for row in report.next_actions}
    headers = [
        "area",
        "question",
        "text",
        "yes",
        "partly",
        "no",
        "score",
        "disagreement",
        "next_action_owner",
    ]
    rows: list[list[object]] = [
        [
            area.area.slug,
            q.question.slug,
            q.question.text,
            q.counts.yes,
            q.counts.partly,
            q.counts.no,
            q.score,
            q.disagreement,
            owners.get(q.question.pk),
        ]
        for area in report.areas
        for q in area.questions
    ]
    return headers, rows
