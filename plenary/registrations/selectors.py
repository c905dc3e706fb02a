"""Reads about registrations: lists, counts and export rows."""

from collections import Counter

from django.db.models import QuerySet
from django_countries import countries

from plenary.meetings.models import Meeting
from plenary.membership.models import Organization
from plenary.registrations.models import Registration


def meetings_for_registering() -> QuerySet[Meeting]:
    """Meetings with what registering reads about them, in two queries however often it is
    asked: the body and that body's parent, and the deadline overrides (the deadlines are
    computed several times: for the page, the refusal, the service). Bodies further up are read
    only for a person who holds a role somewhere (groups.permissions.has_role): most hold none,
    and each level joined costs more to build than the row it reads."""
    return Meeting.objects.select_related("body__parent").prefetch_related("deadline_overrides")


EXPORT_HEADER = [
    "Name",
    "E-mail",
    "Organization",
    "Category",
    "Country",
    "Participation",
    "Role in the delegation",
    "State",
    "Late",
    "Approved automatically",
    "Registered (UTC)",
    "Decided (UTC)",
]


def meeting_registrations(meeting: Meeting) -> QuerySet[Registration]:
    """The meeting's registrations with what the lists show, in one query."""
    return (
        Registration.objects.filter(meeting=meeting)
        .select_related("person", "organization", "decided_by")
        .order_by("organization__name", "person__name", "id")
    )


def live_count(meeting: Meeting) -> int:
    """How many people are registered (pending or approved): all the public is told."""
    return Registration.objects.filter(meeting=meeting, state__in=Registration.LIVE_STATES).count()


def counts_by_category_and_country(
    registrations,
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(label, count) by organization category and by the person's country, largest first."""
    categories: Counter = Counter()
    country_counts: Counter = Counter()
    labels = dict(Organization.Category.choices)
    for registration in registrations:
        org = registration.organization
        categories[labels.get(org.category, org.category) if org else "No organization"] += 1
        code = registration.person.country.code if registration.person.country else ""
        country_counts[countries.name(code) if code else "Not given"] += 1
    return categories.most_common(), country_counts.most_common()


def export_rows(registrations) -> list[list[str]]:
    """The header and one row per registration, as the CSV and XLSX files hold them."""
    rows = [EXPORT_HEADER]
    for r in registrations:
        org = r.organization
        rows.append(
            [
                r.person.display_name,
                r.person.email,
                org.name if org else "",
                org.get_category_display() if org else "",
                r.person.country.name if r.person.country else "",
                r.get_mode_display(),
                r.get_delegation_role_display(),
                r.get_state_display(),
                "yes" if r.late else "no",
                "yes" if r.approved_automatically else "no",
                r.created_at.strftime("%Y-%m-%d %H:%M"),
                r.decided_at.strftime("%Y-%m-%d %H:%M") if r.decided_at else "",
            ]
        )
    return rows
