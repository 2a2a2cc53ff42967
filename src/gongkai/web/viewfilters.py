"""Template filters every page may use without ``{% load %}`` (TEMPLATES' ``builtins``)."""

from __future__ import annotations

from django import template

from gongkai.format.text import shown_or_blank

register = template.Library()


@register.filter
def blank(value: object) -> str:
    """A field left blank shown as every view shows it (``format.text.BLANK``, “—”); unlike
    Django's ``default``, a 0 stays 0."""
    return shown_or_blank(value)
