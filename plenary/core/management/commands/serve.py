import os

import uvicorn
from django.core.management.base import BaseCommand, CommandError

from plenary.core.tasks import WorkerThread
from plenary.core.workers import StartupFailure, Workers

# Page threads of each process when there are several (PLENARY_HTTP_THREADS overrides it).
THREADS_PER_WORKER = 2


class Command(BaseCommand):
    help = "Serve pages and WebSockets on one port (uvicorn with plenary.asgi)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Server processes, each listening on the port (needs REDIS_URL above 1).",
        )
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="Also work the background tasks' queue in this process (the one-process demo; "
            "beside several server processes, run `plenary worker`).",
        )

    def handle(self, *args, host, port, workers, with_worker, **options):
        from django.conf import settings

        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535; got {port}")
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        if with_worker and workers > 1:
            raise CommandError(
                "--with-worker works the queue in one process; "
                "beside --workers, run `plenary worker`"
            )
        if workers > 1 and not settings.REDIS_URL:
            raise CommandError("--workers above 1 needs REDIS_URL so that live rooms are shared")
        from plenary.live.services import attendance_close_orphans

        closed = attendance_close_orphans()
        if closed:
            self.stdout.write(f"Closed {closed} attendance record(s) a stopped server left open.")
        server = {
            "app": "plenary.asgi:application",
            "access_log": False,
            "lifespan": "off",
            "log_level": "warning",
            "timeout_graceful_shutdown": 5,
        }
        self.stdout.write(f"Plenary on http://{host}:{port}/ (Ctrl-C to stop)")
        if workers == 1:
            tasks = WorkerThread() if with_worker and WorkerThread.wanted() else None
            if tasks is not None:
                tasks.start()
                self.stdout.write("Background tasks run in this process.")
            try:
                uvicorn.run(host=host, port=port, **server)
            finally:
                if tasks is not None:
                    tasks.stop()
            return
        # Each worker runs its page threads on a core of its own: two of them each (one process
        # alone has four) kept a served register's tails shortest (docs/benchmarks.md).
        os.environ.setdefault("PLENARY_HTTP_THREADS", str(THREADS_PER_WORKER))
        try:
            Workers(workers, host, port, server, on_ready=lambda: self._ready(workers)).run()
        except OSError as error:
            raise CommandError(f"cannot listen on {host}:{port}: {error.strerror}") from error
        except StartupFailure as error:
            raise CommandError(str(error)) from error

    def _ready(self, workers: int) -> None:
        self.stdout.write(f"{workers} server processes ready")
        self.stdout.flush()
