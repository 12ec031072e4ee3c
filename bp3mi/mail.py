"""E-mails to people, always in Bahasa Indonesia, sent by Celery after the change commits.

A service calls `queue_after_commit(task, id)` inside its transaction: the task is sent to
the broker only if the change is committed, and a broker that is down loses the e-mail
(logged), never the change itself. The task loads by id and calls a `*_notify` function
that composes and sends the message."""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

logger = logging.getLogger(__name__)


def queue_after_commit(task, *args) -> None:
    transaction.on_commit(functools.partial(_send, task, *args), robust=True)


def _send(task, *args) -> None:
    try:
        task.delay(*args)
    except Exception as exc:  # the broker is down: the change stands, the notice is lost
        logger.warning("broker unavailable (%s); e-mail %s%r not sent", exc, task.name, args)


def office_signature() -> str:
    office = settings.OFFICE
    contact = " · ".join(
        part
        for part in [
            office.get("address", ""),
            office.get("phone", ""),
            office.get("email", ""),
        ]
        if part
    )
    return f"{office['long_name']}\n{contact}".strip()


def send_in_indonesian(*, to: str, subject, body) -> int:
    """Send one plain-text e-mail; `subject` and `body` are callables rendering the text
    with Indonesian active, whatever language the request had."""
    if not to:
        return 0
    with translation.override("id"):
        return send_mail(
            str(subject()),
            str(body()) + "\n\n" + office_signature(),
            None,
            [to],
        )
