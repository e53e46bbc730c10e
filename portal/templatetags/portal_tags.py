from django import template

from core.identifiers import format_phone_display

register = template.Library()


@register.filter
def phone_display(value):
    """+79991234567 → +7-999-123-45-67, as the manual shows phones."""
    return format_phone_display(value)
