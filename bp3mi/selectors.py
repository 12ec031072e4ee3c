"""Reads shared by every app."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import AuditEvent


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str


def _field(model, name: str):
    if model is None or "." in name:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if getattr(field, "concrete", False) else None


def _as_text(field, value, related: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(_as_text(field, item, related) for item in value)
    if isinstance(value, dict) or field is None:
        return str(value)
    if field.is_relation:
        obj = related.get(field.related_model, {}).get(value)
        return str(obj) if obj is not None else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField) or isinstance(value, bool):
        return _("ya") if value else _("tidak")
    return str(value)


def audit_change_rows(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """The events, each with `change_rows`: its changes with the field's label and the values
    as people read them (the choice's label, the related object's name instead of its id).
    Related objects are fetched with one query per related model for all the events."""
    events = list(events)
    wanted: dict[type[models.Model], set] = defaultdict(set)
    resolved = []
    for event in events:
        model = event.content_type.model_class() if event.content_type_id else None
        fields = {}
        for name, pair in (event.changes or {}).items():
            field = _field(model, name)
            fields[name] = field
            if field is not None and field.is_relation and isinstance(pair, list | tuple):
                for value in pair:
                    values = value if isinstance(value, list | tuple) else [value]
                    wanted[field.related_model].update(
                        v for v in values if isinstance(v, int | str) and v != ""
                    )
        resolved.append((event, fields))
    related = {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()}
    for event, fields in resolved:
        rows = []
        for name, pair in (event.changes or {}).items():
            field = fields[name]
            label = capfirst(str(field.verbose_name)) if field is not None else name
            if isinstance(pair, list | tuple) and len(pair) == 2:
                before, after = pair
            else:
                before, after = None, pair
            before, after = _as_text(field, before, related), _as_text(field, after, related)
            if before != after:  # None and "" both read as "—"
                rows.append(ChangeRow(label, before, after))
        event.change_rows = rows
    return events
