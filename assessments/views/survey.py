"""The customer survey: the public page, the lead's management page and imports."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import charts, exports, imports, languages, page_cache, services, throttling
from ..analysis import williams_orders
from ..compiled_queries import CompiledQuery
from ..forms import CustomerSurveyForm, SurveySettingsForm
from ..models import (
    GENERATION_SHORT_NAMES,
    SOURCE_BY_CODE,
    CustomerAnswer,
    CustomerResponse,
    CustomerSurvey,
    Generation,
    Pillar,
    SurveyTally,
    TallyMetric,
)
from .access import assessment_for

NONCE_SALT = "cxpillars.survey-form"
NONCE_SLOT = "@@cxp-form-nonce@@"  # where a cached survey page gets each customer's nonce
NONCE_MAX_AGE = 60 * 60 * 24  # a form stays valid for a day
# "This browser answered survey N": the only thing the cookie says (no personal data), signed so
# it cannot be forged for another survey, and kept for a year.
ANSWERED_SALT = "cxpillars.survey-answered"
ANSWERED_MAX_AGE = 60 * 60 * 24 * 365


def _answered_cookie_name(survey: CustomerSurvey) -> str:
    return f"cxp_answered_{survey.pk}"


def _has_answered(request: HttpRequest, survey: CustomerSurvey) -> bool:
    value = request.get_signed_cookie(
        _answered_cookie_name(survey), default=None, salt=ANSWERED_SALT, max_age=ANSWERED_MAX_AGE
    )
    return value == str(survey.pk)


def _remember_answer(request: HttpRequest, response: HttpResponse, survey: CustomerSurvey) -> None:
    response.set_signed_cookie(
        _answered_cookie_name(survey),
        str(survey.pk),
        salt=ANSWERED_SALT,
        max_age=ANSWERED_MAX_AGE,
        path="/s/",
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def _already_answered(request: HttpRequest, survey: CustomerSurvey, *, status: int) -> HttpResponse:
    _survey_language(request, survey, languages.LANGUAGE_CODES)
    return render(
        request,
        "assessments/survey_answered.html",
        {"survey": survey, "may_answer_again": survey.allow_repeat_answers},
        status=status,
    )


# ----------------------------------------------------------------------------- public page


def _over_rate_limit(request: HttpRequest, survey: CustomerSurvey) -> bool:
    """Count POSTs per client and survey in the shared cache; True once over the limit."""
    limit, window = settings.CXP_SURVEY_RATE_LIMIT
    return throttling.over_limit(
        f"survey-rate:{survey.pk}:{throttling.client_ip(request)}", limit=limit, window=window
    )


def _public_survey(token: str, *, with_round: bool = True) -> CustomerSurvey:
    """The survey of a public link (404 when there is none). Every customer's GET and POST needs
    only the survey's own row (``is_open``, ``form_version``), by a compiled query; the thanks
    page takes its round too."""
    if with_round:
        survey = CustomerSurvey.objects.select_related("assessment").filter(token=token).first()
    else:
        survey = _SURVEY_BY_TOKEN.first(token=token)
    if survey is None:
        raise Http404
    return survey


# Every customer who opens the link runs this: compiled once (see ``compiled_queries``).
_SURVEY_BY_TOKEN = CompiledQuery(
    lambda token: CustomerSurvey.objects.filter(token=token), token="\x00survey-token"
)


def _use_language(request: HttpRequest, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = language


def _survey_language(request: HttpRequest, survey: CustomerSurvey | None, offered: list[str]):
    """The language to show a survey page in, and the one asked for if it cannot be offered.

    In order: the customer's switch (or the page's own language on a resubmit), the link's
    ``?lang=``, the lead's survey language, the browser's language.
    """
    requested = (
        request.POST.get("switch_language")
        or request.POST.get("language")
        or request.GET.get("lang")
        or ""
    )
    default = survey.language if survey is not None else ""
    language = languages.pick_language([requested, default, request.LANGUAGE_CODE], offered)
    _use_language(request, language)
    refused = requested if requested in languages.LANGUAGE_CODES and requested != language else ""
    return language, refused


def _unavailable(
    request: HttpRequest, *, closed: bool, survey: CustomerSurvey | None = None
) -> HttpResponse:
    _survey_language(request, survey, languages.LANGUAGE_CODES)
    return render(
        request,
        "assessments/survey_unavailable.html",
        {"closed": closed},
        status=410 if closed else 404,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def public_survey(request: HttpRequest, token: str) -> HttpResponse:
    try:
        survey = _public_survey(token, with_round=False)
    except Http404:
        return _unavailable(request, closed=False)
    if not survey.is_open:
        return _unavailable(request, closed=True, survey=survey)
    answered = _has_answered(request, survey)
    if request.method == "POST" and answered and not survey.allow_repeat_answers:
        # Back button, then Send again: the first answer stands.
        return _already_answered(request, survey, status=409)
    if (
        request.method == "GET"
        and answered
        and not (survey.allow_repeat_answers and request.GET.get("again") == "1")
    ):
        return _already_answered(request, survey, status=200)
    if request.method == "GET":
        return _survey_form_page(request, survey)
    pillars, offered = _survey_pillars(survey)
    language, refused = _survey_language(request, survey, [code for code, _name in offered])
    if request.POST.get("switch_language"):
        # Another language mid-way: the same questions, the answers given so far kept.
        form = CustomerSurveyForm(survey=survey, pillars=pillars)
        form.initial = {
            key: value
            for key in [*form.fields, "nonce"]
            if (value := request.POST.get(key)) not in (None, "")
        }
        form.initial.setdefault("nonce", _new_nonce(survey))
        status = 200
    else:
        if _over_rate_limit(request, survey):
            return render(request, "assessments/survey_rate_limited.html", status=429)
        form = CustomerSurveyForm(request.POST, survey=survey, pillars=pillars)
        if form.is_valid():
            try:
                nonce = signing.loads(
                    form.cleaned_data["nonce"], salt=NONCE_SALT, max_age=NONCE_MAX_AGE
                )
                if nonce.get("s") != survey.pk:
                    raise signing.BadSignature("form of another survey")
            except signing.BadSignature:
                form.add_error(
                    None,
                    _(
                        "This form has expired. Your answers are kept below: "
                        "please check them and send again."
                    ),
                )
                form.data = form.data.copy()
                form.data["nonce"] = _new_nonce(survey)
            else:
                try:
                    services.submit_web_response(
                        survey=survey,
                        response=form.new_response(form_nonce=nonce["n"]),
                        pillar_ids=[pillar.pk for pillar in pillars],
                    )
                except services.RuleBroken as exc:
                    form.add_error(None, str(exc))
                else:
                    # The thanks page speaks the language the survey was answered in.
                    thanks = redirect(
                        reverse("survey_thanks", args=[survey.token]) + f"?lang={language}"
                    )
                    _remember_answer(request, thanks, survey)
                    return thanks
        status = 400
    return _render_survey(request, survey, form, offered, refused, status=status)


def _render_survey(
    request: HttpRequest,
    survey: CustomerSurvey,
    form: CustomerSurveyForm,
    offered: list[tuple[str, str]],
    refused: str,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "assessments/survey_public.html",
        {
            "survey": survey,
            "form": form,
            "survey_languages": offered,
            "refused_language": dict(settings.LANGUAGES).get(refused, ""),
            "pillar_count": len(form.pillars),
            "experience_rows": form.rating_rows("experience"),
            "expectation_rows": form.rating_rows("expectation"),
            "steps": _survey_steps(survey),
        },
        status=status,
    )


def _survey_form_page(request: HttpRequest, survey: CustomerSurvey) -> HttpResponse:
    """The empty form, as a customer opening the link sees it.

    Everything on it but the CSRF token and the form's nonce is the same for every customer of
    one survey version and language, so it is rendered once per item order and cached
    (``page_cache``); the orders come from a Williams square, which balances the position of
    each pillar (and which one it follows) over the respondents, as a fresh shuffle did only on
    average. After a write to the survey's settings or the pillar texts ``form_version`` differs
    and the page is rendered anew.
    """
    version = page_cache.stamp(survey, "form_version")
    pillars, offered = _survey_pillars(survey)
    language, refused = _survey_language(request, survey, [code for code, _name in offered])
    orders = williams_orders(len(pillars))
    variant = secrets.randbelow(len(orders)) if orders else 0

    def build() -> str:
        ordered = [pillars[i] for i in orders[variant]] if orders else []
        form = CustomerSurveyForm(initial={"nonce": NONCE_SLOT}, survey=survey, pillars=ordered)
        response = _render_survey(request, survey, form, offered, refused)
        return page_cache.with_token_slot(response.content.decode(response.charset))

    html = page_cache.get_or_build(
        "survey-page",
        (version, language, refused, variant, request.get_host(), request.is_secure()),
        build,
    )
    html = page_cache.fill_token(request, html).replace(NONCE_SLOT, _new_nonce(survey), 1)
    return HttpResponse(html)


def _survey_pillars(survey: CustomerSurvey) -> tuple[list[Pillar], list[tuple[str, str]]]:
    """The round's pillars in round order and the languages the survey can be offered in,
    cached with the survey's form version (the pillar texts are part of it). Shared by every
    request of the process: read them, never change them."""

    def build() -> tuple[list[Pillar], list[tuple[str, str]]]:
        pillars = survey.assessment.round_pillars()  # the round is loaded only on a miss
        return pillars, languages.survey_languages(pillars)

    return page_cache.get_or_build(
        "survey-form-facts", page_cache.stamp(survey, "form_version"), build
    )


def _survey_steps(survey: CustomerSurvey) -> dict[str, int]:
    """The number of each part of the public form ("Step 2 of 3") and how many there are."""
    parts = ["rank"]
    if survey.ask_experience:
        parts.append("experience")
    if survey.ask_expectation:
        parts.append("expectation")
    if survey.ask_generation or survey.ask_nps:
        parts.append("about")
    steps = {part: number for number, part in enumerate(parts, start=1)}
    steps["total"] = len(parts)
    return steps


def _new_nonce(survey: CustomerSurvey) -> str:
    return signing.dumps({"s": survey.pk, "n": secrets.token_urlsafe(16)}, salt=NONCE_SALT)


@require_GET
def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    try:
        survey = _public_survey(token)
    except Http404:
        return _unavailable(request, closed=False)
    _survey_language(request, survey, languages.LANGUAGE_CODES)
    return render(request, "assessments/survey_thanks.html", {"survey": survey})


# ----------------------------------------------------------------------------- lead's page


def _survey_for(request: HttpRequest, pk: int, *, lead: bool = False, required: bool = False):
    """The round (access-checked) and its survey; with ``required``, 404 when there is none."""
    assessment = assessment_for(request, pk, lead=lead)
    survey = CustomerSurvey.objects.filter(assessment=assessment).first()
    if required and survey is None:
        raise Http404
    return assessment, survey


@login_required
@require_GET
def survey_manage(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, survey = _survey_for(request, pk)
    return render(
        request, "assessments/survey_manage.html", _manage_context(request, assessment, survey)
    )


def _manage_context(request, assessment, survey, settings_form=None) -> dict:
    context = {"assessment": assessment, "survey": survey}
    if survey is not None:
        # Counts come from the running tallies: this page costs the same at any number of
        # responses.
        by_generation: dict[str, int] = {}
        by_source: dict[str, int] = {}
        for metric, generation, value, number in SurveyTally.objects.filter(
            survey=survey, metric__in=[TallyMetric.RESPONSES, TallyMetric.SOURCE]
        ).values_list("metric", "generation", "value", "count"):
            if metric == TallyMetric.RESPONSES:
                by_generation[generation] = number
            else:
                by_source[SOURCE_BY_CODE[value]] = number
        count = sum(by_generation.values())
        public_url = request.build_absolute_uri(reverse("survey_public", args=[survey.token]))
        offered_languages = languages.survey_languages(assessment.round_pillars())
        latest = list(
            CustomerResponse.objects.filter(survey=survey).order_by("-submitted_at", "-pk")[:10]
        )
        top_choice = {
            a.response_id: a.pillar
            for a in CustomerAnswer.objects.filter(response__in=latest, rank=1).select_related(
                "pillar"
            )
        }
        generation_rows = [
            {"label": GENERATION_SHORT_NAMES[g], "count": by_generation.get(g.value, 0)}
            for g in Generation
        ]
        if by_generation.get(""):
            generation_rows.append({"label": _("Not given"), "count": by_generation[""]})
        context.update(
            {
                "count": count,
                "percent": min(100, round(count / survey.target_size * 100)),
                "by_source": [
                    {"label": label, "count": by_source.get(value, 0)}
                    for value, label in CustomerResponse._meta.get_field("source").choices
                ],
                "by_generation": generation_rows,
                "latest": [(r, top_choice.get(r.pk)) for r in latest],
                "public_url": public_url,
                "qr_code": charts.qr_code(public_url, title=_("QR code of the survey link")),
                "invitation_text": invitation_text(assessment, public_url),
                "language_links": [
                    (code, name, f"{public_url}?lang={code}") for code, name in offered_languages
                ],
                "settings_form": settings_form
                or SurveySettingsForm(instance=survey, offered_languages=offered_languages),
            }
        )
    return context


def invitation_text(assessment, public_url: str) -> str:
    """A short, ready-to-paste invitation for customers (mail, newsletter, receipt)."""
    return _(
        "What matters most to you when you deal with %(team)s?\n\n"
        "We would like to know which parts of your experience with us count most for you. "
        "It takes about two minutes, asks for no name and stores nothing that identifies you:\n"
        "%(url)s\n\n"
        "Thank you for helping us put our effort where it matters to you."
    ) % {"team": assessment.team.name, "url": public_url}


@login_required
@require_GET
def survey_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The survey link as a QR code in an SVG file, to print or put on a poster."""
    _assessment, survey = _survey_for(request, pk, required=True)
    url = request.build_absolute_uri(reverse("survey_public", args=[survey.token]))
    response = HttpResponse(
        charts.qr_code(url, title=_("QR code of the survey link"), standalone=True),
        content_type="image/svg+xml",
    )
    response["Content-Disposition"] = 'attachment; filename="survey-qr-code.svg"'
    return response


@login_required
@require_GET
def survey_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable page: the QR code large, the link written out, a line of invitation."""
    assessment, survey = _survey_for(request, pk, required=True)
    url = request.build_absolute_uri(reverse("survey_public", args=[survey.token]))
    return render(
        request,
        "assessments/survey_poster.html",
        {
            "assessment": assessment,
            "survey": survey,
            "public_url": url,
            "qr_code": charts.qr_code(url, title=_("QR code of the survey link")),
        },
    )


@login_required
@require_POST
def survey_start(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _survey = _survey_for(request, pk, lead=True)
    services.start_survey(assessment=assessment)
    messages.success(request, _("The customer survey is open. Share the link with customers."))
    return redirect("assessments:survey", pk=assessment.pk)


@login_required
@require_POST
def survey_settings(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, survey = _survey_for(request, pk, lead=True, required=True)
    form = SurveySettingsForm(
        request.POST,
        instance=survey,
        offered_languages=languages.survey_languages(assessment.round_pillars()),
    )
    if form.is_valid():
        services.save_survey_settings(survey=form.save(commit=False))
        messages.success(request, _("Survey settings saved."))
        return redirect("assessments:survey", pk=assessment.pk)
    return render(
        request,
        "assessments/survey_manage.html",
        _manage_context(request, assessment, survey, settings_form=form),
        status=400,
    )


@login_required
@require_POST
def survey_set_open(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, survey = _survey_for(request, pk, lead=True, required=True)
    services.set_survey_open(survey=survey, is_open=request.POST.get("open") == "1")
    if survey.is_open:
        messages.success(request, _("The survey is open again."))
    else:
        messages.success(request, _("The survey is closed; the link now says so politely."))
    return redirect("assessments:survey", pk=assessment.pk)


@login_required
@require_POST
def survey_regenerate_link(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, survey = _survey_for(request, pk, lead=True, required=True)
    services.regenerate_survey_link(survey=survey)
    messages.success(request, _("A new survey link was made; the old one no longer works."))
    return redirect("assessments:survey", pk=assessment.pk)


# ----------------------------------------------------------------------------- imports


@login_required
@require_GET
def survey_template(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    assessment, survey = _survey_for(request, pk)
    pillars = assessment.round_pillars()
    header, examples = imports.template_rows(
        pillars,
        experience=survey.ask_experience if survey else True,
        expectation=survey.ask_expectation if survey else True,
        generation=True,
        nps=True,
    )
    if fmt == "xlsx":
        # The examples live on a sheet of their own: only the first sheet is imported.
        body = exports.xlsx_sheets_bytes(
            [(_("Responses"), (header, [])), (_("Examples"), (header, examples))]
        )
        response = HttpResponse(body, content_type=exports.XLSX_TYPE)
    else:
        # Lines starting with "# " are comments the importer skips, so the examples never count.
        comments = [["# " + _("Example rows: lines starting with # are ignored. Delete them.")]]
        comments += [["# " + str(row[0]), *row[1:]] for row in examples]
        response = HttpResponse(
            exports.csv_text((header, comments)), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="cx-pillars-import-template.{fmt}"'
    return response
