"""Filters for the letter's page."""

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

# A web address ends before closing punctuation: "(www.itu.int/go/tsg11)." links only the address.
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\"]*[^\s<>()\".,;:!?]")


@register.filter(needs_autoescape=True)
def linkify(text: str, autoescape: bool = True) -> str:
    """Escape the text and link its web addresses.

    Django's urlize drops a full stop that follows a closing bracket, which a letter cannot
    afford; this keeps every character.
    """
    escape = conditional_escape if autoescape else (lambda value: value)
    parts = []
    position = 0
    for match in _URL.finditer(text):
        parts.append(escape(text[position : match.start()]))
        address = match.group(0)
        href = address if "://" in address else f"https://{address}"
        parts.append(format_html('<a href="{}">{}</a>', href, address))
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308
