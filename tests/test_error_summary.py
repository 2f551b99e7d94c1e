from django import forms
from django.template.loader import render_to_string

from assessments.templatetags.cx_forms import ErrorLink, error_links

from .conftest import error_summary


class _Form(forms.Form):
    name = forms.CharField(label="Your name")
    score = forms.ChoiceField(label="Score", choices=[(1, "1"), (2, "2")], widget=forms.RadioSelect)
    token = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label="Note", required=False)

    def clean(self):
        self.errors["ranking"] = self.error_class(["Place every item."])
        raise forms.ValidationError("Nothing fits.")


def _failed_form() -> _Form:
    form = _Form(data={"note": "fine"})
    assert not form.is_valid()
    return form


def test_error_links_point_at_each_field_a_radio_groups_first_button_and_a_group():
    assert error_links(_failed_form()) == [
        ErrorLink("Your name", "This field is required.", "id_name"),
        ErrorLink("Score", "This field is required.", "id_score_0"),
        ErrorLink("", "Place every item.", "ranking"),
    ]


def test_summary_says_form_wide_and_hidden_field_errors_in_words_and_links_the_rest():
    html = render_to_string(
        "assessments/_error_summary.html", {"form": _failed_form(), "title": "It failed."}
    )
    summary = error_summary(html)
    assert summary.text.startswith("It failed. Nothing fits. This field is required.")
    assert summary.links == [
        ["#id_name", "Your name: This field is required."],
        ["#id_score_0", "Score: This field is required."],
        ["#ranking", "Place every item."],
    ]
    assert summary.summary_attrs["tabindex"] == "-1"
    assert summary.summary_attrs["aria-labelledby"] == "error-summary-title"


def test_no_summary_without_errors():
    html = render_to_string(
        "assessments/_error_summary.html", {"form": _Form(), "title": "It failed."}
    )
    assert html.strip() == ""
