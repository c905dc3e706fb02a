"""Transactions for data that can be rebuilt, or lost, without harm."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def unflushed_transaction() -> Iterator[None]:
    """An atomic block whose commit, on PostgreSQL, does not wait for the disk.

    For derived data (the search index, which reindex_all rebuilds) and conveniences (when a
    token was last used). PostgreSQL flushes commits in order, so the next ordinary commit makes
    such a write durable; a crash before that loses it, never corrupts anything. Only a
    transaction of its own commits this way: inside a caller's transaction the block is a
    savepoint, and the caller's commit keeps its durability.
    """
    own = not connection.in_atomic_block
    with transaction.atomic():
        if own and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield
