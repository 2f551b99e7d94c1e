import re
from collections import defaultdict

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SCORE_LABELS, Assessment, Pillar, Team
from .services import Answer

_ANSWER_KEY = re.compile(r"^(score|rank|note)_(\d+)$")


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        help_text=gettext_lazy("Used only to reset your password."),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists."))
        return email


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name"]
        labels = {"name": gettext_lazy("Team name")}


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["title"]
        labels = {"title": gettext_lazy("Round title")}
        help_texts = {"title": gettext_lazy('For example "Q4 2026 review".')}


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=gettext_lazy("Email addresses"),
        help_text=gettext_lazy("One or more, separated by commas or new lines."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_emails(self) -> list[str]:
        raw = [e.strip() for e in re.split(r"[,;\s]+", self.cleaned_data["emails"]) if e.strip()]
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
        score_choices = [(value, f"{value} — {label}") for value, label in SCORE_LABELS.items()]
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
        known = {pillar.pk for pillar in self.pillars}
        foreign = {
            int(match.group(2))
            for key in self.data
            if (match := _ANSWER_KEY.match(key)) and int(match.group(2)) not in known
        }
        if foreign:
            raise forms.ValidationError(
                _("The form contained a pillar that is not part of this round. Reload the page.")
            )
        by_rank = defaultdict(list)
        for pillar in self.pillars:
            rank = cleaned.get(f"rank_{pillar.pk}")
            if rank is not None:
                by_rank[rank].append(pillar)
        for rank, holders in by_rank.items():
            if len(holders) > 1:
                names = ", ".join(p.name for p in holders)
                for pillar in holders:
                    self.add_error(
                        f"rank_{pillar.pk}",
                        _("Rank %(rank)d is given to more than one pillar: %(names)s.")
                        % {"rank": rank, "names": names},
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
