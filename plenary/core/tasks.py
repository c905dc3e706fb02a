"""Queueing a background task with the change that calls for it.

A task must run only for a change that committed: an e-mail about a registration that was rolled
back must never leave. With the database backend (what `plenary worker` runs), the task's row is
written inside the change's own transaction, so it exists if and only if the change does, and the
change costs one commit instead of two (on SQLite one hold of the write lock, not two). Any other
backend (the immediate one of the tests runs the task at once) is called when the transaction
commits, through ``transaction.on_commit``.
"""

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue ``task(*args, **kwargs)`` to run once the current transaction has committed."""
    backend = task.get_backend()
    if isinstance(backend, DatabaseBackend) and transaction.get_connection().in_atomic_block:
        # The worker sees the row only once it is committed, and never if it is rolled back.
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, *args, **kwargs))
