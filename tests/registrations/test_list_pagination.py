"""The officers' registration list pages by seek (keyset) pagination: "next" continues after
the last row shown, "previous" comes back, ties on the sort key are neither lost nor repeated,
the filters stay in every link, and the query count is the same on every page."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bp3mi import pagination
from registrations.choices import RegistrationStatus as S
from registrations.models import Registration
from registrations.views import RegistrationListView
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="\?([^"]*)">([^<]+)</a>')


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(RegistrationListView, "per_page", 3)


@pytest.fixture
def officer(client, verifikator):
    client.force_login(verifikator)
    return client


@pytest.fixture
def registrations():
    """Eleven submitted registrations: seven submitted at the same instant (ties), four at
    other times, and two drafts (no submission time)."""
    same = timezone.now() - datetime.timedelta(days=3)
    made = [RegistrationFactory(status=S.SUBMITTED, submitted_at=same) for _ in range(7)]
    for days in (1, 2, 5, 9):
        made.append(
            RegistrationFactory(
                status=S.VERIFIED, submitted_at=timezone.now() - datetime.timedelta(days=days)
            )
        )
    RegistrationFactory.create_batch(2, status=S.DRAFT)
    return made


def rows(response) -> list[str]:
    return [str(reg) for reg in response.context["registrations"]]


def links(response) -> dict[str, str]:
    """The pagination links by their label: query strings."""
    html = response.content.decode()
    nav = html[html.index('aria-label="Halaman"') :] if 'aria-label="Halaman"' in html else ""
    return {label: query.replace("&amp;", "&") for query, label in LINK.findall(nav)}


def walk(client, params, direction="Berikutnya", start=None):
    url = reverse("registrations:list")
    response = client.get(f"{url}?{start}") if start is not None else client.get(url, params)
    pages = [rows(response)]
    while direction in links(response):
        response = client.get(f"{url}?{links(response)[direction]}")
        assert response.status_code == 200
        pages.append(rows(response))
    return pages


def test_next_walks_every_registration_once_in_order_across_ties(
    officer, registrations, small_pages
):
    pages = walk(officer, {})
    seen = [number for page in pages for number in page]
    expected = [
        str(r)
        for r in Registration.objects.exclude(status=S.DRAFT).order_by("-submitted_at", "-id")
    ]
    assert seen == expected
    assert len(seen) == 11 and len(set(seen)) == 11
    assert [len(page) for page in pages] == [3, 3, 3, 2]


def test_previous_from_the_last_page_comes_back_through_the_same_pages(
    officer, registrations, small_pages
):
    forward = walk(officer, {})
    backward = walk(officer, {}, direction="Sebelumnya", start="last=1")
    # The last page holds the last rows: from there, "previous" shows full pages of three.
    flat_forward = [n for page in forward for n in page]
    flat_backward = [n for page in reversed(backward) for n in page]
    assert flat_backward == flat_forward
    assert backward[0] == flat_forward[-3:]
    assert all(len(page) == 3 for page in backward[:-1])


def test_first_page_has_no_previous_and_last_page_no_next(officer, registrations, small_pages):
    first = officer.get(reverse("registrations:list"))
    assert set(links(first)) == {"Berikutnya", "Terakhir"}
    last = officer.get(reverse("registrations:list"), {"last": "1"})
    assert set(links(last)) == {"Pertama", "Sebelumnya"}


@pytest.mark.parametrize(
    "sort", ["-submitted_at", "submitted_at", "number", "applicant__full_name"]
)
def test_every_sort_pages_through_all_rows_once(officer, registrations, small_pages, sort):
    for index, registration in enumerate(registrations):
        # Names with ties too.
        registration.applicant.full_name = f"Nama {index % 3}"
        registration.applicant.save(update_fields=["full_name"])
    pages = walk(officer, {"sort": sort})
    seen = [number for page in pages for number in page]
    assert sorted(seen) == sorted(str(r) for r in registrations)
    assert len(set(seen)) == len(seen)
    back = walk(officer, {"sort": sort}, direction="Sebelumnya", start=f"sort={sort}&last=1")
    assert [n for page in reversed(back) for n in page] == seen


def test_filters_stay_in_the_links_and_every_page_matches_them(officer, registrations, small_pages):
    pages = walk(officer, {"status": S.SUBMITTED})
    seen = [number for page in pages for number in page]
    assert sorted(seen) == sorted(str(r) for r in registrations if r.status == S.SUBMITTED)
    response = officer.get(reverse("registrations:list"), {"status": S.SUBMITTED})
    assert "status=diajukan" in links(response)["Berikutnya"]


def test_drafts_without_a_submission_time_page_too(officer, small_pages):
    drafts = RegistrationFactory.create_batch(7, status=S.DRAFT)
    pages = walk(officer, {"status": S.DRAFT})
    assert sorted(n for page in pages for n in page) == sorted(str(r) for r in drafts)
    assert [len(page) for page in pages] == [3, 3, 1]


def test_a_chosen_status_pages_through_dated_and_undated_rows_both_ways(officer, small_pages):
    """Withdrawn before submission: no submission time, no number. They come after the
    dated ones, in every sort, and "previous" comes back through them."""
    dated = [
        RegistrationFactory(
            status=S.WITHDRAWN, submitted_at=timezone.now() - datetime.timedelta(days=d)
        )
        for d in (1, 2, 3, 4)
    ]
    undated = RegistrationFactory.create_batch(4, status=S.WITHDRAWN, submitted_at=None)
    for sort in ["-submitted_at", "submitted_at"]:
        pages = walk(officer, {"status": S.WITHDRAWN, "sort": sort})
        seen = [n for page in pages for n in page]
        assert len(seen) == 8 and len(set(seen)) == 8
        assert set(seen[4:]) == {str(r) for r in undated}
        assert set(seen[:4]) == {str(r) for r in dated}
        back = walk(
            officer, {}, direction="Sebelumnya", start=f"status={S.WITHDRAWN}&sort={sort}&last=1"
        )
        assert [n for page in reversed(back) for n in page] == seen
    # Not in the default list, which holds submitted registrations.
    default = [n for page in walk(officer, {}) for n in page]
    assert not set(default) & {str(r) for r in undated}


def test_a_forged_cursor_shows_the_first_page(officer, registrations, small_pages):
    first = rows(officer.get(reverse("registrations:list")))
    for forged in ["not-a-cursor", "WzEsMl0", "eyJ4IjoxfQ", "WyJ4Iiwi"]:
        response = officer.get(reverse("registrations:list"), {"after": forged})
        assert response.status_code == 200
        assert rows(response) == first


def test_count_is_exact_below_the_bound_and_bounded_above():
    RegistrationFactory.create_batch(5, status=S.SUBMITTED)
    assert pagination.bounded_count(Registration.objects.all(), limit=10) == (5, True)
    assert pagination.bounded_count(Registration.objects.all(), limit=5) == (5, True)
    assert pagination.bounded_count(Registration.objects.all(), limit=4) == (4, False)


def test_list_says_more_than_the_bound_instead_of_counting_everything(
    officer, monkeypatch, registrations
):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 4)
    monkeypatch.setattr(pagination.bounded_count, "__defaults__", (4,))
    page = officer.get(reverse("registrations:list")).content.decode()
    assert "Lebih dari 4 pendaftaran" in page
    page = officer.get(reverse("registrations:list"), {"status": S.VERIFIED}).content.decode()
    assert "4 pendaftaran" in page and "Lebih dari" not in page


def test_query_count_is_the_same_on_the_first_a_deep_and_the_last_page(
    officer, registrations, small_pages
):
    url = reverse("registrations:list")
    deep = links(officer.get(url))["Berikutnya"]
    counts = []
    for query in ["", deep, "last=1"]:
        with CaptureQueriesContext(connection) as captured:
            assert officer.get(f"{url}?{query}").status_code == 200
        counts.append(len(captured))
    RegistrationFactory.create_batch(20, status=S.SUBMITTED)
    with CaptureQueriesContext(connection) as captured:
        officer.get(f"{url}?last=1")
    counts.append(len(captured))
    assert len(set(counts)) == 1, counts
    assert counts[0] <= 9


def test_submission_date_filters_take_whole_local_days(officer):
    local = timezone.get_current_timezone()
    late = RegistrationFactory(
        status=S.SUBMITTED, submitted_at=datetime.datetime(2026, 3, 10, 23, 30, tzinfo=local)
    )
    next_day = RegistrationFactory(
        status=S.SUBMITTED, submitted_at=datetime.datetime(2026, 3, 11, 0, 10, tzinfo=local)
    )
    url = reverse("registrations:list")
    assert rows(officer.get(url, {"submitted_to": "2026-03-10"})) == [str(late)]
    assert rows(officer.get(url, {"submitted_from": "2026-03-11"})) == [str(next_day)]
    both = officer.get(url, {"submitted_from": "2026-03-10", "submitted_to": "2026-03-11"})
    assert rows(both) == [str(next_day), str(late)]


@pytest.mark.parametrize("sort", ["-submitted_at", "number"])
def test_a_name_search_pages_through_its_matches_in_order_both_ways(officer, small_pages, sort):
    """A name few people hold is found first and sorted after (the paginator's
    sort_after_filter): the same rows in the same order as any list."""
    same = timezone.now() - datetime.timedelta(days=1)
    matches = []
    for index in range(7):
        registration = RegistrationFactory(
            status=S.SUBMITTED,
            submitted_at=same if index < 3 else same - datetime.timedelta(hours=index),
        )
        registration.applicant.full_name = "Rahma Ningsih" if index % 2 else "Siti Rahma Ningsih"
        registration.applicant.save(update_fields=["full_name"])
        matches.append(registration)
    RegistrationFactory.create_batch(3, status=S.SUBMITTED)
    params = {"q": "rahma ningsih", "sort": sort}
    forward = [n for page in walk(officer, params) for n in page]
    expected = [
        str(r)
        for r in Registration.objects.filter(pk__in=[m.pk for m in matches]).order_by(
            sort, f"{'-' if sort.startswith('-') else ''}id"
        )
    ]
    assert forward == expected
    back = walk(
        officer, params, direction="Sebelumnya", start=f"q=rahma+ningsih&sort={sort}&last=1"
    )
    assert [n for page in reversed(back) for n in page] == forward
