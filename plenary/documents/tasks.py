"""Background work on documents, queued by the services after their transaction commits.

A task takes ids (arguments travel as JSON) and reads the rows afresh, so a task that runs late
indexes the document as it is then.
"""

from django_tasks import task

from plenary.documents import search


@task()
def index_document(document_id: int) -> int:
    """Extract a document's text (when its file changed) and update its search entry; returns
    the number of characters of text indexed."""
    entry = search.index_document(document_id)
    return len(entry.text) if entry is not None else 0
