"""Personal data that higher apps keep about a CPMI (their complaint cases), for the two
rights UU 27/2022 gives the person: a record of who processed their data (the access log
page) and an export of their own data.

This app sits below those apps and imports none of them: an app that keeps such data
registers a provider when it starts (`AppConfig.ready`), and the access log and the export
ask every registered provider.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from bp3mi.models import User

from .models import Applicant

# Takes the person, the ids of their registrations and the officer reading the log; returns
# {model: ids} of the objects whose audit events belong on the person's access log, only
# those the officer may see.
Records = Callable[[Applicant, Sequence[int], User], dict[type[Model], Iterable[Any]]]
# Takes the person (None before they start a registration) and their account; returns a
# JSON-ready value for their own-data export.
Export = Callable[[Applicant | None, User], Any]


@dataclass(frozen=True)
class Provider:
    """`key` names the provider's section of the export."""

    key: str
    records: Records
    export: Export


_providers: list[Provider] = []


def register_provider(*, key: str, records: Records, export: Export) -> None:
    """Register a higher app's provider (once: a second registration under the same key is
    ignored, so `ready()` may run twice in tests)."""
    if any(provider.key == key for provider in _providers):
        return
    _providers.append(Provider(key=key, records=records, export=export))


def person_records(
    *, applicant: Applicant, registration_ids: Sequence[int], user: User
) -> dict[type[Model], list[Any]]:
    """The objects the registered providers keep about this person that `user` may see."""
    found: dict[type[Model], list[Any]] = {}
    for provider in _providers:
        for model, ids in provider.records(applicant, registration_ids, user).items():
            found.setdefault(model, []).extend(ids)
    return found


def person_export(*, applicant: Applicant | None, user: User) -> dict[str, Any]:
    """Each provider's section of the person's own-data export, by key."""
    return {provider.key: provider.export(applicant, user) for provider in _providers}
