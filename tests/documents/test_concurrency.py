"""Concurrent signing on PostgreSQL: distinct, consecutive letter numbers."""

import threading

import pytest
from django.db import connection, connections

from bp3mi import roles
from documents.models import Letter
from documents.services import letter_sign

from .helpers import verified_registration

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Row locks are tested on PostgreSQL (CI)."
)


def test_concurrent_signing_gives_distinct_consecutive_numbers(transactional_db, make_user):
    # The render jobs are not the point here; nothing consumes this queue.
    verifikator = make_user(roles.VERIFIKATOR)
    signers = [make_user(roles.KEPALA) for _ in range(2)]
    registrations = [verified_registration(verifikator=verifikator) for _ in range(8)]
    barrier = threading.Barrier(len(registrations))
    errors = []

    def sign(registration, signer):
        try:
            barrier.wait(timeout=30)
            letter_sign(registration=registration, by=signer)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=sign, args=(r, signers[i % 2])) for i, r in enumerate(registrations)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    serials = sorted(Letter.objects.values_list("serial", flat=True))
    assert serials == list(range(1, len(registrations) + 1))
    assert len(set(Letter.objects.values_list("number", flat=True))) == len(registrations)
