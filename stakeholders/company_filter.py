"""A P3MI filter for long lists that names the company by typing, not by a <select> of every
placement company (thousands nationally: a page listing them all costs more to build and to
send than the rest of the page, and nobody scrolls it).

The field sends two GET parameters: `<name>_nama`, the text the officer types, and `<name>`,
the id of the company chosen. Without JavaScript the officer types part of a name and
presses "Terapkan": one company whose name is that text, or the only one whose name holds it,
is chosen; several make the form say so and list them (up to MAX_MATCHES) as radio buttons;
the next "Terapkan" keeps the one picked. With htmx, the text field's <datalist> is filled as
the officer types with the names that match (`stakeholders:p3mi_suggest`), so the browser's
own suggestion list (keyboard and screen reader included) offers them. The list is always
filtered by one company's id, never by a name pattern.

A link with `<name>=<id>` alone (no `<name>_nama`) chooses that company; an emptied text
field drops the filter even when an id is still in the form."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import StakeholderKind
from .models import Stakeholder

MAX_MATCHES = 20
TEXT_SUFFIX = "_nama"
MAX_LENGTH = 100


def p3mi_queryset():
    return Stakeholder.objects.filter(kind=StakeholderKind.P3MI)


def p3mi_matches(text: str, limit: int = MAX_MATCHES) -> list[Stakeholder]:
    """Up to `limit` placement companies whose name holds `text` (any case), by name. A NUL,
    which no name holds and PostgreSQL refuses in a query, is dropped."""
    text = " ".join(text.replace("\x00", "").split())
    if not text:
        return []
    return list(
        p3mi_queryset()
        .filter(name__icontains=text)
        .select_related("region")
        .only("id", "name", "region__name")
        .order_by("name", "id")[:limit]
    )


class CompanySearchInput(forms.Widget):
    """A text field (the label's target) with a <datalist> htmx fills, the chosen company's
    id in a hidden field, and, when the text matched several companies, a radio button for
    each. Built in Python: it is on the officers' most opened pages."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.matches: list[Stakeholder] = []
        self.more_matches = False

    def value_from_datadict(self, data, files, name):
        text_name = name + TEXT_SUFFIX
        return {
            "id": data.get(name) or "",
            "text": data.get(text_name),  # None: the parameter is absent (a link)
        }

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + TEXT_SUFFIX not in data

    def render(self, name, value, attrs=None, renderer=None):
        value = value or {}
        chosen_id, text = value.get("id") or "", value.get("text") or ""
        attributes = self.build_attrs(self.attrs, attrs)
        field_id = attributes.get("id") or f"id_{name}"
        list_id = f"{field_id}_saran"
        attributes.update(
            {
                "type": "text",
                "name": name + TEXT_SUFFIX,
                "id": field_id,
                "value": text,
                "list": list_id,
                "autocomplete": "off",
                "maxlength": MAX_LENGTH,
                "hx-get": reverse("stakeholders:p3mi_suggest"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{list_id}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )
        parts = [format_html("<input{}>", flatatt(attributes))]
        if chosen_id:
            parts.append(format_html('<input type="hidden" name="{}" value="{}">', name, chosen_id))
        parts.append(format_html('<datalist id="{}"></datalist>', list_id))
        if self.matches:
            radios = format_html_join(
                "",
                '<div class="form-check"><input class="form-check-input" type="radio" '
                'name="{}" value="{}" id="{}_{}"><label class="form-check-label" '
                'for="{}_{}">{}{}</label></div>',
                (
                    (
                        name,
                        match.pk,
                        field_id,
                        index,
                        field_id,
                        index,
                        match.name,
                        f" ({match.region.name})" if match.region_id else "",
                    )
                    for index, match in enumerate(self.matches, start=1)
                ),
            )
            more = (
                format_html(
                    '<p class="small mb-0">{}</p>',
                    _("Ketik nama yang lebih lengkap untuk melihat yang lain."),
                )
                if self.more_matches
                else ""
            )
            parts.append(
                format_html(
                    '<fieldset class="mt-2"><legend class="form-label small mb-1">{}</legend>'
                    "{}{}</fieldset>",
                    _("Pilih salah satu P3MI:"),
                    radios,
                    more,
                )
            )
        return format_html("{}" * len(parts), *parts)


class CompanySearchField(forms.Field):
    """Cleans to one placement company or None (see the module docstring)."""

    widget = CompanySearchInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.chosen: Stakeholder | None = None

    def clean(self, value):
        self.chosen = None
        self.widget.matches, self.widget.more_matches = [], False
        value = value or {}
        chosen_id, text = str(value.get("id") or ""), value.get("text")
        text = " ".join((text or "").split()) if text is not None else None
        if text == "" or (text is None and not chosen_id):
            return None
        if text is not None and "\x00" in text:
            ProhibitNullCharactersValidator()(text)
        if text is not None and len(text) > MAX_LENGTH:
            raise ValidationError(
                _("Nama P3MI paling banyak %(n)s karakter.") % {"n": MAX_LENGTH}, code="long"
            )
        if chosen_id:
            company = p3mi_queryset().filter(pk=chosen_id).first() if chosen_id.isdigit() else None
            # The id stands while the text still names it (the radio picked after typing
            # part of the name); text that no longer does is a new search.
            if company is not None and (text is None or text.casefold() in company.name.casefold()):
                self.chosen = company
                return company
            if text is None:
                raise ValidationError(_("P3MI yang dipilih tidak ditemukan."), code="unknown")
        matches = p3mi_matches(text, MAX_MATCHES + 1)
        exact = [m for m in matches if m.name.casefold() == text.casefold()]
        if len(exact) == 1 or len(matches) == 1:
            self.chosen = exact[0] if len(exact) == 1 else matches[0]
            return self.chosen
        if not matches:
            raise ValidationError(
                _("Tidak ada P3MI yang namanya memuat “%(text)s”.") % {"text": text},
                code="none",
            )
        self.widget.matches = matches[:MAX_MATCHES]
        self.widget.more_matches = len(matches) > MAX_MATCHES
        raise ValidationError(
            _("Beberapa P3MI cocok dengan “%(text)s”: pilih salah satu di bawah ini.")
            % {"text": text},
            code="several",
        )

    def prepare_value(self, value):
        """What the widget shows: the chosen company by its full name, else what was sent."""
        if self.chosen is not None:
            return {"id": str(self.chosen.pk), "text": self.chosen.name}
        if isinstance(value, Stakeholder):
            return {"id": str(value.pk), "text": value.name}
        if isinstance(value, dict):
            return {"id": "", "text": value.get("text") or ""}
        return {"id": "", "text": ""}


class P3miFilter(django_filters.Filter):
    """Filters `field_name` by the one placement company the officer named."""

    field_class = CompanySearchField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", gettext_lazy("P3MI"))
        kwargs.setdefault(
            "help_text", gettext_lazy("Ketik sebagian nama perusahaan, lalu pilih dari saran.")
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{self.field_name: value.pk})
