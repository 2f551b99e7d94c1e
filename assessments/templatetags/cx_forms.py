"""Form helpers for templates: what the error summary above a failed form lists."""

from dataclasses import dataclass

from django import template
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import BoundField, Form

register = template.Library()


@dataclass(frozen=True)
class ErrorLink:
    label: str  # the field's label, or "" for an error about a group of fields
    message: str
    anchor: str  # the id the summary links to


def field_anchor(field: BoundField) -> str:
    """The id a link to this field points at: its input, or a radio group's first button."""
    if field.id_for_label:
        return field.id_for_label
    subwidgets = field.subwidgets
    return subwidgets[0].id_for_label if subwidgets else field.auto_id


@register.filter
def error_links(form: Form) -> list[ErrorLink]:
    """Every error the summary links to, in the form's order.

    A field's errors link to the field; an error stored under a key that is not a field (one
    message for a whole ranking list, say) links to the element with that id.
    """
    links: list[ErrorLink] = []
    for key, messages in form.errors.items():
        if key == NON_FIELD_ERRORS:
            continue
        if key in form.fields:
            field = form[key]
            if field.is_hidden:
                continue
            label, anchor = str(field.label), field_anchor(field)
        else:
            label, anchor = "", key
        links.extend(ErrorLink(label, str(message), anchor) for message in messages)
    return links


@register.filter
def hidden_field_errors(form: Form) -> list[str]:
    """Errors of hidden fields (a form token): in words, as nothing on the page can fix them."""
    return [str(message) for field in form.hidden_fields() for message in field.errors]
