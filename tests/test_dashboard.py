"""The team's CX dashboard: survey metrics with margins, monthly figures by hand and by import,
targets and their status, charts, exports, metrics.json, query counts and team isolation."""

import datetime as dt
import io
import math
import random
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from assessments import analysis, forms_diagnostic, metric_imports, services
from assessments.dashboard import load_dashboard
from assessments.imports import parse_responses
from assessments.metric_imports import parse_metric_csv
from assessments.models import (
    CustomerResponse,
    MetricSource,
    MetricTarget,
    MonthlyMetric,
    ResponseSource,
)

from .conftest import make_assessment


def _url(name, team, *args):
    return reverse(f"assessments:{name}", args=[team.pk, *args])


def survey_round(team, *, title="Q4", nps=(), ces=(), experience=()):
    """A pillars round whose survey has one response per given NPS (and CES/experience) value."""
    assessment = make_assessment(team, title=title)
    survey = services.start_survey(assessment=assessment)
    pillars = assessment.round_pillars()
    ranks = {p.pk: i for i, p in enumerate(pillars, start=1)}
    count = max(len(nps), len(ces), len(experience))
    responses = [
        services.NewResponse(
            ranks=ranks,
            nps=nps[i] if i < len(nps) else None,
            ces=ces[i] if i < len(ces) else None,
            experience={pillars[0].pk: experience[i]} if i < len(experience) else {},
        )
        for i in range(count)
    ]
    services.record_responses(survey=survey, responses=responses, source=ResponseSource.WEB)
    return assessment


def months(count, start=dt.date(2025, 1, 1)):
    result = []
    for i in range(count):
        year, month = divmod(start.year * 12 + start.month - 1 + i, 12)
        result.append(dt.date(year, month + 1, 1))
    return result


# ----------------------------------------------------------------------------- statistics


def test_nps_margin_matches_a_hand_computed_example():
    # 50 promoters, 30 passives, 20 detractors: NPS 30, variance .5 + .2 − .3² = .61.
    tally = {10: 50, 8: 30, 3: 20}
    assert analysis.nps(tally) == pytest.approx(30)
    assert analysis.nps_margin(tally) == pytest.approx(1.96 * 100 * math.sqrt(0.61 / 100), rel=1e-4)
    assert analysis.nps_margin({}) is None
    assert analysis.nps_margin({10: 40}) == 0


def test_nps_margin_covers_the_true_score_about_95_percent_of_the_time():
    """Seeded simulation: samples of 400 from a known score distribution (true NPS 19)."""
    rng = random.Random(16)
    weights = [0.03] * 7 + [0.2, 0.2] + [0.2, 0.19]  # scores 0–10, summing to 1
    true_nps = 100 * (sum(weights[9:]) - sum(weights[:7]))
    covered, runs, n = 0, 2000, 400
    for _ in range(runs):
        tally: dict[int, int] = {}
        for score in rng.choices(range(11), weights, k=n):
            tally[score] = tally.get(score, 0) + 1
        covered += abs(analysis.nps(tally) - true_nps) <= analysis.nps_margin(tally)
    print(f"NPS margin coverage: {covered / runs:.3f} over {runs} samples of {n}")
    assert true_nps == pytest.approx(18)
    assert 0.93 <= covered / runs <= 0.97


def test_share_margin_is_the_wald_interval_and_ces_counts_agree_answers():
    assert analysis.share_margin(50, 100) == pytest.approx(9.8, rel=1e-4)
    assert analysis.share_margin(None, 100) is None
    assert analysis.share_margin(50, 0) is None
    assert analysis.ces({5: 3, 4: 1, 2: 4}) == pytest.approx(50)
    with pytest.raises(ValueError):
        analysis.ces({6: 1})


def test_meeting_a_target_depends_on_the_direction():
    assert analysis.meets_target(30, 20, lower_is_better=False) is True
    assert analysis.meets_target(10, 20, lower_is_better=False) is False
    assert analysis.meets_target(3, 4, lower_is_better=True) is True
    assert analysis.meets_target(5, 4, lower_is_better=True) is False
    assert analysis.meets_target(None, 4, lower_is_better=True) is None
    assert analysis.meets_target(5, None, lower_is_better=True) is None


# ----------------------------------------------------------------------------- models


def test_values_outside_a_metrics_range_are_refused_by_the_database(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyMetric.objects.create(team=team, metric="nps", month=dt.date(2026, 1, 1), value=101)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyMetric.objects.create(
            team=team, metric="first_response_hours", month=dt.date(2026, 1, 1), value=-1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        MetricTarget.objects.create(team=team, metric="csat", target=120)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyMetric.objects.create(team=team, metric="mood", month=dt.date(2026, 1, 1), value=1)
    MonthlyMetric.objects.create(team=team, metric="nps", month=dt.date(2026, 1, 1), value=-100)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyMetric.objects.create(team=team, metric="nps", month=dt.date(2026, 1, 1), value=5)


REFUSED = "Nothing was saved: a value is outside its allowed range."


def test_services_turn_a_value_the_database_refuses_into_a_broken_rule_and_save_nothing(team):
    with pytest.raises(services.RuleBroken, match=re.escape(REFUSED)):
        services.set_metric_target(team=team, metric="csat", target=120)
    good = services.MonthValue("nps", dt.date(2026, 1, 1), 10)
    too_high = services.MonthValue("nps", dt.date(2026, 2, 1), 150)
    with pytest.raises(services.RuleBroken, match=re.escape(REFUSED)):
        services.save_monthly_metrics(team=team, values=[good, too_high], source="import")
    with pytest.raises(
        services.RuleBroken, match=re.escape(REFUSED)
    ):  # survey figures are never stored
        services.save_monthly_metrics(team=team, values=[good], source=MetricSource.SURVEY)
    assert not MetricTarget.objects.exists()
    assert not MonthlyMetric.objects.exists()


def test_a_ces_answer_outside_1_to_5_is_refused(team):
    assessment = make_assessment(team)
    survey = services.start_survey(assessment=assessment)
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerResponse.objects.create(survey=survey, ces=6)
    ranks = {p.pk: i for i, p in enumerate(assessment.round_pillars(), start=1)}
    with pytest.raises(services.RuleBroken):
        services.record_responses(
            survey=survey,
            responses=[services.NewResponse(ranks=ranks, ces=0)],
            source=ResponseSource.WEB,
        )


# ----------------------------------------------------------------------------- the page


def test_the_dashboard_with_no_data_says_so(client, team, lead):
    client.force_login(lead)
    response = client.get(_url("team_dashboard", team))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="no-data"' in html
    assert "<svg" not in html
    document = client.get(_url("metrics_json", team)).json()
    assert set(document["metrics"]) == {"nps", "csat", "ces", "first_response_hours"}
    assert all(m["points"] == [] and m["target"] is None for m in document["metrics"].values())


def test_one_survey_round_gives_nps_csat_and_ces_with_margins(client, team, lead):
    survey_round(
        team,
        nps=[10, 9, 8, 3] * 3,  # 6 promoters, 3 detractors of 12: NPS 25
        ces=[5, 4, 2, 1] * 3,  # 50% agree it was easy
        experience=[5, 4, 4, 1] * 3,  # 75% rate 4–5
    )
    client.force_login(lead)
    document = client.get(_url("metrics_json", team)).json()["metrics"]
    (nps,) = document["nps"]["points"]
    assert nps["value"] == pytest.approx(25)
    assert nps["margin"] == pytest.approx(analysis.nps_margin({10: 3, 9: 3, 8: 3, 3: 3}))
    assert nps["source"] == "survey"
    assert set(nps) >= {"period", "value", "margin", "source"}
    assert document["ces"]["points"][0]["value"] == pytest.approx(50)
    assert document["ces"]["points"][0]["margin"] == pytest.approx(
        1.96 * 100 * math.sqrt(0.25 / 12), rel=1e-3
    )
    assert document["csat"]["points"][0]["value"] == pytest.approx(75)
    assert document["csat"]["points"][0]["responses"] == 12
    assert document["csat"]["points"][0]["margin"] == pytest.approx(
        1.96 * 100 * math.sqrt(0.75 * 0.25 / 12), rel=1e-3
    )
    assert document["first_response_hours"]["points"] == []
    html = client.get(_url("team_dashboard", team)).content.decode()
    assert 'id="chart-nps-t"' in html and "± " in html


def test_a_missed_target_is_red_and_a_met_one_green(client, team, lead):
    services.save_monthly_metrics(
        team=team,
        values=[
            services.MonthValue("first_response_hours", dt.date(2026, 9, 1), 3.0),
            services.MonthValue("first_response_hours", dt.date(2026, 10, 1), 6.5),
            services.MonthValue("csat", dt.date(2026, 10, 1), 82),
        ],
        source=MetricSource.MANUAL,
    )
    services.set_metric_target(team=team, metric="first_response_hours", target=4)
    services.set_metric_target(team=team, metric="csat", target=80)
    client.force_login(lead)
    html = client.get(_url("team_dashboard", team)).content.decode()
    hours = html.split('data-testid="metric-first_response_hours"')[1].split("</section>")[0]
    assert "Off target" in hours and "6.5" in hours and "lower is better" in hours
    csat = html.split('data-testid="metric-csat"')[1].split("</section>")[0]
    assert "On target" in csat
    assert "target 4 h" in hours  # the target line on the chart
    document = client.get(_url("metrics_json", team)).json()["metrics"]
    assert document["first_response_hours"]["on_target"] is False
    assert document["first_response_hours"]["target"] == 4
    assert [p["value"] for p in document["first_response_hours"]["points"]] == [3.0, 6.5]
    assert document["csat"]["on_target"] is True


def test_survey_and_monthly_points_are_merged_in_time_order_with_their_source(team):
    assessment = survey_round(team, nps=[10, 10, 0])
    assessment.created_at = dt.datetime(2026, 5, 20, tzinfo=dt.UTC)
    assessment.save(update_fields=["created_at"])
    services.save_monthly_metrics(
        team=team,
        values=[
            services.MonthValue("nps", dt.date(2026, 4, 1), 10),
            services.MonthValue("nps", dt.date(2026, 6, 1), 12),
        ],
        source=MetricSource.IMPORT,
    )
    points = load_dashboard(team).get("nps").points
    assert [(p.period, p.source) for p in points] == [
        ("2026-04", "import"),
        ("2026-05", "survey"),
        ("2026-06", "import"),
    ]


def test_the_lead_sets_and_removes_a_target(client, team, lead):
    client.force_login(lead)
    response = client.post(_url("metric_target", team), {"metric": "nps", "target": "25"})
    assert response.status_code == 302
    assert MetricTarget.objects.get(team=team, metric="nps").target == 25
    client.post(_url("metric_target", team), {"metric": "nps", "target": ""})
    assert not MetricTarget.objects.filter(team=team).exists()


def test_a_bad_target_is_explained_next_to_the_field(client, team, lead):
    client.force_login(lead)
    response = client.post(_url("metric_target", team), {"metric": "csat", "target": "140"})
    assert response.status_code == 400
    assert "CSAT goes from 0 to 100." in response.content.decode()
    response = client.post(_url("metric_target", team), {"metric": "mood", "target": "1"})
    assert response.status_code == 400
    assert not MetricTarget.objects.exists()


def test_members_see_the_dashboard_but_only_leads_change_it(client, team, member):
    client.force_login(member)
    html = client.get(_url("team_dashboard", team)).content.decode()
    assert "Set target" not in html and "Import monthly figures" not in html
    assert (
        client.post(_url("metric_target", team), {"metric": "nps", "target": "1"}).status_code
        == 403
    )
    assert client.post(_url("metric_month", team), {}).status_code == 403
    assert client.post(_url("metric_import", team), {}).status_code == 403
    assert not MetricTarget.objects.exists()


def test_the_lead_enters_a_month_by_hand_and_a_bad_one_is_explained(client, team, lead):
    client.force_login(lead)
    data = {"metric": "first_response_hours", "month": "2026-10", "value": "5.5"}
    assert client.post(_url("metric_month", team), data).status_code == 302
    saved = MonthlyMetric.objects.get(team=team)
    assert (saved.month, saved.value, saved.source) == (dt.date(2026, 10, 1), 5.5, "manual")
    data["value"] = "7"
    client.post(_url("metric_month", team), data)
    assert MonthlyMetric.objects.get(team=team).value == 7  # the month is replaced
    bad = client.post(_url("metric_month", team), {"metric": "nps", "month": "Oct", "value": "x"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Enter a month as YYYY-MM" in html and "Enter a number." in html
    too_high = client.post(
        _url("metric_month", team), {"metric": "nps", "month": "2026-10", "value": "150"}
    )
    assert too_high.status_code == 400
    assert "NPS goes from -100 to 100." in too_high.content.decode()
    assert MonthlyMetric.objects.count() == 1


# ----------------------------------------------------------------------------- imports


def test_parsing_reports_every_bad_row_by_line():
    content = (
        b"month,metric,value\n"
        b"2026-01,nps,12\n"
        b"2026-13,nps,5\n"  # line 3: no such month
        b"2026-02,mood,5\n"  # line 4: unknown metric
        b"2026-02,csat,abc\n"  # line 5: not a number
        b"2026-02,csat,120\n"  # line 6: out of range
        b"2026-01,NPS,14\n"  # line 7: duplicate of line 2
        b"\n"
        b"2026-03,First response time,4.5\n"
    )
    parsed = parse_metric_csv(content)
    assert [error.line for error in parsed.errors] == [3, 4, 5, 6, 7]
    messages = {error.line: error.message for error in parsed.errors}
    assert "2026-13" in messages[3]
    assert "mood" in messages[4]
    assert "abc" in messages[5]
    assert "0 to 100" in messages[6]
    assert "line 2" in messages[7]
    assert [(v.metric, v.month, v.value) for v in parsed.values] == [
        ("nps", dt.date(2026, 1, 1), 12.0),
        ("first_response_hours", dt.date(2026, 3, 1), 4.5),
    ]
    assert not parsed.ok


def test_parsing_accepts_semicolons_percent_signs_and_decimal_commas():
    parsed = parse_metric_csv(
        "\ufeffMonth;Metric;Value\n2026-01-15;CSAT;81%\n2026-02;ces;3,5\n".encode()
    )
    assert parsed.ok
    assert [(v.metric, v.month, v.value) for v in parsed.values] == [
        ("csat", dt.date(2026, 1, 1), 81.0),
        ("ces", dt.date(2026, 2, 1), 3.5),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "must name the columns"),
        (b"when,what\n2026-01,nps\n", "must name the columns"),
        (b"month,metric,value\n", "no rows"),
        ("month,metric,value\n2026-01,nps,1\n".encode("utf-16"), "not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(content, message):
    parsed = parse_metric_csv(content)
    assert message in parsed.file_error


def _upload(text: str):
    return SimpleUploadedFile("metrics.csv", text.encode(), content_type="text/csv")


def test_an_import_with_bad_rows_writes_nothing_and_lists_them_by_line(client, team, lead):
    client.force_login(lead)
    text = "month,metric,value\n2026-01,nps,12\n2026-02,nps,-140\n2026-03,frt,x\n"
    response = client.post(_url("metric_import", team), {"file": _upload(text)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Line 3:" in html and "Line 4:" in html and "Line 2:" not in html
    assert "Nothing was imported" in html
    assert not MonthlyMetric.objects.exists()


def test_a_good_import_writes_every_row_as_imported(client, team, lead):
    client.force_login(lead)
    text = "month,metric,value\n" + "".join(
        f"{m:%Y-%m},first_response_hours,{5 + i / 10}\n" for i, m in enumerate(months(12))
    )
    response = client.post(_url("metric_import", team), {"file": _upload(text)})
    assert response.status_code == 302
    assert MonthlyMetric.objects.filter(team=team, source="import").count() == 12
    again = client.post(_url("metric_import", team), {"file": _upload(text)})
    assert again.status_code == 302
    assert MonthlyMetric.objects.filter(team=team).count() == 12  # re-import replaces


def test_an_unreadable_import_is_explained_next_to_the_file_field(client, team, lead):
    client.force_login(lead)
    response = client.post(_url("metric_import", team), {"file": _upload("hello\n")})
    assert response.status_code == 400
    assert "must name the columns" in response.content.decode()
    response = client.post(_url("metric_import", team), {})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("metric_target", {"metric": "csat", "target": "140"}),
        ("metric_month", {"metric": "nps", "month": "2026-10", "value": "150"}),
        (
            "metric_import",
            {"file": _upload("month,metric,value\n2026-01,nps,12\n2026-02,nps,-140\n")},
        ),
    ],
    ids=["target", "month", "import"],
)
def test_a_value_only_the_database_refuses_is_a_form_error_not_a_500(
    client, team, lead, monkeypatch, name, data
):
    # Should a form or the file reader ever let a value through, the constraint still refuses it.
    monkeypatch.setattr(forms_diagnostic, "check_metric_value", lambda metric, value: None)
    monkeypatch.setattr(metric_imports, "check_metric_value", lambda metric, value: None)
    client.force_login(lead)
    response = client.post(_url(name, team), data)
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not MetricTarget.objects.exists()
    assert not MonthlyMetric.objects.exists()


# ----------------------------------------------------------------------------- exports


def test_csv_and_xlsx_exports_hold_every_point(client, team, lead):
    survey_round(team, nps=[10, 0])
    services.save_monthly_metrics(
        team=team,
        values=[services.MonthValue("ces", dt.date(2026, 1, 1), 61.5)],
        source=MetricSource.MANUAL,
    )
    services.set_metric_target(team=team, metric="ces", target=70)
    client.force_login(lead)
    csv_text = b"".join(client.get(_url("metric_export", team, "csv")).streaming_content).decode(
        "utf-8-sig"
    )
    lines = csv_text.strip().splitlines()
    assert lines[0] == "metric,period,label,value,margin,source,responses,target"
    assert any(line.startswith("ces,2026-01,2026-01,61.5,,manual,,70") for line in lines)
    assert any(line.startswith("nps,") and ",survey,2," in line for line in lines)
    xlsx = client.get(_url("metric_export", team, "xlsx"))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) == len(lines)
    assert client.get(_url("metric_export", team, "pdf")).status_code == 404


# ----------------------------------------------------------------------------- isolation, cost


def test_another_teams_dashboard_and_its_writes_are_404(client, team, outsider):
    client.force_login(outsider)
    assert client.get(_url("team_dashboard", team)).status_code == 404
    assert client.get(_url("metrics_json", team)).status_code == 404
    assert client.get(_url("metric_export", team, "csv")).status_code == 404
    assert (
        client.post(_url("metric_target", team), {"metric": "nps", "target": "1"}).status_code
        == 404
    )
    assert (
        client.post(
            _url("metric_month", team), {"metric": "nps", "month": "2026-01", "value": "1"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            _url("metric_import", team), {"file": _upload("month,metric,value\n")}
        ).status_code
        == 404
    )
    assert not MetricTarget.objects.filter(team=team).exists()
    assert not MonthlyMetric.objects.exists()


def test_query_counts_do_not_grow_with_rounds_or_months(
    client, team, lead, django_assert_max_num_queries
):
    survey_round(team, title="R0", nps=[9, 5], ces=[4], experience=[5])
    services.save_monthly_metrics(
        team=team,
        values=[services.MonthValue("nps", m, 10) for m in months(2)],
        source=MetricSource.MANUAL,
    )
    client.force_login(lead)
    urls = [
        _url("team_dashboard", team),
        _url("metrics_json", team),
        _url("metric_export", team, "xlsx"),
    ]
    counts = []
    for url in urls:
        with django_assert_max_num_queries(8) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    for i in range(1, 6):
        survey_round(team, title=f"R{i}", nps=[9, 5, i], ces=[4, 2], experience=[5, 3])
    services.save_monthly_metrics(
        team=team,
        values=[
            services.MonthValue(metric, m, 10)
            for m in months(36)
            for metric in ("nps", "csat", "ces", "first_response_hours")
        ],
        source=MetricSource.IMPORT,
    )
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
    assert len(load_dashboard(team).get("nps").points) == 36 + 6


# ----------------------------------------------------------------------------- CES in the survey


def test_the_survey_asks_the_effort_question_in_the_leads_wording(client, team, lead):
    assessment = make_assessment(team)
    survey = services.start_survey(assessment=assessment)
    survey.ask_ces = True
    survey.ces_question = "Sorting out my order was easy."
    survey.save()
    page = client.get(reverse("survey_public", args=[survey.token]))
    html = page.content.decode()
    assert "Sorting out my order was easy." in html
    assert "Strongly agree" in html
    survey.ces_question = ""
    survey.save()
    html = client.get(reverse("survey_public", args=[survey.token])).content.decode()
    assert "The company made it easy for me to get what I needed." in html


def test_rebuilt_tallies_keep_the_effort_answers(team):
    assessment = survey_round(team, ces=[5, 4, 1])
    survey = assessment.survey
    before = load_dashboard(team).get("ces").points[0].value
    services.rebuild_tallies(survey=survey)
    assert load_dashboard(team).get("ces").points[0].value == before == pytest.approx(200 / 3)


def test_survey_imports_read_a_ces_column_and_report_bad_values_by_line(team, pillars):
    slugs = [p.slug for p in pillars]
    ranks = list(range(1, len(slugs) + 1))
    rows = [
        ["response_id", "Customer effort", *slugs],
        ["a", 4, *ranks],
        ["b", 9, *ranks],
        ["c", "", *ranks],
    ]
    result = parse_responses(rows, pillars)
    assert [r.ces for r in result.responses] == [4, None]
    assert [e.line for e in result.errors] == [3]
    assert "CES must be a whole number from 1 to 5" in result.errors[0].message
    assessment = make_assessment(team)
    outcome = services.import_responses(assessment=assessment, result=result, skip_bad_rows=True)
    assert outcome.created == 2
    assert load_dashboard(team).get("ces").points[0].value == pytest.approx(100)


def test_a_refused_month_keeps_what_was_typed_in_the_month_format(client, team, lead):
    client.force_login(lead)
    data = {"metric": "nps", "month": "2026-10", "value": "500"}
    html = client.post(_url("metric_month", team), data).content.decode()
    assert 'value="2026-10"' in html


def test_csat_counts_each_customer_once_for_its_margin(team):
    """Twelve customers rate two pillars each: 24 ratings, but the margin uses N = 12."""
    assessment = make_assessment(team)
    survey = services.start_survey(assessment=assessment)
    pillars = assessment.round_pillars()
    ranks = {p.pk: i for i, p in enumerate(pillars, start=1)}
    responses = [
        services.NewResponse(ranks=ranks, experience={pillars[0].pk: a, pillars[1].pk: b})
        for a, b in ((5, 4), (4, 2), (1, 5)) * 4
    ]
    services.record_responses(survey=survey, responses=responses, source=ResponseSource.WEB)
    (point,) = load_dashboard(team).get("csat").points
    assert point.value == pytest.approx(400 / 6)
    assert point.responses == 12
    assert point.margin == pytest.approx(analysis.share_margin(400 / 6, 12))


def test_survey_values_from_fewer_than_ten_answers_carry_no_margin(team):
    survey_round(team, nps=[10, 9, 8, 3] * 2, ces=[5] * 10)
    dashboard = load_dashboard(team)
    assert dashboard.get("nps").points[0].margin is None  # 8 answers
    assert dashboard.get("ces").points[0].margin == 0  # 10 answers, all agree
