from django import template

from core.identifiers import format_phone_display

register = template.Library()


@register.filter
def phone_display(value):
    """+79991234567 → +7-999-123-45-67, as the manual shows phones."""
    return format_phone_display(value)


@register.filter
def mb(size):
    """File size as the manual shows it: «1.086 Mb»."""
    if size in (None, ""):
        return ""
    return f"{int(size) / 1048576:.3f} Mb"
