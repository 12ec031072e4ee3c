"""Form widgets shared by the apps."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A <select> whose options are built in Python instead of one template render each.
    Django renders every option through a template: with the P3MI, country and region lists,
    that was half the complaint form's CPU time and a fifth of the directory's
    (benchmarks/load.py), and grows with every P3MI in a national deployment. Options are
    flat (no groups); the markup is Django's."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if key in chosen else "", label)  # noqa: S308  # nosec B308 - a constant
                for key, label in (
                    ("" if v is None else str(v), label) for v, label in self.choices
                )
            ),
        )
        attributes = {**self.build_attrs(self.attrs, attrs), "name": name}
        return format_html("<select{}>{}</select>", flatatt(attributes), options)
