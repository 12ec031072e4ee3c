"""Seek (keyset) pagination for long lists, and a count that stops counting.

A page is found from the last row a person saw (its sort value and id), not by skipping N rows:
the database reads the index from that row on, so page 20,000 costs what page 1 costs. The
links are "first / previous / next / last"; the number of matching rows is counted up to a
bound ("more than 1,000") instead of exactly: an exact count of a million rows is slow and
tells an officer nothing a narrower filter would not, and counting up to 1,000 stays cheap
even where a filter needs a join.

The order is (key, pk), both in the same direction, so one composite index on (key, id)
serves both directions. Rows whose key is NULL (a draft has no submission date) come last, in
pk order, as a second segment read after the first one ends.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

COUNT_LIMIT = 1_000


def bounded_count(queryset: QuerySet, limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """(count, exact): the number of rows, or (limit, False) when there are more than
    `limit`. Counts at most limit + 1 rows."""
    count = queryset.order_by().values("pk")[: limit + 1].count()
    if count > limit:
        return limit, False
    return count, True


class InvalidCursor(ValueError):
    """A cursor that was not made by this paginator (edited or truncated URL)."""


@dataclass
class KeysetPage:
    object_list: list
    has_next: bool
    has_previous: bool
    next_cursor: str | None
    previous_cursor: str | None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


class KeysetPaginator:
    """Pages of `queryset` ordered by `key` (a field path such as "submitted_at" or
    "applicant__full_name"; "-" in front for descending) then by pk in the same direction.

    `page(after=cursor)` is the page after the row the cursor names, `page(before=cursor)` the
    page before it, `page()` the first page and `page(last=True)` the last one. A cursor is an
    opaque URL-safe string; a forged one raises InvalidCursor. At most two queries a page (two
    only where a page straddles the end of the non-NULL keys)."""

    def __init__(
        self,
        queryset: QuerySet,
        key: str,
        per_page: int,
        *,
        nullable: bool | None = None,
        sort_after_filter: bool = False,
    ):
        self.queryset = queryset
        self.descending = key.startswith("-")
        self.key = key.lstrip("-")
        self.per_page = per_page
        self.field = self._resolve_field(queryset.model, self.key)
        # A caller whose queryset holds no NULL key (its filter or a constraint excludes them)
        # says so, and the paginator does not look for them: the database's estimate of how
        # many there are is often far off, and a look for rows that cannot exist may then read
        # the whole table.
        self.nullable = self.field.null if nullable is None else nullable
        # A caller whose filter leaves few rows that another index finds (a name searched by
        # trigram) says so: the page is then ordered by an expression the sort key's index
        # cannot give, so the database finds those rows first and sorts them, instead of
        # walking the sort index and checking every row it meets against the filter (a name
        # held by 1 row in 300: tens of thousands of rows read for one page).
        self.sort_after_filter = sort_after_filter

    @staticmethod
    def _resolve_field(model, path: str):
        field = None
        for part in path.split("__"):
            field = model._meta.get_field(part)
            if field.is_relation:
                model = field.related_model
        return field

    # --- Cursors ----------------------------------------------------------------------

    def _value_of(self, obj) -> Any:
        value = obj
        for part in self.key.split("__"):
            value = getattr(value, part)
        return value

    def cursor_for(self, obj) -> str:
        value = self._value_of(obj)
        if isinstance(value, datetime.date):  # datetimes too
            value = value.isoformat()
        raw = json.dumps([value, obj.pk], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[Any, int]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            value, pk = json.loads(raw)
            if not isinstance(pk, int) or isinstance(pk, bool):
                raise InvalidCursor(cursor)
            if value is not None:
                if not isinstance(value, str | int):
                    raise InvalidCursor(cursor)
                value = self.field.to_python(value)
        except (ValueError, TypeError, binascii.Error) as error:
            raise InvalidCursor(cursor) from error
        if value is None and not self.nullable:
            raise InvalidCursor(cursor)
        return value, pk

    # --- Pages ------------------------------------------------------------------------

    def _segment(self, segment: str, cursor, forward: bool) -> QuerySet:
        """The rows of one segment ("keyed": key not NULL, "null": key NULL) past the cursor,
        in reading order (`forward` False reads backwards)."""
        descending = self.descending if forward else not self.descending
        qs = self.queryset
        if segment == "keyed":
            if self.field.null:
                # Also where none can be NULL: the condition lets the index skip them.
                qs = qs.filter(**{f"{self.key}__isnull": False})
            if cursor is not None:
                value, pk = cursor
                beyond, same = ("lt", "lt") if descending else ("gt", "gt")
                # The first condition alone lets the database start at the cursor in the
                # index; the second drops the ties already shown.
                qs = qs.filter(**{f"{self.key}__{beyond}e": value}).filter(
                    Q(**{f"{self.key}__{beyond}": value}) | Q(**{f"pk__{same}": pk})
                )
            return qs.order_by(*self._order(descending))
        qs = qs.filter(**{f"{self.key}__isnull": True})
        if cursor is not None:
            qs = qs.filter(**{f"pk__{'lt' if descending else 'gt'}": cursor[1]})
        # Ordered by the (all NULL) key too, so that the same (..., key, id) index that
        # serves the first segment serves this one.
        return qs.order_by(*self._order(descending))

    def _order(self, descending: bool) -> list:
        key = Coalesce(F(self.key), F(self.key)) if self.sort_after_filter else F(self.key)
        return [key.desc() if descending else key.asc(), "-pk" if descending else "pk"]

    def page(
        self, *, after: str | None = None, before: str | None = None, last: bool = False
    ) -> KeysetPage:
        forward = before is None and not last
        cursor = self.decode(after or before) if (after or before) else None
        segments = ["keyed", "null"] if self.nullable else ["keyed"]
        if not forward:
            segments.reverse()
        if cursor is not None and self.nullable:
            # Start in the cursor's own segment.
            start = "null" if cursor[0] is None else "keyed"
            segments = segments[segments.index(start) :]
        rows: list = []
        for index, segment in enumerate(segments):
            wanted = self.per_page + 1 - len(rows)
            rows.extend(self._segment(segment, cursor if index == 0 else None, forward)[:wanted])
            if len(rows) > self.per_page:
                break
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if forward:
            has_next, has_previous = more, cursor is not None
        else:
            rows.reverse()
            has_next, has_previous = cursor is not None, more
        return KeysetPage(
            object_list=rows,
            has_next=has_next and bool(rows),
            has_previous=has_previous and bool(rows),
            next_cursor=self.cursor_for(rows[-1]) if rows and has_next else None,
            previous_cursor=self.cursor_for(rows[0]) if rows and has_previous else None,
        )


class KeysetListMixin:
    """For a ListView whose list can be long: the page of `get_queryset()` chosen by the
    request's `after`/`before`/`last` (a forged cursor gives the first page), ordered by
    `get_sort_key()` then id, and its count bounded at COUNT_LIMIT. The context gets `page`
    (for `_partials/keyset_pagination.html`), the page's rows as `object_list` and under
    `context_object_name`, `count` and `count_exact` (unless `counted` is False: a page that
    shows no count), and `query_string` (the filters, without the cursor, for the links)."""

    per_page = 50
    sort_key = "-pk"
    counted = True

    def get_sort_key(self) -> str:
        return self.sort_key

    def get_sort_key_nullable(self) -> bool | None:
        """Whether rows may have no sort key value (None: as the field allows)."""
        return None

    def get_sort_after_filter(self) -> bool:
        """Whether the filter leaves few rows another index finds (see KeysetPaginator)."""
        return False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = context["object_list"]
        paginator = KeysetPaginator(
            queryset,
            key=self.get_sort_key(),
            per_page=self.per_page,
            nullable=self.get_sort_key_nullable(),
            sort_after_filter=self.get_sort_after_filter(),
        )
        get = self.request.GET
        try:
            page = paginator.page(
                after=get.get("after") or None,
                before=get.get("before") or None,
                last=get.get("last") == "1",
            )
        except InvalidCursor:
            page = paginator.page()
        if self.counted:
            context["count"], context["count_exact"] = bounded_count(queryset)
        query = get.copy()
        for name in ("after", "before", "last", "page"):
            query.pop(name, None)
        context.update(page=page, object_list=page.object_list, query_string=query.urlencode())
        if self.context_object_name:
            context[self.context_object_name] = page.object_list
        return context
