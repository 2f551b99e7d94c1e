"""Getting the survey to customers (QR code, invitation text, poster) and reminding colleagues."""

import numpy as np
import pytest
import segno
from django.core import mail
from django.urls import reverse

from assessments import charts, services

from .conftest import make_scorecard, make_user

pytestmark = pytest.mark.usefixtures("fresh_cache")


def _modules_from_svg_path(svg: str) -> np.ndarray:
    """Read the dark modules back out of segno's one-path SVG (moves of "h" runs per row)."""
    import re

    view = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    size = int(view.group(1))
    grid = np.zeros((size, size), dtype=bool)
    path = re.search(r' d="([^"]+)"', svg).group(1)
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            run = float(a)
            grid[int(y - 0.5), int(x) : int(x + run)] = True
            x += run
    return grid


def test_qr_code_svg_holds_the_survey_url(client, survey, lead):
    import zxingcpp

    client.force_login(lead)
    html = client.get(reverse("assessments:survey", args=[survey.assessment_id])).content
    html = html.decode()
    url = "http://testserver" + reverse("survey_public", args=[survey.token])
    svg = html[html.index('<svg viewBox="0 0') : html.index("</svg>", html.index("qr-code")) + 6]
    grid = _modules_from_svg_path(svg)
    # Rasterise the modules (white quiet zone is part of the grid) and decode them.
    pixels = np.where(np.kron(grid, np.ones((8, 8), dtype=bool)), 0, 255).astype(np.uint8)
    found = zxingcpp.read_barcodes(pixels)
    assert [code.text for code in found] == [url]
    # The same content as segno's own symbol for that URL, module for module.
    expected = np.array(list(segno.make(url, error="m").matrix_iter(border=4)), dtype=bool)
    assert (grid == expected).all()


def test_qr_code_download_is_a_standalone_svg_of_the_survey_url(
    client, survey, member, django_assert_max_num_queries
):
    client.force_login(member)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("assessments:survey_qr", args=[survey.assessment_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert body.startswith("<?xml") and "<svg" in body and "QR code of the survey link" in body


def test_qr_code_escapes_its_title():
    markup = charts.qr_code("https://example.com/s/x/", title="QR <code>")
    assert "<title>QR &lt;code&gt;</title>" in markup


def test_poster_and_invitation_text_carry_the_link(
    client, survey, lead, django_assert_max_num_queries
):
    client.force_login(lead)
    url = "http://testserver" + reverse("survey_public", args=[survey.token])
    with django_assert_max_num_queries(8):
        poster = client.get(reverse("assessments:survey_poster", args=[survey.assessment_id]))
    assert poster.status_code == 200
    assert url in poster.content.decode() and "qr-code" in poster.content.decode()
    page = client.get(reverse("assessments:survey", args=[survey.assessment_id]))
    text = page.context["invitation_text"]
    assert url in text and "Acme CX" in text and "two minutes" in text


def test_sharing_pages_of_another_team_give_404(client, survey, outsider):
    client.force_login(outsider)
    for name in ["survey_qr", "survey_poster"]:
        assert (
            client.get(reverse(f"assessments:{name}", args=[survey.assessment_id])).status_code
            == 404
        )


# ----------------------------------------------------------------------------- reminders


def test_lead_reminds_only_members_who_have_not_submitted(client, team, lead, assessment):
    waiting = make_user("waiting")
    done = make_user("done")
    no_mail = make_user("no-mail")
    no_mail.email = ""
    no_mail.save()
    for user in (waiting, done, no_mail):
        team.memberships.create(user=user)
    make_scorecard(assessment, done)
    make_scorecard(assessment, lead)
    client.force_login(lead)
    response = client.post(reverse("assessments:round_remind", args=[assessment.pk]), follow=True)
    assert "Reminders sent: 1." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["waiting@example.com"]]
    assert mail.outbox[0].subject == "A reminder: your CX Pillars scorecard"
    assert f"/rounds/{assessment.pk}/scorecard/" in mail.outbox[0].body


def test_reminders_are_throttled_to_one_click_an_hour_per_round(client, team, lead, assessment):
    team.memberships.create(user=make_user("late"))
    client.force_login(lead)
    url = reverse("assessments:round_remind", args=[assessment.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "less than an hour ago" in response.content.decode()
    assert len(mail.outbox) == 2  # the lead and "late", once each


def test_members_cannot_send_reminders(client, member, assessment):
    client.force_login(member)
    assert client.post(reverse("assessments:round_remind", args=[assessment.pk])).status_code == 403
    assert mail.outbox == []


def test_a_closed_round_sends_no_reminders(client, lead, assessment):
    services.set_assessment_open(assessment=assessment, is_open=False)
    client.force_login(lead)
    response = client.post(reverse("assessments:round_remind", args=[assessment.pk]), follow=True)
    assert "This round is closed" in response.content.decode()
    assert mail.outbox == []
