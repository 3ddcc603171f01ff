"""One ordered queryset read as two: a head whose order an index gives, then the rest.

A sort on a column of an optional one-to-one row (discovery's catalogue score lives on
CreatorMetrics) orders over a LEFT JOIN: PostgreSQL cannot read the first page off the related
table's index, so it joins and sorts every filtered row. When the rows the join may miss all sort
after every row that has it (a COALESCE to a value below any real one), the same order is the
head (the related rows above that value, through an INNER join ordered by the index's columns)
followed by the tail (everything else, in the original order). `SplitQuerySet` holds both and
reads like the original for what pages, the API and exports use: slices, iteration, `count()`,
`values()`, `values_list()` and `filter()`. A page inside the head is one query; the tail is read only by pages
that reach it.

Reading the head in index order pays off when matches are plentiful; when a filter matches few
rows PostgreSQL may walk the whole index looking for them (a rare keyword: it guesses thousands
of matches, finds 7, and reads 1M index entries). So once a count has shown the whole set is
small (at most SMALL rows), slices read the whole queryset instead, which sorts those few rows.
"""

from django.db.models import QuerySet


class SplitQuerySet:
    """`whole` in its order, as `head` then `tail` (a partition of its rows, each ordered as
    `whole` orders them)."""

    ordered = True  # Django's Paginator warns about unordered lists
    # A counted set of at most this many rows is read in one sorted query (see above).
    SMALL = 1000

    def __init__(self, whole: QuerySet, head: QuerySet, tail: QuerySet):
        self.whole, self.head, self.tail = whole, head, tail
        self._rows: list | None = None
        self._small = False  # True once a count showed at most SMALL rows

    @property
    def model(self):
        return self.whole.model

    def _apply(self, method: str, *args, **kwargs) -> "SplitQuerySet":
        return SplitQuerySet(
            *(getattr(qs, method)(*args, **kwargs) for qs in (self.whole, self.head, self.tail))
        )

    def values(self, *fields, **expressions) -> "SplitQuerySet":
        return self._apply("values", *fields, **expressions)

    def values_list(self, *fields, **kwargs) -> "SplitQuerySet":
        return self._apply("values_list", *fields, **kwargs)

    def filter(self, *args, **kwargs) -> "SplitQuerySet":
        return self._apply("filter", *args, **kwargs)

    def order_by(self, *fields) -> QuerySet:
        """Another order (or none, for counting) is the whole queryset's."""
        return self.whole.order_by(*fields)

    def count(self) -> int:
        if self._rows is not None:
            return len(self._rows)
        return self._counted(self.whole.count())

    def capped_count(self, limit: int) -> int:
        """The count, stopping at `limit` (matchmaker.lib.pagination.CappedPaginator)."""
        return self._counted(self.whole.order_by().values("pk")[:limit].count(), limit)

    def _counted(self, count: int, limit: int | None = None) -> int:
        self._small = count <= self.SMALL and (limit is None or count < limit)
        return count

    def exists(self) -> bool:
        return self.whole.exists()

    def __iter__(self):
        if self._rows is None:
            self._rows = [*self.head, *self.tail]
        return iter(self._rows)

    def __len__(self) -> int:
        return len(list(iter(self)))

    def __bool__(self) -> bool:
        return self.exists() if self._rows is None else bool(self._rows)

    def __getitem__(self, key):
        if self._rows is not None:
            return self._rows[key]
        if self._small:
            return self.whole[key] if isinstance(key, int) else list(self.whole[key])
        if isinstance(key, int):
            if key < 0:
                raise ValueError("Negative indexing is not supported.")
            rows = self[key : key + 1]
            if not rows:
                raise IndexError(key)
            return rows[0]
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("SplitQuerySet takes an index or a slice without a step.")
        start, stop = key.start or 0, key.stop
        if start < 0 or (stop is not None and stop < 0):
            raise ValueError("Negative indexing is not supported.")
        if stop is not None and stop <= start:
            return []
        rows = list(self.head[start:stop])
        if stop is not None and len(rows) == stop - start:
            return rows
        # The head ends inside (or before) the slice: its length, then the tail from there.
        # With no head rows in the slice the head holds at most `start` rows, so the bounded
        # count is exact.
        head_count = start + len(rows) if rows else self.head.order_by()[:start].count()
        tail_start = max(0, start - head_count)
        tail_stop = None if stop is None else stop - head_count
        return rows + list(self.tail[tail_start:tail_stop])

    def __repr__(self) -> str:
        return f"<SplitQuerySet of {self.whole.model.__name__}>"
