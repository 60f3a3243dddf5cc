"""Pages of a list whose exact size is not worth its cost: a count that stops at ``cap`` + 1 rows.

Counting every match of a broad search (one character of a name, a surname in pinyin, across a city of a
million) means visiting every matching row, which costs more than the page itself; counting at most ``cap`` + 1
(``SELECT count(*) FROM (… LIMIT cap + 1)``) costs as much as reading that many index entries. Up to ``cap`` the
count is exact; above it the page says "more than ``cap``" and asks for a narrower search, and the pages go as
far as the cap. ``settings.CASEWORK_LIST_COUNT_CAP`` (1,000).

A page of a queryset is read keys first: the page's primary keys in the list's order (a subquery a covering index
answers without visiting the table, e.g. the persons' ``person_search_page``), then only those rows. Sorting every
match of a broad search to find the first 50 otherwise reads each match's row; the keys alone stop at the 50th.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, cap: int | None = None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.cap = settings.CASEWORK_LIST_COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        """Exact up to ``cap``; ``cap`` + 1 means "more than ``cap``"."""
        rows = self.object_list
        if hasattr(rows, "order_by"):  # the order does not change how many: no sort of every match to count them
            rows = rows.order_by()
        return rows[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.rows(bottom, top), number, self)

    def rows(self, bottom: int, top: int) -> list:
        """The rows ``bottom`` to ``top``, in one query: the rows whose keys are that slice of the list's keys
        (``WHERE pk IN (SELECT pk … ORDER BY … LIMIT …)``), with the queryset's related rows and order."""
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return list(rows[bottom:top])
        return list(rows.filter(pk__in=rows.values("pk")[bottom:top]))


class CappedPagination(PageNumberPagination):
    """The API's pages with the capped count: ``count`` (exact up to the cap, the cap + 1 above it) and
    ``count_capped`` (true when there are more rows than the cap: narrow the search)."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_capped": self.page.paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "More rows match than the count shows (the count stops at the cap + 1): narrow the search.",
        }
        response["required"] = [*response.get("required", ["count", "results"]), "count_capped"]
        return response
