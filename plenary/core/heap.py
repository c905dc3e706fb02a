"""The server's long-lived objects, built before the first request and kept out of the
collector's way.

Python's cyclic garbage collector, in its oldest generation, walks every tracked object of the
process: with Django, its apps, the URL resolver and the compiled templates, some 200,000 of
them, a pause of about 100 ms that stops every request in flight. Most of those objects live
as long as the process. settle() builds the ones Django makes lazily on first use (the URL
resolver's tables, every template through the cached loader, the models' field caches), then
moves everything alive into the permanent generation (gc.freeze), which the collector no longer
walks; what requests create afterwards is collected as usual. Measured in one process on the
register page: the slowest of 1,500 requests went from 115 ms to 17 ms (docs/benchmarks.md).
"""

import gc
import logging
from pathlib import Path

from django.apps import apps
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver

logger = logging.getLogger(__name__)


def _compile_templates() -> int:
    """Every template of every engine's folders (the project's and the apps'), compiled into
    the engine's cache; returns how many."""
    count = 0
    for engine in engines.all():
        for folder in map(Path, engine.template_dirs):
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*.html")):
                name = path.relative_to(folder).as_posix()
                try:
                    engine.get_template(name)
                except TemplateSyntaxError:
                    # An included fragment may use tags its including template loads; it is
                    # compiled where it is used.
                    logger.debug("template %s is not compiled on its own", name)
                    continue
                count += 1
    return count


def settle() -> int:
    """Build what Django builds lazily, then freeze the heap; returns the objects frozen."""
    get_resolver().reverse_dict  # noqa: B018 - populates the URL resolver's tables
    for model in apps.get_models():
        model._meta.get_fields()
    _compile_templates()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
