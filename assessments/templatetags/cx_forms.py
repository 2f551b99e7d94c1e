"""Form helpers for templates: what the error summary above a failed form lists."""

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def fields_in_error(form) -> list[BoundField]:
    """The form's visible fields that have errors, in the form's order."""
    return [field for field in form.visible_fields() if field.errors]


@register.filter
def field_anchor(field: BoundField) -> str:
    """The id a link to this field should point at: its input, or a radio group's first button."""
    if field.id_for_label:
        return field.id_for_label
    subwidgets = field.subwidgets
    return subwidgets[0].id_for_label if subwidgets else field.auto_id
