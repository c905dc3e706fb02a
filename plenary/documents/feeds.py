"""Atom feeds of newly posted documents, per meeting and per study group.

A feed carries public metadata only (number, title, source, abstract, Questions and a link to the
document's page), never a file or its text, so it needs no access check beyond the meeting's own
visibility: whoever may read the file follows the link and signs in.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from plenary.documents.models import Document
from plenary.groups.models import Body
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_view_meeting, meetings_visible_to

FEED_SIZE = 50


def _posted(documents: QuerySet[Document]) -> QuerySet[Document]:
    return (
        documents.filter(state=Document.State.POSTED, posted_at__isnull=False)
        .select_related("study_group", "study_period", "meeting")
        .prefetch_related("questions")
        .order_by("-posted_at", "-id")[:FEED_SIZE]
    )


class DocumentsFeed(Feed):
    """What both feeds share: one entry per posted document, newest first."""

    feed_type = Atom1Feed

    def item_title(self, item: Document) -> str:
        return f"{item.display_number}: {item.title}"

    def item_description(self, item: Document) -> str:
        lines = [f"{item.display_number} ({item.get_kind_display()}), from {item.source}."]
        if item.abstract:
            lines.append(item.abstract)
        return "\n\n".join(lines)

    def item_link(self, item: Document) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Document) -> str:
        return f"plenary-document-{item.pk}"

    def item_guid_is_permalink(self, item: Document) -> bool:
        return False

    def item_pubdate(self, item: Document):
        return item.posted_at

    def item_updateddate(self, item: Document):
        return item.posted_at

    def item_author_name(self, item: Document) -> str:
        return item.source

    def item_categories(self, item: Document) -> list[str]:
        return [question.acronym for question in item.questions.all()]


class MeetingDocumentsFeed(DocumentsFeed):
    """Documents posted to one meeting."""

    def get_object(self, request, slug: str) -> Meeting:
        meeting = get_object_or_404(Meeting.objects.select_related("body"), slug=slug)
        if not can_view_meeting(request.user, meeting):
            raise Http404("No meeting matches the given query.")
        return meeting

    def title(self, obj: Meeting) -> str:
        return f"Documents of {obj.title}"

    def subtitle(self, obj: Meeting) -> str:
        return f"Contributions, TDs and reports posted to {obj.title}, newest first."

    def link(self, obj: Meeting) -> str:
        return reverse("documents:register", kwargs={"slug": obj.slug})

    def items(self, obj: Meeting) -> QuerySet[Document]:
        return _posted(Document.objects.filter(meeting=obj))


class StudyGroupDocumentsFeed(DocumentsFeed):
    """Documents posted in one study group, whatever the meeting (a feed is shared, so it lists
    what the public sees: no documents of meetings still in draft)."""

    def get_object(self, request, acronym: str) -> Body:
        return get_object_or_404(Body, acronym=acronym, kind=Body.Kind.STUDY_GROUP)

    def title(self, obj: Body) -> str:
        return f"Documents of {obj.acronym}"

    def subtitle(self, obj: Body) -> str:
        return f"Contributions, TDs and reports posted in {obj.acronym}, newest first."

    def link(self, obj: Body) -> str:
        return reverse("documents:study_group_feed", kwargs={"acronym": obj.acronym})

    def items(self, obj: Body) -> QuerySet[Document]:
        return _posted(
            Document.objects.filter(study_group=obj).filter(
                Q(meeting__isnull=True) | Q(meeting__in=meetings_visible_to(AnonymousUser()))
            )
        )
