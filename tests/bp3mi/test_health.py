import time

import pytest

from bp3mi.celery import app as celery_app


@pytest.mark.django_db
def test_healthz_is_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_unreachable(client):
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    celery_app.pool.force_close_all()
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = saved
        celery_app.pool.force_close_all()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False


def broker_down_healthz(client):
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    celery_app.pool.force_close_all()
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        return response, time.monotonic() - started
    finally:
        celery_app.conf.broker_url = saved
        celery_app.pool.force_close_all()


@pytest.mark.django_db
def test_healthz_tells_anonymous_callers_neither_debug_nor_exception_classes(client):
    response, _ = broker_down_healthz(client)
    text = response.content.decode()
    assert "debug" not in response.json()
    assert "Error" not in text and "detail" not in text
    assert "redis" not in text.lower()


@pytest.mark.django_db
def test_healthz_answers_within_a_second_while_the_broker_is_down(client):
    response, elapsed = broker_down_healthz(client)
    assert response.status_code == 503
    # A bound on the broker's connect timeout, not a speed measurement: Celery's default
    # retries took two seconds here.
    assert elapsed < 1.0


@pytest.mark.django_db
def test_staff_see_how_the_broker_failed(client, admin_user):
    client.force_login(admin_user)
    response, _ = broker_down_healthz(client)
    assert response.json()["broker"]["detail"]
