import copy
import functools
import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    CES_DEFAULT_QUESTION,
    CES_LABELS,
    SCORE_LABELS,
    Assessment,
    CustomerSurvey,
    Framework,
    Generation,
    Pillar,
    Team,
)
from .ranking import check_ranking
from .services import Answer, NewResponse, title_taken

_ANSWER_KEY = re.compile(r"^(score|rank|note)_\d")
_SURVEY_KEY = re.compile(r"^(rank|experience|expectation)_\d")
# The error key of the whole ranking list (the template shows it beside the list).
RANKING_ERROR_KEY = "ranking"


def labelled_score_choices() -> list[tuple[int, str]]:
    """1–5 with their labels ("3 — Good"), for team scores and customer ratings alike."""
    return [(value, f"{value} — {label}") for value, label in SCORE_LABELS.items()]


def check_ranking_fields(
    form: forms.Form,
    cleaned: dict,
    *,
    key_pattern: re.Pattern,
    foreign_message: str,
    label,
    duplicate_message: str,
    incomplete_message: str,
) -> None:
    """Refuse answers for pillars outside ``form.pillars``, mark every shared rank, and refuse a
    ranking in which the person did not place every item (one message, next to the list)."""
    # Compare field names as text: a posted key such as rank_<thousands of digits> is foreign,
    # and is never turned into an int.
    if any(key_pattern.match(key) and key not in form.fields for key in form.data):
        raise forms.ValidationError(foreign_message)
    ranks = {pillar: cleaned.get(f"rank_{pillar.pk}") for pillar in form.pillars}
    found = check_ranking(ranks, form.pillars)
    unplaced = [p for p in found.missing if not form.data.get(f"rank_{p.pk}")]
    if unplaced:
        # Lists start unranked: a place left empty is an item the person never placed. Say it
        # once, beside the list, instead of once per item.
        for pillar in unplaced:
            form.errors.pop(f"rank_{pillar.pk}", None)
        counts = {"placed": len(ranks) - len(unplaced), "count": len(ranks)}
        form.errors[RANKING_ERROR_KEY] = form.error_class([incomplete_message % counts])
    for rank, holders in found.shared.items():
        names = ", ".join(label(p) for p in holders)
        for pillar in holders:
            form.add_error(f"rank_{pillar.pk}", duplicate_message % {"rank": rank, "names": names})


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        help_text=gettext_lazy("Used only to reset your password."),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]

    def clean_email(self) -> str:
        # An address already in use is no error here: saying so would tell anyone which
        # addresses have accounts. The sign-up view mails that address instead.
        return self.cleaned_data["email"].strip()


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name"]
        labels = {"name": gettext_lazy("Team name")}


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["title", "framework"]
        labels = {"title": gettext_lazy("Round title"), "framework": gettext_lazy("What to ask")}
        help_texts = {"title": gettext_lazy('For example "Q4 2026 review".')}
        widgets = {"framework": forms.RadioSelect}

    def __init__(self, *args, team: Team | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["framework"].required = False  # left out: the ten pillars, as before

    def clean_framework(self) -> str:
        return self.cleaned_data.get("framework") or Framework.PILLARS

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if self.team is not None and title_taken(team=self.team, title=title):
            raise forms.ValidationError(
                _("This team already has a round called %(title)s. Choose another title.")
                % {"title": title}
            )
        return title


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=gettext_lazy("Email addresses"),
        help_text=gettext_lazy("One or more, separated by commas or new lines."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_emails(self) -> list[str]:
        raw = [e.strip() for e in re.split(r"[,;\s]+", self.cleaned_data["emails"]) if e.strip()]
        if not raw:
            raise forms.ValidationError(_("Enter at least one email address."))
        field = forms.EmailField()
        bad = []
        for email in raw:
            try:
                field.clean(email)
            except forms.ValidationError:
                bad.append(email)
        if bad:
            raise forms.ValidationError(
                _("Not an email address: %(emails)s") % {"emails": ", ".join(bad)}
            )
        if len(raw) > 50:
            raise forms.ValidationError(_("Invite at most 50 people at a time."))
        return list(dict.fromkeys(raw))


class ScorecardForm(forms.Form):
    """Score (1–5), rank (1..n) and note for every pillar of a round."""

    def __init__(self, *args, pillars: list[Pillar], **kwargs):
        super().__init__(*args, **kwargs)
        self.pillars = pillars
        n = len(pillars)
        score_choices = labelled_score_choices()
        rank_choices = [("", "—")] + [(i, str(i)) for i in range(1, n + 1)]
        for pillar in pillars:
            self.fields[f"score_{pillar.pk}"] = forms.TypedChoiceField(
                label=pillar.name,
                choices=score_choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a score from 1 to 5 for this pillar.")},
            )
            self.fields[f"rank_{pillar.pk}"] = forms.TypedChoiceField(
                label=_("Rank of %(pillar)s") % {"pillar": pillar.name},
                choices=rank_choices,
                coerce=int,
                error_messages={
                    "required": _("Give this pillar a rank from 1 to %(n)d.") % {"n": n},
                    "invalid_choice": _("Ranks go from 1 to %(n)d.") % {"n": n},
                },
            )
            self.fields[f"note_{pillar.pk}"] = forms.CharField(
                label=_("Note on %(pillar)s") % {"pillar": pillar.name},
                required=False,
                max_length=1000,
            )

    def rows(self) -> list[dict]:
        """Bound fields per pillar, for the template."""
        return [
            {
                "pillar": pillar,
                "label": pillar.name,
                "hint": "",
                "score": self[f"score_{pillar.pk}"],
                "rank": self[f"rank_{pillar.pk}"],
                "note": self[f"note_{pillar.pk}"],
            }
            for pillar in self.pillars
        ]

    def ranking_rows(self) -> list[dict]:
        """Rows in the order of the ranks chosen so far (unranked last, by position)."""
        rows = self.rows()

        def key(row):
            value = row["rank"].value()
            try:
                return (0, int(value))
            except (TypeError, ValueError):
                return (1, row["pillar"].position)

        return sorted(rows, key=key)

    def clean(self):
        cleaned = super().clean()
        check_ranking_fields(
            self,
            cleaned,
            key_pattern=_ANSWER_KEY,
            foreign_message=_(
                "The form contained a pillar that is not part of this round. Reload the page."
            ),
            label=lambda pillar: pillar.name,
            duplicate_message=_("Rank %(rank)d is given to more than one pillar: %(names)s."),
            incomplete_message=_(
                "Rank every pillar before saving: %(placed)d of %(count)d are placed. "
                "Tap them in order of importance."
            ),
        )
        return cleaned

    def answers(self) -> list[Answer]:
        return [
            Answer(
                pillar_id=pillar.pk,
                score=self.cleaned_data[f"score_{pillar.pk}"],
                rank=self.cleaned_data[f"rank_{pillar.pk}"],
                note=self.cleaned_data.get(f"note_{pillar.pk}", ""),
            )
            for pillar in self.pillars
        ]


class SurveySettingsForm(forms.ModelForm):
    class Meta:
        model = CustomerSurvey
        fields = [
            "target_size",
            "intro",
            "ask_experience",
            "ask_expectation",
            "ask_generation",
            "ask_nps",
            "allow_repeat_answers",
            "ask_ces",
            "ces_question",
            "language",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 3}),
            "ces_question": forms.TextInput(attrs={"placeholder": CES_DEFAULT_QUESTION}),
        }

    def __init__(self, *args, offered_languages: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        # Only languages in which every pillar of the round has its customer wording.
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [
            ("", _("The customer's browser language")),
            *offered_languages,
        ]

    def clean_target_size(self) -> int:
        value = self.cleaned_data["target_size"]
        if value < 1:
            raise forms.ValidationError(_("The target must be at least 1 response."))
        if value > 1_000_000:
            raise forms.ValidationError(_("The target must be at most 1,000,000 responses."))
        return value


@functools.lru_cache(maxsize=64)
def _survey_field_prototypes(language: str, n: int) -> dict[str, forms.Field]:
    """The public survey's kinds of field, built once per language and number of pillars.

    A survey form has about 30 choice fields; building each anew (choices normalised, messages
    translated) was most of the time of a customer's POST. Each form takes shallow copies.
    """
    del language  # part of the cache key: labels and messages are translated when built
    rating = forms.TypedChoiceField(
        choices=labelled_score_choices(),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    return {
        "rank": forms.TypedChoiceField(
            choices=[("", "—")] + [(i, str(i)) for i in range(1, n + 1)],
            coerce=int,
            error_messages={
                "required": _("Give this a place from 1 to %(n)d.") % {"n": n},
                "invalid_choice": _("Places go from 1 to %(n)d.") % {"n": n},
            },
        ),
        "rating": rating,
        "generation": forms.ChoiceField(
            choices=Generation.choices, required=False, widget=forms.RadioSelect
        ),
        "nps": forms.TypedChoiceField(
            choices=[(i, str(i)) for i in range(11)],
            coerce=int,
            required=False,
            empty_value=None,
            widget=forms.RadioSelect,
        ),
        "ces": forms.TypedChoiceField(
            choices=[(value, label) for value, label in CES_LABELS.items()],
            coerce=int,
            required=False,
            empty_value=None,
            widget=forms.RadioSelect,
        ),
    }


def _copied(prototype: forms.Field, label: str) -> forms.Field:
    """A field like ``prototype`` with its own label and widget (what a form may change)."""
    field = copy.copy(prototype)
    field.label = label
    field.widget = copy.copy(prototype.widget)
    field.widget.attrs = dict(prototype.widget.attrs)
    return field


class CustomerSurveyForm(forms.Form):
    """The public survey: rank the pillars in customer wording, then the optional questions."""

    nonce = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy("This form is incomplete. Please reload the page.")
        },
    )

    def __init__(self, *args, survey: CustomerSurvey, pillars: list[Pillar], **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.pillars = pillars
        proto = _survey_field_prototypes(translation.get_language() or "", len(pillars))
        for pillar in pillars:
            label = {"pillar": pillar.customer_label}
            self.fields[f"rank_{pillar.pk}"] = _copied(
                proto["rank"], _("Rank of %(pillar)s") % label
            )
            if survey.ask_experience:
                self.fields[f"experience_{pillar.pk}"] = _copied(
                    proto["rating"], _("How well do we do on: %(pillar)s") % label
                )
            if survey.ask_expectation:
                self.fields[f"expectation_{pillar.pk}"] = _copied(
                    proto["rating"], _("What did you expect on: %(pillar)s") % label
                )
        if survey.ask_generation:
            self.fields["generation"] = _copied(proto["generation"], _("Your generation"))
        if survey.ask_nps:
            self.fields["nps"] = _copied(
                proto["nps"], _("How likely are you to recommend us to a friend or colleague?")
            )
        if survey.ask_ces:
            self.fields["ces"] = _copied(proto["ces"], survey.effort_question)

    def ranking_rows(self) -> list[dict]:
        rows = [
            {
                "pillar": pillar,
                "label": pillar.customer_label,
                "hint": pillar.customer_question,
                "rank": self[f"rank_{pillar.pk}"],
            }
            for pillar in self.pillars
        ]
        if self.is_bound or any(key.startswith("rank_") for key in self.initial):
            # Keep the customer's own order when the page comes back with an error or in
            # another language.
            def key(row):
                try:
                    return (0, int(row["rank"].value()))
                except (TypeError, ValueError):
                    return (1, 0)

            rows.sort(key=key)
        return rows

    def rating_rows(self, kind: str) -> list[dict]:
        return [
            {"pillar": pillar, "field": self[f"{kind}_{pillar.pk}"]}
            for pillar in self.pillars
            if f"{kind}_{pillar.pk}" in self.fields
        ]

    def clean(self):
        cleaned = super().clean()
        check_ranking_fields(
            self,
            cleaned,
            key_pattern=_SURVEY_KEY,
            foreign_message=_(
                "The form contained something that is not part of this survey. Please reload."
            ),
            label=lambda pillar: pillar.customer_label,
            duplicate_message=_("Place %(rank)d is given more than once: %(names)s."),
            incomplete_message=_(
                "Please put every item in order before sending: %(placed)d of %(count)d are "
                "placed. Tap them in order of importance."
            ),
        )
        return cleaned

    def new_response(self, *, form_nonce: str) -> NewResponse:
        data = self.cleaned_data

        def ratings(kind: str) -> dict[int, int]:
            return {
                p.pk: data[f"{kind}_{p.pk}"]
                for p in self.pillars
                if data.get(f"{kind}_{p.pk}") is not None
            }

        return NewResponse(
            ranks={p.pk: data[f"rank_{p.pk}"] for p in self.pillars},
            experience=ratings("experience"),
            expectation=ratings("expectation"),
            generation=data.get("generation") or "",
            nps=data.get("nps"),
            ces=data.get("ces"),
            form_nonce=form_nonce,
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or Excel file"),
        help_text=gettext_lazy(
            "The export of your survey tool as it is, or a spreadsheet with one row per "
            "respondent. Nothing is imported before you check how it will be read."
        ),
    )
    skip_bad_rows = forms.BooleanField(
        label=gettext_lazy("Skip bad rows and import the rest"),
        required=False,
        help_text=gettext_lazy("Otherwise a file with any bad row imports nothing."),
    )
