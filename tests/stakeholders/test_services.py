import datetime

import pytest
from django.core import mail
from django.utils import timezone

from bp3mi.models import AuditEvent
from stakeholders.choices import LicenceStatus, OfficeType, StakeholderKind
from stakeholders.models import Licence
from stakeholders.selectors import (
    licence_expiring_list,
    stakeholder_filter_licence_status,
    stakeholder_history,
)
from stakeholders.services import (
    licence_save,
    licences_expire,
    stakeholder_create,
    stakeholder_set_active,
    stakeholder_update,
)
from stakeholders.tasks import licence_expiry_sweep
from tests.factories import LicenceFactory, StakeholderFactory, region

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def test_a_licence_reads_expired_the_day_after_its_expiry_date():
    licence = LicenceFactory(expires_on=TODAY)
    assert licence.status_on(TODAY) == LicenceStatus.ACTIVE
    assert licence.status_on(TODAY + DAY) == LicenceStatus.EXPIRED
    # Suspension and revocation are not overridden by the date.
    licence.status = LicenceStatus.REVOKED
    assert licence.status_on(TODAY + DAY) == LicenceStatus.REVOKED


def test_the_expiry_sweep_stores_expired_status_once_and_audits_it():
    due = LicenceFactory(expires_on=TODAY - DAY)
    running = LicenceFactory(expires_on=TODAY)
    suspended = LicenceFactory(expires_on=TODAY - DAY, status=LicenceStatus.SUSPENDED)

    assert licences_expire(day=TODAY) == [due.pk]
    assert licences_expire(day=TODAY) == []

    due.refresh_from_db()
    running.refresh_from_db()
    suspended.refresh_from_db()
    assert due.status == LicenceStatus.EXPIRED
    assert running.status == LicenceStatus.ACTIVE
    assert suspended.status == LicenceStatus.SUSPENDED
    [event] = stakeholder_history(stakeholder=due.stakeholder)
    assert event.changes == {"izin.status": ["aktif", "kedaluwarsa"]}
    assert event.actor is None


def test_the_daily_task_marks_expired_licences_and_mails_staff_once(staf_data, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["direktori@bp3mi.test"]
    due = LicenceFactory(expires_on=TODAY - DAY, number="UJI/KEDALUWARSA/1")

    assert licence_expiry_sweep() == [due.pk]
    assert licence_expiry_sweep() == []

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {"direktori@bp3mi.test", staf_data.email}
    assert "UJI/KEDALUWARSA/1" in message.body


def test_the_daily_task_is_scheduled_in_beat(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "stakeholders.tasks.licence_expiry_sweep" in tasks


def test_saving_a_licence_lets_its_expiry_drive_its_status(staf_data):
    stakeholder = StakeholderFactory()
    fields = {
        "kind": "sip3mi",
        "number": "UJI/1",
        "issued_on": TODAY - 400 * DAY,
        "expires_on": TODAY - DAY,
        "status": LicenceStatus.ACTIVE,
    }
    licence = licence_save(stakeholder=stakeholder, by=staf_data, fields=fields)
    assert licence.status == LicenceStatus.EXPIRED
    # Extended: active again.
    licence = licence_save(
        stakeholder=stakeholder,
        by=staf_data,
        fields={**fields, "expires_on": TODAY + 300 * DAY, "status": LicenceStatus.EXPIRED},
        licence=licence,
    )
    assert licence.status == LicenceStatus.ACTIVE


def test_create_update_and_deactivate_leave_a_history_of_who_changed_what(staf_data):
    stakeholder = stakeholder_create(
        by=staf_data,
        fields={
            "kind": StakeholderKind.P3MI,
            "name": "PT. Uji Coba Sejahtera",
            "region": region(),
            "office_type": OfficeType.BRANCH,
        },
    )
    updated = stakeholder_update(
        stakeholder=stakeholder, by=staf_data, fields={"phone": "+6281234567890"}
    )
    # Nothing differs: no write, no event.
    stakeholder_update(stakeholder=updated, by=staf_data, fields={"phone": "+6281234567890"})
    stakeholder_set_active(stakeholder=stakeholder, by=staf_data, active=False)
    stakeholder_set_active(stakeholder=stakeholder, by=staf_data, active=False)

    history = list(stakeholder_history(stakeholder=stakeholder))
    assert [e.action for e in history] == [
        AuditEvent.Action.STATUS,
        AuditEvent.Action.UPDATE,
        AuditEvent.Action.CREATE,
    ]
    assert all(e.actor == staf_data for e in history)
    assert history[1].changes == {"phone": ["", "+6281234567890"]}
    assert history[0].changes == {"is_active": [True, False]}


def test_licence_status_filter_follows_the_date():
    valid = LicenceFactory(expires_on=TODAY + 10 * DAY).stakeholder
    lapsed = LicenceFactory(expires_on=TODAY - DAY).stakeholder
    revoked = LicenceFactory(status=LicenceStatus.REVOKED).stakeholder
    qs = valid.__class__.objects.all()
    assert list(stakeholder_filter_licence_status(qs, "aktif")) == [valid]
    assert list(stakeholder_filter_licence_status(qs, "kedaluwarsa")) == [lapsed]
    assert list(stakeholder_filter_licence_status(qs, "dicabut")) == [revoked]
    # Tomorrow the licence expiring in 10 days is still valid; in 11 days it is not.
    assert valid in stakeholder_filter_licence_status(qs, "kedaluwarsa", TODAY + 11 * DAY)


def test_expiring_list_holds_active_licences_within_60_days(staf_data, cpmi_user):
    soon = LicenceFactory(expires_on=TODAY + 59 * DAY)
    LicenceFactory(expires_on=TODAY + 61 * DAY)
    LicenceFactory(expires_on=TODAY + 5 * DAY, status=LicenceStatus.SUSPENDED)
    LicenceFactory(expires_on=TODAY - DAY)
    assert list(licence_expiring_list(user=staf_data)) == [soon]
    assert not licence_expiring_list(user=cpmi_user).exists()
    assert Licence.objects.count() == 4
