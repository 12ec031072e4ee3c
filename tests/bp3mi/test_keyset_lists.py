"""The audit log and the signing queue, which grow without bound, page by seek like the
registration list (`bp3mi.pagination.KeysetListMixin`): "next" from the first page and
"previous" from the last walk every row once, in the list's order."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bp3mi.models import AuditEvent
from bp3mi.views import AuditEventListView
from documents.views import SigningQueueView
from registrations.choices import RegistrationStatus as S
from registrations.models import Registration
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="\?([^"]*)">([^<]+)</a>')


def links(response) -> dict[str, str]:
    html = response.content.decode()
    nav = html[html.index('aria-label="Halaman"') :] if 'aria-label="Halaman"' in html else ""
    return {label: query.replace("&amp;", "&") for query, label in LINK.findall(nav)}


def walk(client, url, rows, start, direction):
    response = client.get(f"{url}?{start}")
    pages = [rows(response)]
    while direction in links(response):
        response = client.get(f"{url}?{links(response)[direction]}")
        assert response.status_code == 200
        pages.append(rows(response))
    return pages


def both_ways(client, url, rows):
    forward = [r for page in walk(client, url, rows, "", "Berikutnya") for r in page]
    backward = walk(client, url, rows, "last=1", "Sebelumnya")
    return forward, [r for page in reversed(backward) for r in page], len(backward)


def test_the_audit_log_pages_through_every_event_newest_first(client, kepala, monkeypatch):
    monkeypatch.setattr(AuditEventListView, "per_page", 3)
    same = timezone.now() - datetime.timedelta(hours=1)
    for index in range(8):
        AuditEvent.objects.create(
            action=AuditEvent.Action.VIEW,
            message=f"peristiwa {index}",
            created_at=same if index < 4 else same - datetime.timedelta(minutes=index),
        )
    client.force_login(kepala)
    expected = list(
        AuditEvent.objects.order_by("-created_at", "-id").values_list("message", flat=True)
    )

    def rows(response):
        return [event.message for event in response.context["object_list"]]

    forward, backward, pages = both_ways(client, reverse("audit_list"), rows)
    assert forward == backward == expected and pages >= 3


def test_the_signing_queue_pages_through_every_waiting_registration(client, kepala, monkeypatch):
    monkeypatch.setattr(SigningQueueView, "per_page", 2)
    RegistrationFactory.create_batch(5, status=S.VERIFIED)
    RegistrationFactory(status=S.SUBMITTED)  # not waiting for a signature
    client.force_login(kepala)
    expected = [
        r.number
        for r in Registration.objects.filter(status=S.VERIFIED).order_by("updated_at", "id")
    ]

    def rows(response):
        return [registration.number for registration in response.context["registrations"]]

    forward, backward, pages = both_ways(client, reverse("documents:signing"), rows)
    assert forward == backward == expected and pages == 3
    assert "5 pendaftaran menunggu" in client.get(reverse("documents:signing")).content.decode()
