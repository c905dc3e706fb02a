"""The API at /api/v1/: one NinjaAPI, its routers, authentication, rate limit and error shape.

Routers per resource live in routes/: meetings, documents (register, detail, file, search,
contributions, upload, draft TDs), registrations (mine, register, withdraw, a focal point's
queue), work items, decisions and tokens. They use auth.MEMBERS for writes and raise
errors.ApiError kinds (or map their own exceptions with errors.map_error).
"""

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from plenary.api.auth import PUBLIC
from plenary.api.errors import install_error_handlers
from plenary.api.ratelimit import FixedWindowThrottle
from plenary.api.routes import decisions, documents, meetings, registrations, tokens, workitems

DESCRIPTION = """\
The HTTP API of Plenary. It sees what you would see in the browser, no more.

Authenticate with a personal access token, created on your profile page:
`Authorization: Bearer pln_...`. A *read* token may only read. Without a token you see what the
public sees. Every error is JSON: `{"code": "...", "message": "...", "field": "..."}`.
Lists are paginated with an opaque cursor: follow `next` until it is null.
"""


class PlenaryAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """Short operation ids ('list_meetings'): each route's function name is unique."""
        return operation.view_func.__name__


api = PlenaryAPI(
    title="Plenary API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=PUBLIC,
    throttle=[FixedWindowThrottle()],
    docs=Swagger(settings={"persistAuthorization": True}),
)
install_error_handlers(api)

api.add_router("", meetings.router)
api.add_router("", documents.router)
api.add_router("", registrations.router)
api.add_router("", workitems.router)
api.add_router("", decisions.router)
api.add_router("", tokens.router)
