"""Queueing a background task with the change that calls for it.

A task must run only for a change that committed: an e-mail about a registration that was rolled
back must never leave. With the database backend (what `plenary worker` runs), the task's row is
written inside the change's own transaction, so it exists if and only if the change does, and the
change costs one commit instead of two (on SQLite one hold of the write lock, not two). Any other
backend (the immediate one of the tests runs the task at once) is called when the transaction
commits, through ``transaction.on_commit``.

The queue is worked by `plenary worker` beside the servers, or, in the one process of the demo
(`plenary serve --with-worker`, what `make run` starts), by a WorkerThread.
"""

import os
import threading
from functools import partial
from typing import Any

from django.db import connections, transaction
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task_backends
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue ``task(*args, **kwargs)`` to run once the current transaction has committed."""
    backend = task.get_backend()
    if isinstance(backend, DatabaseBackend) and transaction.get_connection().in_atomic_block:
        # The worker sees the row only once it is committed, and never if it is rolled back.
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, *args, **kwargs))


class WorkerThread:
    """The database queue worked in a thread of this process, as `plenary worker` works it in a
    process of its own: the tasks of the default queue, one at a time, the queue looked at every
    ``interval`` seconds when empty. ``stop`` lets the task under way finish."""

    def __init__(self, interval: float = 1.0):
        self.worker = Worker(
            queue_names=[DEFAULT_TASK_QUEUE_NAME],
            interval=interval,
            batch=False,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=f"in-process-{os.getpid()}-{get_random_string(8)}",
            excluded_queue_names=[],
        )
        self.thread = threading.Thread(target=self._run, name="plenary-tasks", daemon=True)

    @staticmethod
    def wanted() -> bool:
        """Whether tasks wait in a queue at all (the immediate backend runs them at once)."""
        return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)

    def _run(self) -> None:
        try:
            self.worker.run()
        finally:
            connections.close_all()

    def start(self) -> "WorkerThread":
        self.thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self.worker.running = False
        self.thread.join(timeout)
