import zoneinfo
from urllib.parse import unquote

from plenary.core.timezones import available_time_zones

TZ_COOKIE = "plenary_tz"


def viewer_time_zone(request) -> zoneinfo.ZoneInfo | None:
    """The zone a viewer reads times in: the profile's choice, else what their browser reported."""
    user = getattr(request, "user", None)
    name = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
    if not name:
        # The browser percent-encodes the slash of "Asia/Shanghai".
        name = unquote(request.COOKIES.get(TZ_COOKIE, ""))
    if name in available_time_zones():
        return zoneinfo.ZoneInfo(name)
    return None


class ViewerTimeZoneMiddleware:
    """Puts the viewer's own time zone (or None) on request.viewer_tz."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.viewer_tz = viewer_time_zone(request)
        return self.get_response(request)
