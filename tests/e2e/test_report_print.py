import subprocess
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone
from django.utils.formats import date_format

from assessments.models import Assessment

from .conftest import ARTIFACTS, login


def test_the_printed_report_is_one_to_hand_to_a_director(page, pillars):
    from pypdf import PdfReader

    call_command("seed_demo", stdout=StringIO())
    q4 = Assessment.objects.get(title="Q4 2026 review")
    login(page, "lead", "demo-pass-2026")
    page.goto(f"/rounds/{q4.pk}/report/")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "report.pdf"
    page.pdf(path=str(pdf_path), format="A4", print_background=True)
    reader = PdfReader(str(pdf_path))
    pages = [p.extract_text() for p in reader.pages]
    first = " ".join(pages[0].split())
    # Page 1 says what this is, for whom, when, and on how many answers.
    assert "Team versus customers" in first
    assert "Demo CX team" in first and "Q4 2026 review" in first
    assert f"Printed {date_format(timezone.localdate(), 'DATE_FORMAT')}" in first
    assert "Survey period" in first
    assert "N = 300 customer responses" in first
    assert "How to read this report" in first
    # Page numbers on every page, no page that is mostly empty.
    count = len(pages)
    assert 2 <= count <= 8, count
    for number, text in enumerate(pages, start=1):
        assert f"{number} / {count}" in " ".join(text.split()), number
    for number, text in enumerate(pages[:-1], start=1):
        assert len(text) > 600, f"page {number} is nearly empty"
    # Pictures of the pages, to look at (pdftoppm from poppler-utils).
    if Path("/usr/bin/pdftoppm").exists():
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", str(pdf_path), str(ARTIFACTS / "report-page")],
            check=True,
        )
