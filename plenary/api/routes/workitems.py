"""The work programme: draft Recommendations and other deliverables, public as on the ITU site."""

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router

from plenary.accounts.models import User
from plenary.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Ordering, paginate
from plenary.api.routes.common import ANONYMOUS_ALLOWED, responses
from plenary.api.schemas import WorkItemPage
from plenary.decisions.models import WorkItem

router = Router(tags=["work programme"])

_BY_GROUP = Ordering("workitems", ("study_group__acronym", "acronym"), (str, str))

StatusParam = Query(
    None,
    description="One of: " + ", ".join(f"{s.value} ({s.label})" for s in WorkItem.Status),
)


@router.get(
    "/workitems",
    response=responses(WorkItemPage),
    url_name="workitems",
    openapi_extra=ANONYMOUS_ALLOWED,
)
def list_work_items(
    request: HttpRequest,
    study_group: str | None = Query(
        None, max_length=30, pattern=r"^[A-Za-z0-9/._-]+$", description="e.g. SG11"
    ),
    status: WorkItem.Status | None = StatusParam,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=500, description="From a previous `next`."),
):
    """Work items by study group and acronym, optionally of one study group or status."""
    items = WorkItem.objects.select_related("study_group", "question").prefetch_related(
        Prefetch("editors", queryset=User.objects.order_by("name").only("name", "title", "email"))
    )
    if study_group:
        items = items.filter(study_group__acronym__iexact=study_group)
    if status:
        items = items.filter(status=status)
    rows, next_url = paginate(request, items, ordering=_BY_GROUP, limit=limit, cursor=cursor)
    return {
        "items": [
            {
                "acronym": w.acronym,
                "title": w.title,
                "study_group": w.study_group.acronym,
                "question": w.question.acronym if w.question else None,
                "kind": w.kind,
                "approval_process": w.approval_process,
                "status": w.status,
                "timing": w.timing,
                "editors": [person.display_name for person in w.editors.all()],
            }
            for w in rows
        ],
        "next": next_url,
    }
