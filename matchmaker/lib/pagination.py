"""A paginator whose count stops at the last page it will show.

Counting every match of a filter over 100k rows costs more than fetching the page itself
(a COUNT over the whole join), and nobody pages past a few hundred pages: the count reads at most
`max_pages * per_page + 1` ids (unordered), so its cost is bounded whatever the catalogue size.
"""

from math import ceil

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class CappedPage(Page):
    """A page of a CappedPaginator: its last index stops at the cap (Django's last page ends
    at `count`, which past the cap is cap + 1: "Showing 976–1001")."""

    def end_index(self) -> int:
        return min(super().end_index(), self.paginator.shown_count)


class CappedPaginator(Paginator):
    """`count` is exact up to `max_pages` pages; past that it is `cap + 1` and `capped` is True
    (pages show "more than {cap}"), and `num_pages` stops at `max_pages`."""

    def __init__(self, object_list, per_page, *, max_pages: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.max_pages = max_pages
        self.cap = per_page * max_pages

    @cached_property
    def count(self) -> int:
        # No ORDER BY and only the id: the database stops after cap + 1 matching rows.
        capped_count = getattr(self.object_list, "capped_count", None)
        if capped_count is not None:  # a SplitQuerySet: the count also picks its page query
            return capped_count(self.cap + 1)
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def shown_count(self) -> int:
        """The rows the pages can show: the count, at most the cap."""
        return min(self.count, self.cap)

    def _get_page(self, *args, **kwargs) -> CappedPage:
        return CappedPage(*args, **kwargs)

    @cached_property
    def num_pages(self) -> int:
        """The pages one can open: at most max_pages (a later page number shows the last)."""
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        hits = max(1, self.count - self.orphans)
        return min(ceil(hits / self.per_page), self.max_pages)
