"""Serving layouts compared by `python -m bench --layouts ...`: same code, different servers.

Every layout is one server process on one port (the shape `plenary serve` has on one machine).
Servers that are not Plenary dependencies (gunicorn, granian) are looked for in var/bench/site,
where `uv pip install --target var/bench/site gunicorn granian` puts them for the experiment.
"""

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.server import HOST, ROOT, plenary

EXTRA_SITE = ROOT / "var" / "bench" / "site"
PY = sys.executable
BENCH_REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13"
THREADS = "8"  # worker threads for the thread-pool layouts, unless a layout says otherwise


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    argv: Callable[[int], list[str]]
    env: dict[str, str] = field(default_factory=dict)
    needs: tuple[str, ...] = ()  # modules that must be importable from var/bench/site
    websockets: bool = True  # serves Channels' WebSockets on the same port
    ready_text: str = ""  # what the server prints once every process serves (several workers)

    def missing(self) -> list[str]:
        return [name for name in self.needs if not (EXTRA_SITE / name).is_dir()]

    def server_env(self) -> dict[str, str]:
        if not self.needs:
            return dict(self.env)
        return {"PYTHONPATH": str(EXTRA_SITE), **self.env}


def _uvicorn(app: str) -> Callable[[int], list[str]]:
    return lambda port: [
        PY, "-m", "uvicorn", app, "--host", HOST, "--port", str(port),
        "--lifespan", "off", "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip


def _granian(interface: str, app: str, *extra: str) -> Callable[[int], list[str]]:
    return lambda port: [
        PY, "-m", "granian", "--interface", interface, "--host", HOST, "--port", str(port),
        "--workers", "1", "--log-level", "warning", "--no-access-log", *extra, app,
    ]  # fmt: skip


LAYOUTS = {
    layout.name: layout
    for layout in (
        Layout(
            "plenary-serve",
            "`plenary serve` exactly as `make run` starts it",
            lambda port: plenary("serve", "--host", HOST, "--port", str(port)),
        ),
        Layout(
            "plenary-serve-t16",
            "`plenary serve` with 16 page threads (PLENARY_HTTP_THREADS; the default is 4)",
            lambda port: plenary("serve", "--host", HOST, "--port", str(port)),
            env={"PLENARY_HTTP_THREADS": "16"},
        ),
        Layout(
            "plenary-serve-w2",
            "`plenary serve --workers 2`: two processes, each listening on the port, sharing "
            "Redis (REDIS_URL, else db 13 of the local Redis)",
            lambda port: plenary("serve", "--host", HOST, "--port", str(port), "--workers", "2"),
            env={"REDIS_URL": BENCH_REDIS_URL},
            ready_text="2 server processes ready",
        ),
        Layout(
            "plenary-serve-w2-t4",
            "as plenary-serve-w2 with 4 page threads per process (PLENARY_HTTP_THREADS; the "
            "default with several workers is 2)",
            lambda port: plenary("serve", "--host", HOST, "--port", str(port), "--workers", "2"),
            env={"REDIS_URL": BENCH_REDIS_URL, "PLENARY_HTTP_THREADS": "4"},
            ready_text="2 server processes ready",
        ),
        Layout(
            "uvicorn-a2wsgi",
            "uvicorn; HTTP to Django's WSGI handler in a2wsgi's pool (16 threads); WS to Channels",
            _uvicorn("bench.apps:a2wsgi_asgi"),
            env={"PLENARY_HTTP_THREADS": "16"},
        ),
        Layout(
            "uvicorn-a2wsgi-t4",
            "as uvicorn-a2wsgi with 4 threads",
            _uvicorn("bench.apps:a2wsgi_asgi"),
            env={"PLENARY_HTTP_THREADS": "4"},
        ),
        Layout(
            "uvicorn-django-asgi",
            "uvicorn; HTTP to Django's own ASGI handler; WS to Channels",
            _uvicorn("bench.apps:django_asgi"),
        ),
        Layout(
            "granian-asgi-a2wsgi",
            "granian (ASGI, no lifespan): HTTP via a2wsgi (16 threads), WS to Channels",
            _granian("asginl", "bench.apps:a2wsgi_asgi"),
            env={"PLENARY_HTTP_THREADS": "16"},
            needs=("granian",),
        ),
        Layout(
            "granian-wsgi",
            f"granian WSGI, {THREADS} blocking threads (pages only, no WebSockets)",
            _granian("wsgi", "plenary.wsgi:application", "--blocking-threads", THREADS),
            needs=("granian",),
            websockets=False,
        ),
        Layout(
            "gunicorn-gthread",
            f"gunicorn, 1 gthread worker with {THREADS} threads (pages only, no WebSockets)",
            lambda port: [
                PY,
                "-m",
                "gunicorn",
                "--bind",
                f"{HOST}:{port}",
                "--worker-class",
                "gthread",
                "--workers",
                "1",
                "--threads",
                THREADS,
                "--log-level",
                "warning",
                "plenary.wsgi:application",
            ],  # fmt: skip
            needs=("gunicorn",),
            websockets=False,
        ),
    )
}

DEFAULT_COMPARISON = (
    "uvicorn-a2wsgi",
    "uvicorn-django-asgi",
    "gunicorn-gthread",
    "granian-wsgi",
    "granian-asgi-a2wsgi",
)


def resolve(names: list[str]) -> list[Layout]:
    unknown = [name for name in names if name not in LAYOUTS]
    if unknown:
        raise SystemExit(f"unknown layout(s) {', '.join(unknown)}; known: {', '.join(LAYOUTS)}")
    return [LAYOUTS[name] for name in names]


def extra_site_hint() -> str:
    target = Path(EXTRA_SITE).relative_to(ROOT)
    return f"uv pip install --python {PY} --target {target} gunicorn granian"
