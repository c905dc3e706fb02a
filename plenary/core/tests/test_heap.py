"""The server settles its heap before the first request: lazy parts built, then frozen."""

import gc

from django.template import engines

from plenary.core.heap import settle


def _cached_templates() -> set[str]:
    loader = engines["django"].engine.template_loaders[0]
    return {key for key in loader.get_template_cache if isinstance(key, str)}


def test_settle_compiles_every_template_and_freezes_what_lives(db):
    gc.unfreeze()
    try:
        frozen = settle()
        assert frozen == gc.get_freeze_count()
        assert frozen > 50_000  # Django, the apps, the URL tables and the compiled templates
        cached = _cached_templates()
        # The project's and the apps' templates, compiled before any request asked for them.
        assert {"base.html", "documents/register.html", "403.html"} <= cached
        assert any(name.startswith("admin/") for name in cached)
    finally:
        gc.unfreeze()
