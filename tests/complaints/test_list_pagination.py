"""The officers' case list pages by seek (keyset) pagination, like the registration list:
every sort walks every case once forwards and backwards (deadline ties and cases without a
deadline included), filters stay in the links, and the count stops at its bound."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bp3mi import pagination
from complaints.views import CaseListView
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="\?([^"]*)">([^<]+)</a>')
URL = reverse("complaints:case_list")


@pytest.fixture
def officer(client, petugas_pengaduan, monkeypatch):
    monkeypatch.setattr(CaseListView, "per_page", 3)
    client.force_login(petugas_pengaduan)
    return client


@pytest.fixture
def cases():
    """Ten cases: four received at the same instant, deadlines shared by several, two with no
    deadline (as a finished case has none)."""
    today = timezone.localdate()
    same = timezone.now() - datetime.timedelta(days=2)
    made = []
    for index in range(10):
        made.append(
            CaseFactory(
                sensitive=False,
                received_at=same if index < 4 else same - datetime.timedelta(hours=index),
                due_date=None if index in (3, 7) else today + datetime.timedelta(days=index % 3),
            )
        )
    return made


def numbers(response) -> list[str]:
    return [case.number for case in response.context["cases"]]


def links(response) -> dict[str, str]:
    html = response.content.decode()
    nav = html[html.index('aria-label="Halaman"') :] if 'aria-label="Halaman"' in html else ""
    return {label: query.replace("&amp;", "&") for query, label in LINK.findall(nav)}


def walk(client, start: str, direction: str) -> list[list[str]]:
    response = client.get(f"{URL}?{start}")
    pages = [numbers(response)]
    while direction in links(response):
        response = client.get(f"{URL}?{links(response)[direction]}")
        assert response.status_code == 200
        pages.append(numbers(response))
    return pages


@pytest.mark.parametrize("sort", ["", "-received_at", "received_at", "due_date"])
def test_every_sort_walks_every_case_once_both_ways(officer, cases, sort):
    forward = [n for page in walk(officer, f"sort={sort}", "Berikutnya") for n in page]
    assert sorted(forward) == sorted(case.number for case in cases)
    assert len(set(forward)) == len(forward)
    backward = walk(officer, f"sort={sort}&last=1", "Sebelumnya")
    assert [n for page in reversed(backward) for n in page] == forward
    if sort == "due_date":
        by_number = {case.number: case for case in cases}
        deadlines = [by_number[n].due_date for n in forward]
        dated = [d for d in deadlines if d is not None]
        assert dated == sorted(dated) and deadlines[-2:] == [None, None]


def test_newest_first_by_default_and_filters_stay_in_the_links(officer, cases):
    first = officer.get(URL, {"status": "open"})
    assert "status=open" in links(first)["Berikutnya"]
    newest = sorted(cases, key=lambda c: (c.received_at, c.pk), reverse=True)
    assert numbers(first) == [c.number for c in newest[:3]]
    assert set(links(first)) == {"Berikutnya", "Terakhir"}


def test_a_forged_cursor_shows_the_first_page(officer, cases):
    response = officer.get(URL, {"after": "bm90LWEtY3Vyc29y"})
    assert response.status_code == 200
    assert numbers(response) == numbers(officer.get(URL))


def test_the_count_stops_at_its_bound(officer, cases, monkeypatch):
    assert "10 kasus" in officer.get(URL).content.decode()
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 5)
    monkeypatch.setattr(pagination.bounded_count, "__defaults__", (5,))
    html = officer.get(URL).content.decode()
    assert "Lebih dari 5 kasus: persempit dengan saringan untuk jumlah pastinya." in html
