"""Background work on documents, queued by the services after their transaction commits.

A task takes ids (arguments travel as JSON) and reads the rows afresh, so a task that runs late
indexes the document as it is then.
"""

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from plenary.core.mail import send_templated
from plenary.documents import search
from plenary.documents.models import DocumentEvent


@task()
def index_document(document_id: int) -> int:
    """Extract a document's text (when its file changed) and update its search entry; returns
    the number of characters of text indexed."""
    entry = search.index_document(document_id)
    return len(entry.text) if entry is not None else 0


@task()
def send_draft_returned(event_id: int) -> int:
    """Tell whoever submitted a draft TD that the secretariat returned it, and why (the return's
    own event: what was said then, even if the draft changed since). Returns the e-mails sent."""
    event = DocumentEvent.objects.select_related("document__meeting", "document__submitted_by").get(
        pk=event_id
    )
    document, recipient = event.document, event.document.submitted_by
    if recipient is None or not recipient.email:
        return 0
    context = {
        "document": document,
        "meeting": document.meeting,
        "reason": event.detail,
        "document_url": settings.SITE_URL + document.get_absolute_url(),
        "register_url": settings.SITE_URL
        + reverse("documents:register", args=[document.meeting.slug]),
    }
    send_templated(
        stem="documents/email/draft_returned",
        recipient=recipient,
        otherwise=document.meeting.tz,
        context=context,
    )
    return 1
