"""Reads for the collective letter: which wording applies and what the letter may say."""

from dataclasses import dataclass

from django.conf import settings

from plenary.groups.models import Body, Role
from plenary.letters.models import LetterDetails, LetterTemplate
from plenary.meetings.models import Meeting, PlanVersion
from plenary.meetings.selectors import meeting_dates, meeting_deadlines, plan_shown


class LetterTemplateMissing(LookupError):
    """No template, not even the default, words a section of the letter."""


@dataclass(frozen=True)
class Person:
    """A person as a letter names them."""

    title: str
    name: str
    country: str
    organization: str
    email: str

    def __str__(self):
        return f"{self.title} {self.name}".strip()

    @property
    def formal(self) -> str:
        """'Ms Xiaojie ZHU': the family name in capitals, as ITU letters write it.

        The family name is taken to be the last word of the name as the person gave it.
        """
        given, _, family = self.name.rpartition(" ")
        return " ".join(part for part in (self.title, given, family.upper()) if part)


def _person(user) -> Person:
    return Person(
        title=user.title,
        name=user.name,
        country=user.country.name if user.country else "",
        organization=user.organization.name if user.organization_id else "",
        email=user.email,
    )


def letter_sections(*, body: Body) -> dict[str, str]:
    """Each section's template text for a body's letters.

    Nearest first: the body's own template, its parents' up the tree, then the default; a blank
    section is taken from the next one.
    """
    chain = [body, *body.ancestors()]
    templates = {t.body_id: t for t in LetterTemplate.objects.filter(body__in=chain)}
    default = LetterTemplate.objects.filter(body__isnull=True).first()
    ordered = [templates[b.pk] for b in chain if b.pk in templates]
    if default is not None:
        ordered.append(default)
    sections = {}
    for name in LetterTemplate.SECTIONS:
        texts = [getattr(template, name) for template in ordered]
        sections[name] = next((text for text in texts if text.strip()), "")
    if not sections["main_text"]:
        raise LetterTemplateMissing(f"No letter template words the letter of {body}.")
    return sections


def _role_holder(bodies: list[Body], name: str) -> Person | None:
    """The holder of a role in the first of the bodies that has one."""
    roles = Role.objects.filter(body__in=bodies, name=name).select_related(
        "person", "person__organization"
    )
    by_body = {}
    for role in roles.order_by("person__name"):
        by_body.setdefault(role.body_id, role.person)
    for body in bodies:
        if body.pk in by_body:
            return _person(by_body[body.pk])
    return None


def letter_context(*, meeting: Meeting) -> dict:
    """Everything a letter template may name, from the meeting's data."""
    body = meeting.body
    chain = [body, *body.ancestors()]
    sector = chain[-1]
    study_group = body.study_group
    details = LetterDetails.objects.filter(meeting=meeting).first() or LetterDetails(
        meeting=meeting
    )
    return {
        "meeting": meeting,
        "body": body,
        "study_group": study_group,
        "sector": sector,
        "chairman": _role_holder([body], Role.Name.CHAIRMAN),
        "study_group_chairman": (
            _role_holder([study_group], Role.Name.CHAIRMAN) if study_group else None
        ),
        "signatory": _role_holder([sector], Role.Name.DIRECTOR),
        "contact": _role_holder(chain, Role.Name.COUNSELLOR),
        "details": details,
        "dates": meeting_dates(meeting),
        "objective": meeting.objective.strip().rstrip(".:;").strip(),
        "drafts": list(meeting.drafts.order_by("acronym")),
        "deadlines": meeting_deadlines(meeting),
        # A letter goes out to the membership: it carries the published agenda and time plan.
        "agenda": plan_shown(meeting=meeting, kind=PlanVersion.Kind.AGENDA, editor=False).rows,
        "slots": plan_shown(meeting=meeting, kind=PlanVersion.Kind.TIME_PLAN, editor=False).rows,
        "meeting_url": f"{settings.SITE_URL}{meeting.get_absolute_url()}",
    }
