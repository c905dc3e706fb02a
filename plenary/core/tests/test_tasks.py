"""A task is queued with the change that calls for it, and never for a change rolled back."""

import time

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from plenary.core.tasks import WorkerThread, enqueue_on_commit

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE_BACKEND = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

RAN: list[str] = []


@task()
def remember(word: str) -> None:
    RAN.append(word)


class Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def _forget():
    RAN.clear()


@pytest.fixture
def database_backend():
    with override_settings(TASKS=DATABASE_BACKEND):
        yield


@pytest.fixture
def immediate_backend():
    with override_settings(TASKS=IMMEDIATE_BACKEND):
        yield


@pytest.mark.usefixtures("database_backend")
class TestWithTheDatabaseBackend:
    def test_the_row_commits_with_the_change(self):
        with transaction.atomic():
            enqueue_on_commit(remember, "kept")
            # Written inside the transaction, not after it: one commit for both.
            assert DBTaskResult.objects.filter(task_path__endswith="remember").count() == 1
        row = DBTaskResult.objects.get()
        assert row.args_kwargs == {"args": ["kept"], "kwargs": {}}
        assert RAN == []  # the worker runs it, not the request

    def test_no_row_for_a_change_rolled_back(self):
        with pytest.raises(Rollback), transaction.atomic():
            enqueue_on_commit(remember, "lost")
            raise Rollback
        assert not DBTaskResult.objects.exists()

    def test_outside_a_transaction_the_row_is_written_at_once(self):
        enqueue_on_commit(remember, "now")
        assert DBTaskResult.objects.count() == 1


@pytest.mark.usefixtures("immediate_backend")
class TestWithTheImmediateBackend:
    def test_it_runs_only_once_the_transaction_commits(self):
        with transaction.atomic():
            enqueue_on_commit(remember, "after")
            assert RAN == []
        assert RAN == ["after"]

    def test_it_never_runs_for_a_change_rolled_back(self):
        with pytest.raises(Rollback), transaction.atomic():
            enqueue_on_commit(remember, "never")
            raise Rollback
        assert RAN == []


class TestTheWorkerThread:
    """`plenary serve --with-worker` (the demo's one process) works the queue in a thread."""

    @pytest.mark.usefixtures("database_backend")
    def test_it_runs_a_queued_task_and_stops(self):
        with transaction.atomic():
            enqueue_on_commit(remember, "in the thread")
        worker = WorkerThread(interval=0.05).start()
        try:
            deadline = time.monotonic() + 20
            while RAN != ["in the thread"] and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            worker.stop(timeout=10)
        assert RAN == ["in the thread"]
        assert not worker.thread.is_alive()
        assert DBTaskResult.objects.get().status == "SUCCESSFUL"

    def test_it_is_wanted_only_where_tasks_wait_in_a_queue(self):
        with override_settings(TASKS=DATABASE_BACKEND):
            assert WorkerThread.wanted()
        with override_settings(TASKS=IMMEDIATE_BACKEND):
            assert not WorkerThread.wanted()

    def test_serve_refuses_it_beside_several_processes(self):
        with pytest.raises(CommandError, match="plenary worker"):
            call_command("serve", "--workers", "2", "--with-worker")
