"""Six languages: complete catalogues, pages in each language, pillar texts per language, the
survey's language, the remembered choice, locale formats and imports in other languages."""

import csv
import gettext as gnu_gettext
import io
import os
import re
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from assessments import imports, languages, services
from assessments.imports import cells
from assessments.locale_format import decimal, p_value
from assessments.management.commands.makemessages import IGNORED
from assessments.models import (
    CustomerAnswer,
    CustomerResponse,
    Generation,
    LanguagePreference,
    Pillar,
)
from assessments.templatetags.cx_format import num, percent, pvalue, signed

from .conftest import LOCALE_DIR, make_assessment, make_scorecard

ROOT = LOCALE_DIR.parent
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
ALL = [code for code, _name in settings.LANGUAGES]


def _tr(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


# ----------------------------------------------------------------------------- catalogues


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_complete_has_no_fuzzy_entry_and_compiles(language, tmp_path):
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages?\.", statistics), statistics
    assert "#, fuzzy" not in po.read_text(encoding="utf-8")


def _catalogue_keys(po, tmp_path, *, english: bool = False) -> set:
    """The msgids of a .po file, read back through a compiled catalogue (msgen fills
    untranslated entries with their msgid so that every entry is compiled)."""
    source = po
    if english:
        source = tmp_path / "en.po"
        subprocess.run(["msgen", "-o", str(source), str(po)], check=True)
    mo = tmp_path / f"{po.parent.parent.name}-{english}.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(source)], check=True)
    with mo.open("rb") as handle:
        catalog = gnu_gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {key if isinstance(key, str) else key[0] for key in catalog if key != ""}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Today's strings of the templates and the code: makemessages into a temporary directory.

    It runs from a directory of links to the sources, so the project's own catalogues are
    neither read nor touched."""
    work = tmp_path_factory.mktemp("makemessages")
    sources, out = work / "src", work / "locale"
    sources.mkdir()
    out.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in {"locale", *IGNORED} and not entry.name.startswith("."):
            (sources / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    script = textwrap.dedent(
        f"""
        import django
        django.setup()
        from django.core.management import call_command
        from django.test.utils import override_settings
        with override_settings(LOCALE_PATHS=[{str(out)!r}]):
            call_command("makemessages", locale=["de"], symlinks=True, verbosity=0)
        """
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cxpillars.settings",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run([sys.executable, "-c", script], cwd=sources, env=env, check=True)
    return out / "de" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_of_the_code_is_in_the_catalogue_and_nothing_stale(
    language, extracted, tmp_path
):
    wanted = _catalogue_keys(extracted, tmp_path, english=True)
    have = _catalogue_keys(LOCALE_DIR / language / "LC_MESSAGES" / "django.po", tmp_path)
    assert len(wanted) > 400
    missing, stale = sorted(wanted - have), sorted(have - wanted)
    assert not missing, f"run `make makemessages` and translate: {missing[:10]}"
    assert not stale, f"run `make makemessages` to drop strings no longer used: {stale[:10]}"


def test_plural_forms_follow_each_language():
    with translation.override("ro"):
        forms = [
            translation.ngettext("%(counter)s member", "%(counter)s members", n) % {"counter": n}
            for n in (1, 2, 19, 20, 101, 120)
        ]
    assert forms == [
        "1 membru",
        "2 membri",
        "19 membri",
        "20 de membri",
        "101 membri",
        "120 de membri",
    ]
    with translation.override("ms"):
        assert translation.ngettext("%(counter)s member", "%(counter)s members", 1) == (
            translation.ngettext("%(counter)s member", "%(counter)s members", 5)
        )
    with translation.override("de"):
        assert translation.ngettext("%(counter)s member", "%(counter)s members", 2) == (
            "%(counter)s Mitglieder"
        )


# ----------------------------------------------------------------------------- pages


@pytest.fixture
def full_round(assessment, team, lead, member, pillars):
    make_scorecard(assessment, lead)
    make_scorecard(assessment, member, order=[pillars[1], pillars[0], *pillars[2:]])
    survey = services.start_survey(assessment=assessment)
    services.record_responses(
        survey=survey,
        responses=[
            services.NewResponse(ranks={p.pk: (p.position + shift) % 10 + 1 for p in pillars})
            for shift in range(6)
        ],
        source="web",
    )
    return assessment


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _assert_language(html: str, language: str, *headings: str) -> None:
    assert f'<html lang="{language}">' in html
    for heading in headings:
        translated = _tr(language, heading)
        assert translated in html, (language, heading)
        if language != "en":
            assert translated != heading, (language, heading)


@pytest.mark.parametrize("language", ALL)
def test_team_pages_show_translated_headings_under_the_right_lang(
    client, full_round, lead, pillars, language, django_assert_max_num_queries
):
    client.force_login(lead)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    pk = full_round.pk
    _assert_language(
        _html(client.get(reverse("assessments:home"), **headers)),
        language,
        "See your customer experience the way your customers do",
    )
    scorecard = _html(client.get(reverse("assessments:scorecard", args=[pk]), **headers))
    _assert_language(scorecard, language, "My scorecard", "Rank by what customers value most")
    with translation.override(language):
        assert all(escape(pillar.name) in scorecard for pillar in Pillar.objects.all())
    _assert_language(
        _html(client.get(reverse("assessments:comparison", args=[pk]), **headers)),
        language,
        "How does the team see its customers?",
        "Do we agree?",
    )
    with django_assert_max_num_queries(20):
        report = _html(client.get(reverse("assessments:report", args=[pk]), **headers))
    # Chart titles are translated with the page.
    _assert_language(
        report,
        language,
        "Team versus customers",
        "How sure can we be?",
        "Team rank versus customer rank per pillar",
    )


@pytest.mark.parametrize("language", ALL)
def test_survey_link_carries_its_language(client, full_round, pillars, language):
    html = _html(
        client.get(reverse("survey_public", args=[full_round.survey.token]), {"lang": language})
    )
    _assert_language(html, language, "What matters most to you?", "How well do we do?")
    with translation.override(language):
        labels = {p.customer_label for p in Pillar.objects.all()}
        announce = gettext("%%(name)s is now number %%(rank)s of %%(count)s.").replace("%%", "%")
    assert all(escape(label) in html for label in labels)
    # The screen-reader announcement of ranking.js comes from the page, translated.
    assert f'data-announce="{announce}"' in html


def test_login_page_is_translated_as_a_whole(client, db):
    html = _html(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de"))
    assert '<html lang="de">' in html
    assert "Anmelden" in html and "Log in" not in html


# ----------------------------------------------------------------------------- the switcher


def test_header_switcher_remembers_the_choice_on_the_account(client, lead):
    client.force_login(lead)
    home = _html(client.get(reverse("assessments:home")))
    assert 'action="/i18n/setlang/"' in home
    assert home.count('name="language"') == 1 and 'value="ro" lang="ro"' in home
    response = client.post(reverse("set_language"), {"language": "ro", "next": "/teams/"})
    assert response.status_code == 302 and response["Location"] == "/teams/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ro"
    assert LanguagePreference.objects.get(user=lead).language == "ro"
    assert '<html lang="ro">' in _html(client.get(reverse("assessments:dashboard")))


def test_sign_in_on_another_device_restores_the_language(client, lead):
    LanguagePreference.objects.create(user=lead, language="af")
    response = client.post(
        reverse("login"), {"username": lead.username, "password": "pw-for-tests-123"}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "af"
    assert '<html lang="af">' in _html(client.get(reverse("assessments:dashboard")))


def test_an_unknown_language_is_refused_and_nothing_remembered(client, lead):
    client.force_login(lead)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert not LanguagePreference.objects.exists()
    assert client.get(reverse("set_language")).status_code == 405


def test_visitors_get_their_browser_language(client, db):
    html = _html(client.get(reverse("assessments:home"), HTTP_ACCEPT_LANGUAGE="it-IT,it;q=0.9"))
    _assert_language(html, "it", "The method in four steps")


# ----------------------------------------------------------------------------- the survey


@pytest.fixture
def survey(assessment):
    cache.clear()
    return services.start_survey(assessment=assessment)


def _survey_url(survey):
    return reverse("survey_public", args=[survey.token])


def test_survey_opens_in_the_leads_language_unless_the_link_says_otherwise(client, survey):
    survey.language = "ms"
    survey.save()
    assert '<html lang="ms">' in _html(client.get(_survey_url(survey)))
    html = _html(client.get(_survey_url(survey), {"lang": "de"}))
    assert '<html lang="de">' in html
    survey.language = ""
    survey.save()
    html = _html(client.get(_survey_url(survey), HTTP_ACCEPT_LANGUAGE="ro"))
    assert '<html lang="ro">' in html


def test_a_closed_survey_says_so_in_the_survey_language(client, survey):
    survey.language = "it"
    survey.is_open = False
    survey.save()
    response = client.get(_survey_url(survey))
    assert response.status_code == 410
    _assert_language(response.content.decode(), "it", "This survey is closed")
    missing = client.get(reverse("survey_public", args=["no-such-token"]), {"lang": "af"})
    assert missing.status_code == 404
    _assert_language(missing.content.decode(), "af", "Survey not found")


def test_switching_language_mid_way_keeps_the_answers_and_stores_nothing(client, survey, pillars):
    html = _html(client.get(_survey_url(survey)))
    nonce = re.search(r'name="nonce" value="([^"]+)"', html).group(1)
    ranks = {p.pk: 11 - p.position for p in pillars}
    data = {"nonce": nonce, "language": "en", "switch_language": "ro", "generation": "gen-x"}
    data |= {f"rank_{pk}": str(rank) for pk, rank in ranks.items()}
    data[f"experience_{pillars[0].pk}"] = "4"
    html = _html(client.post(_survey_url(survey), data))
    assert '<html lang="ro">' in html
    assert "Nothing was sent" not in html and _tr("ro", "Nothing was sent yet.") not in html
    for pk, rank in ranks.items():
        select = re.search(rf'<select name="rank_{pk}".*?</select>', html, re.DOTALL).group(0)
        assert f'<option value="{rank}" selected>' in select
    # Most important first: the customer's order is kept.
    order = [int(pk) for pk in re.findall(r'<select name="rank_(\d+)"', html)]
    assert order == [p.pk for p in sorted(pillars, key=lambda p: ranks[p.pk])]
    assert re.search(r'value="gen-x"\s+checked', html)
    assert re.search(rf'name="experience_{pillars[0].pk}"[^>]*value="4"[^>]*checked', html)
    assert f'name="nonce" value="{nonce}"' in html
    assert not CustomerResponse.objects.exists()

    # Sent in Romanian: the same answers as in any language; the thanks page stays Romanian.
    data.pop("switch_language")
    data["language"] = "ro"
    response = client.post(_survey_url(survey), data)
    assert response.status_code == 302 and response["Location"].endswith("?lang=ro")
    stored = dict(CustomerAnswer.objects.values_list("pillar_id", "rank"))
    assert stored == ranks
    thanks = _html(client.get(response["Location"]))
    _assert_language(thanks, "ro", "Thank you!")


def test_form_errors_come_back_in_the_language_the_customer_chose(client, survey, pillars):
    html = _html(client.get(_survey_url(survey), {"lang": "it"}))
    nonce = re.search(r'name="nonce" value="([^"]+)"', html).group(1)
    response = client.post(_survey_url(survey), {"nonce": nonce, "language": "it"})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="it">' in html
    assert _tr("it", "Nothing was sent yet. Please check the marked answers.") in html


@pytest.fixture
def english_only_pillar(db):
    with translation.override("en"):
        return Pillar.objects.create(
            position=11,
            name="Sustainability",
            slug="sustainability",
            question="Do we act sustainably?",
            customer_label="Care for the planet",
            customer_question="Do we care for the planet?",
        )


def test_a_pillar_without_a_translation_is_flagged_and_falls_back_to_english(
    english_only_pillar, admin_client
):
    assert languages.missing_texts(english_only_pillar) == {
        code: ["name", "question", "customer_label", "customer_question"] for code in TRANSLATED
    }
    with translation.override("ro"):
        assert Pillar.objects.get(slug="sustainability").name == "Sustainability"
    changelist = _html(
        admin_client.get(reverse("admin:assessments_pillar_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    )
    assert changelist.count("missing, shown in English: af, de, it, ms, ro") == 1
    assert changelist.count(">complete<") == 10
    flagged = _html(
        admin_client.get(
            reverse("admin:assessments_pillar_changelist"), {"translations": "missing"}
        )
    )
    assert "Sustainability" in flagged and "Brand reputation" not in flagged
    change = _html(
        admin_client.get(reverse("admin:assessments_pillar_change", args=[english_only_pillar.pk]))
    )
    assert 'name="name_ro"' in change and 'name="customer_question_ms"' in change
    assert (
        "Romanian: name, self-assessment question, customer label, customer question missing"
        in (change)
    )
    seeded = Pillar.objects.get(slug="friction")
    complete = _html(admin_client.get(reverse("admin:assessments_pillar_change", args=[seeded.pk])))
    assert "Every text exists in every language." in complete


def test_a_survey_is_offered_only_in_languages_its_pillars_are_complete_in(
    client, english_only_pillar, team, lead
):
    assessment = make_assessment(team)
    survey = services.start_survey(assessment=assessment)
    html = _html(client.get(_survey_url(survey), {"lang": "ro"}))
    assert '<html lang="en">' in html
    assert "This survey is not available in Romanian yet." in html
    assert "Care for the planet" in html
    assert 'name="switch_language"' not in html  # English only: nothing to switch to
    # The lead can choose only the complete languages.
    client.force_login(lead)
    manage = _html(client.get(reverse("assessments:survey", args=[assessment.pk])))
    select = re.search(
        r'<select name="language"[^>]*id="id_language".*?</select>', manage, re.DOTALL
    )
    assert '<option value="ro"' not in select.group(0) and '<option value="en"' in select.group(0)
    response = client.post(
        reverse("assessments:survey_settings", args=[assessment.pk]),
        {"target_size": "300", "language": "ro"},
    )
    assert response.status_code == 400
    survey.refresh_from_db()
    assert survey.language == ""


def test_lead_sets_the_survey_language_and_gets_a_link_per_language(client, survey, lead):
    client.force_login(lead)
    url = reverse("assessments:survey_settings", args=[survey.assessment.pk])
    response = client.post(url, {"target_size": "300", "language": "ro", "ask_experience": "on"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.language == "ro"
    manage = _html(client.get(reverse("assessments:survey", args=[survey.assessment.pk])))
    for code in ALL:
        assert f"/s/{survey.token}/?lang={code}</code>" in manage


# ----------------------------------------------------------------------------- numbers


def test_numbers_and_p_values_share_the_locale_format():
    with translation.override("de"):
        assert (num(0.42, 2), pvalue(0.042), pvalue(0.0004)) == ("0,42", "p = 0,042", "p < 0,001")
        assert (signed(-0.5), signed(0.5), percent(0.425)) == ("−0,50", "+0,50", "42%")
    with translation.override("af"):
        assert decimal(1.25, 2) == "1,25" and p_value(0.5) == "p = 0,500"
    with translation.override("ms"):
        assert (num(0.42, 2), pvalue(0.042)) == ("0.42", "p = 0.042")
    with translation.override("en"):
        assert (num(-0.04, 1), num(None), signed(0.0)) == ("0.0", "—", "0.00")


def test_report_uses_one_decimal_separator_and_exports_stay_with_dots(client, full_round, lead):
    client.force_login(lead)
    html = _html(
        client.get(reverse("assessments:report", args=[full_round.pk]), HTTP_ACCEPT_LANGUAGE="de")
    )
    assert re.search(r"p = [01],\d{3}|p &lt; 0,001", html)
    assert not re.search(r"p = [01]\.\d{3}|p &lt; 0\.001", html)
    assert (
        _tr(
            "de",
            "Files use a dot for decimals in every language, so spreadsheets and BI tools read "
            "them the same way.",
        )
        in html
    )
    export = client.get(
        reverse("assessments:export", args=[full_round.pk, "customer-priorities", "csv"]),
        HTTP_ACCEPT_LANGUAGE="de",
    )
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(export.streaming_content).decode("utf-8-sig")
                if export.streaming
                else export.content.decode("utf-8-sig")
            )
        )
    )
    # Headers are labels in the reader's language; the numbers below them are not.
    mean_rank = rows[1][rows[0].index(_tr("de", "Mean rank (1 = most important)"))]
    assert "." in mean_rank and "," not in mean_rank
    float(mean_rank)


# ----------------------------------------------------------------------------- imports


def test_imports_read_headers_and_generations_in_every_language(db, pillars):
    for language in TRANSLATED:
        header = [getattr(p, f"name_{language}") for p in pillars] + ["Generation"]
        header[1] = getattr(pillars[1], f"customer_label_{language}")
        with translation.override(language):
            generation = str(languages.GENERATION_SHORT_NAMES[Generation.BABY_BOOMERS])
        rows = [header, [*range(1, 11), generation]]
        with translation.override("en"):
            result = imports.parse_responses(rows, pillars)
        assert result.ok, (language, result.file_errors, result.errors)
        (response,) = result.responses
        assert response.generation == Generation.BABY_BOOMERS
        assert response.ranks == {p.pk: p.position for p in pillars}
    lookup = cells.generation_lookup()
    assert lookup[imports.normalise_header("Stille Generation")] == Generation.SILENT
    assert lookup[imports.normalise_header("Generația tăcută")] == Generation.SILENT


def test_no_translated_string_hides_inside_an_f_string():
    """makemessages (xgettext) cannot see a gettext call inside an f-string's braces, so such a
    string would never reach the catalogues."""
    import tokenize

    call = re.compile(r"\b(_|gettext|gettext_lazy|ngettext|pgettext|ngettext_lazy)\(")
    found = []
    for path in [*(ROOT / "assessments").rglob("*.py"), *(ROOT / "cxpillars").rglob("*.py")]:
        with tokenize.open(path) as handle:
            for token in tokenize.generate_tokens(handle.readline):
                prefix = re.match(r"[A-Za-z]*", token.string).group(0).lower()
                if token.type == tokenize.STRING and "f" in prefix and call.search(token.string):
                    found.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert not found


def test_seeded_diagnostic_wording_reaches_the_catalogues(db):
    """The diagnostic's seeded questions are marked N_() in their migration; makemessages is
    told that keyword, so they are translated like any other string."""
    from assessments.models_diagnostic import DiagnosticArea, DiagnosticQuestion

    question = DiagnosticQuestion.objects.order_by("area__position", "position").first()
    area = DiagnosticArea.objects.order_by("position").first()
    assert question is not None and area is not None
    for language in TRANSLATED:
        with translation.override(language):
            assert question.display_text != question.text
            assert area.display_name != area.name
