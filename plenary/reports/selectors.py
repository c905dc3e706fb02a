"""Reads of the meeting's record the report is drafted from, in a fixed number of queries.

Each function reads one part of the record (registrations and attendance, documents, decisions,
interventions, the work programme, later meetings) into the plain rows of `content`; none of them
issues a query per document, decision or person.
"""

from django.db.models import Prefetch, Q

from plenary.accounts.models import User
from plenary.decisions import programme
from plenary.decisions.models import Decision, OutgoingLiaison, WorkItem
from plenary.documents.models import Document, LiaisonDetails
from plenary.groups.models import Body, Role, StudyPeriod
from plenary.live.models import Attendance, Intervention
from plenary.meetings.models import AgendaItem, Meeting
from plenary.meetings.selectors import agenda_rows
from plenary.registrations.models import Registration
from plenary.reports import content
from plenary.reports.models import MeetingReport

# What each kind of decision did to the work items it names, as the programme update says it.
CHANGE_OF_DECISION = {
    Decision.Kind.CONSENT: "Consented",
    Decision.Kind.DETERMINATION: "Determined",
    Decision.Kind.AGREEMENT: "Agreed",
    Decision.Kind.NEW_WORK_ITEM: "New work item agreed",
    Decision.Kind.REPORT_APPROVAL: "Report approved",
    Decision.Kind.DOCUMENTS_NOTED: "Documents noted",
}
DECISION_OF_APPROVAL = {
    Decision.Kind.CONSENT: "Consented (AAP)",
    Decision.Kind.DETERMINATION: "Determined (TAP)",
}


def meeting_report(meeting: Meeting) -> MeetingReport | None:
    """The meeting's report row, with its item summaries, or None before anyone drafted it."""
    return (
        MeetingReport.objects.filter(meeting=meeting)
        .select_related("document__study_group", "document__current_revision")
        .prefetch_related("summaries")
        .first()
    )


def report_edits(meeting: Meeting, report: MeetingReport | None, facts: content.Facts):
    """The secretariat's text: the stored one, or what a new draft starts with."""
    if report is None:
        return content.default_edits(facts)
    return content.Edits(
        title=report.title,
        source=report.source,
        introduction=report.introduction,
        closing=report.closing,
        summaries={summary.agenda_item_id: summary.text for summary in report.summaries.all()},
    )


def _dates(meeting: Meeting) -> str:
    start, end = meeting.start_date, meeting.end_date
    if start == end:
        return f"{start:%-d %B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%-d}-{end:%-d %B %Y}"
    return f"{start:%-d %B} - {end:%-d %B %Y}"


def _place(meeting: Meeting) -> str:
    if meeting.place:
        return meeting.place
    return "Virtual" if meeting.mode == Meeting.Mode.VIRTUAL else meeting.get_mode_display()


def _study_group(meeting: Meeting) -> Body:
    return meeting.body.study_group or meeting.body


def meeting_facts(meeting: Meeting, roles: list[Role]) -> content.Facts:
    """The meeting's name, place, dates and chairman as the report's cover and opening give them."""
    study_group = _study_group(meeting)
    period = StudyPeriod.for_year(meeting.start_date.year)
    chairman = next(
        (r.person for r in roles if r.body_id == meeting.body_id and r.name == Role.Name.CHAIRMAN),
        None,
    )
    zone = meeting.time_zone_label or meeting.time_zone
    return content.Facts(
        study_group_number=study_group.number,
        study_group_name=study_group.long_name,
        study_period=str(period) if period else "",
        body_name=meeting.body.long_name,
        meeting_title=meeting.title,
        place=_place(meeting),
        dates=_dates(meeting),
        hours=f"{meeting.daily_start:%H:%M}-{meeting.daily_end:%H:%M} {zone}",
        remote_tool=meeting.remote_tool,
        chairman=(
            f"{chairman.display_name} ({chairman.affiliation})"
            if chairman and chairman.affiliation
            else (chairman.display_name if chairman else "")
        ),
        objective=meeting.objective,
        languages=", ".join(meeting.language_names),
    )


def meeting_roles(meeting: Meeting) -> list[Role]:
    """The meeting's chairman and its study group's counsellor: the report's contacts."""
    return list(
        Role.objects.filter(
            Q(body=meeting.body, name=Role.Name.CHAIRMAN)
            | Q(body=_study_group(meeting), name=Role.Name.COUNSELLOR)
        )
        .select_related("person__organization")
        .order_by("name", "id")
    )


def _contacts(roles: list[Role]) -> list[content.Contact]:
    contacts = []
    for role in roles:
        person = role.person
        organization = person.organization.name if person.organization else ""
        country = person.country.name if person.country else ""
        contacts.append(
            content.Contact(
                name=person.display_name,
                organization=organization,
                # A Member State's administration is named after its country: say it once.
                country="" if country == organization else country,
                email=person.email,
            )
        )
    return contacts


def participants(meeting: Meeting) -> list[content.Participant]:
    """Each person registered (approved) or present in one of the meeting's live rooms, counted
    under the organization their registration names (else their own)."""
    registrations = Registration.objects.filter(
        meeting=meeting, state=Registration.State.APPROVED
    ).select_related("organization", "person")
    attended = set(
        Attendance.objects.filter(room__meeting=meeting)
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )
    people: dict[int, content.Participant] = {}
    for registration in registrations:
        people[registration.person_id] = _participant(
            registration.person,
            registration.organization,
            registered=True,
            attended=registration.person_id in attended,
        )
    unregistered = attended - set(people)
    for person in User.objects.filter(pk__in=unregistered).select_related("organization"):
        people[person.pk] = _participant(
            person, person.organization, registered=False, attended=True
        )
    return list(people.values())


def _participant(person, organization, *, registered: bool, attended: bool) -> content.Participant:
    if organization is not None:
        country = organization.country.name if organization.country else ""
        category = organization.get_category_display()
    else:
        country = person.country.name if person.country else ""
        category = ""
    return content.Participant(
        category=category, country=country, registered=registered, attended=attended
    )


def meeting_documents(meeting: Meeting) -> list[content.DocumentRow]:
    """The meeting's posted contributions and TDs (not those held for the next meeting)."""
    documents = (
        Document.objects.filter(
            meeting=meeting,
            state=Document.State.POSTED,
            held_for_next=False,
            kind__in=[Document.Kind.CONTRIBUTION, Document.Kind.TD],
        )
        .select_related("study_group")
        .order_by("kind", "number", "id")
    )
    return [
        content.DocumentRow(
            pk=d.pk,
            number=d.display_number,
            kind=d.get_kind_display(),
            title=d.title,
            source=d.source,
            abstract=d.abstract,
            agenda_item_id=d.agenda_item_id,
        )
        for d in documents
    ]


def standing_decisions(meeting: Meeting) -> list[Decision]:
    """The meeting's decisions as they stand: a corrected decision gives way to its correction."""
    return list(
        Decision.objects.filter(meeting=meeting, corrections__isnull=True)
        .prefetch_related(
            Prefetch("documents", queryset=Document.objects.select_related("study_group")),
            Prefetch(
                "work_items",
                queryset=WorkItem.objects.select_related("question").prefetch_related("editors"),
            ),
        )
        .order_by("recorded_at", "id")
    )


def _decision_row(decision: Decision) -> content.DecisionRow:
    return content.DecisionRow(
        kind=decision.kind,
        kind_label=decision.get_kind_display(),
        text=decision.text,
        agenda_item_id=decision.agenda_item_id,
        agenda_title=decision.agenda_title,
        documents=tuple(d.display_number for d in decision.documents.all()),
        work_items=tuple(w.acronym for w in decision.work_items.all()),
    )


def _editors(item: WorkItem) -> str:
    return "; ".join(sorted(str(editor) for editor in item.editors.all()))


def _approvals(decisions: list[Decision]) -> list[content.ApprovalRow]:
    rows = []
    for decision in decisions:
        if decision.kind not in DECISION_OF_APPROVAL:
            continue
        documents = tuple(d.display_number for d in decision.documents.all())
        for item in decision.work_items.all():
            rows.append(
                content.ApprovalRow(
                    acronym=item.acronym,
                    title=item.long_title,
                    question=item.question.acronym if item.question else "",
                    decision=DECISION_OF_APPROVAL[decision.kind],
                    documents=documents,
                    editors=_editors(item),
                    status=item.get_status_display(),
                )
            )
    return rows


def agreed_liaison_statements(meeting: Meeting) -> list[content.LiaisonRow]:
    """The outgoing liaison statements the meeting agreed, in two queries.

    First those drafted in Plenary and agreed by a decision (OutgoingLiaison, agreed or posted);
    then LS TDs that an agreement decision of the meeting agreed directly (a TD whose title starts
    LS/, incoming ones excepted) and that no OutgoingLiaison already stands for.
    """
    rows = []
    liaisons = (
        OutgoingLiaison.objects.filter(
            meeting=meeting,
            state__in=[OutgoingLiaison.State.AGREED, OutgoingLiaison.State.POSTED],
        )
        .select_related("meeting", "document__study_group", "replies_to__study_group")
        .order_by("created_at", "id")
    )
    for liaison in liaisons:
        posted = liaison.document
        rows.append(
            content.LiaisonRow(
                url=posted.get_absolute_url() if posted else liaison.get_absolute_url(),
                number=posted.display_number if posted else "Not yet posted",
                title=posted.title if posted else liaison.full_title,
                for_action=liaison.for_action,
                for_comment=liaison.for_comment,
                for_information=liaison.for_information,
                approval=liaison.get_approval_display(),
                deadline=f"{liaison.deadline:%-d %B %Y}" if liaison.deadline else "",
            )
        )
    documents = (
        Document.objects.filter(
            decisions__meeting=meeting,
            decisions__kind=Decision.Kind.AGREEMENT,
            decisions__corrections__isnull=True,
            kind=Document.Kind.TD,
            title__istartswith="LS/",
            outgoing_liaison__isnull=True,
        )
        .exclude(title__istartswith="LS/i")
        .exclude(liaison__direction=LiaisonDetails.Direction.INCOMING)
        .select_related("study_group", "liaison")
        .distinct()
        .order_by("number", "id")
    )
    for document in documents:
        details = getattr(document, "liaison", None)
        rows.append(
            content.LiaisonRow(
                url=document.get_absolute_url(),
                number=document.display_number,
                title=document.title,
                for_action=details.for_action if details else "",
                for_comment=details.for_comment if details else "",
                for_information=details.for_information if details else "",
                approval=details.get_approval_display() if details and details.approval else "",
                deadline=f"{details.deadline:%-d %B %Y}" if details and details.deadline else "",
            )
        )
    return rows


def programme_update(meeting: Meeting, decisions: list[Decision]) -> list[content.ProgrammeRow]:
    """The work items the meeting was to consider or decided on, with what it did to each."""
    changes: dict[int, list[str]] = {}
    for decision in decisions:
        for item in decision.work_items.all():
            change = CHANGE_OF_DECISION[decision.kind]
            if change not in changes.setdefault(item.pk, []):
                changes[item.pk].append(change)
    items = programme.work_programme(_study_group(meeting), programme.Filters(meeting=meeting))
    return [
        content.ProgrammeRow(
            acronym=item.acronym,
            title=item.title,
            question=item.question.acronym if item.question else "",
            editors=_editors(item),
            base_text=item.base_text.display_number if item.base_text else "",
            timing=f"{item.timing:%B %Y}" if item.timing else "",
            process=item.approval_process,
            status=item.get_status_display(),
            change="; ".join(changes.get(item.pk, [])),
        )
        for item in items
    ]


def future_meetings(meeting: Meeting) -> list[content.FutureMeeting]:
    """Later announced meetings of the same body and of its study group."""
    later = (
        Meeting.objects.filter(
            body_id__in={meeting.body_id, _study_group(meeting).pk},
            start_date__gt=meeting.end_date,
        )
        .exclude(status__in=[Meeting.Status.DRAFT, Meeting.Status.CANCELLED])
        .order_by("start_date", "slug")
    )
    return [
        content.FutureMeeting(slug=m.slug, title=m.title, dates=_dates(m), place=_place(m))
        for m in later
    ]


def agenda_entries(meeting: Meeting) -> list[content.AgendaEntry]:
    """The meeting's agenda items (the working copy, which decisions and documents point to),
    numbered 1, 2, 2.1 in reading order."""
    return [
        content.AgendaEntry(pk=row.pk, number=row.number, depth=row.depth, title=row.title)
        for row in agenda_rows(AgendaItem.objects.filter(meeting=meeting))
        if row.pk is not None
    ]


def report_sources(meeting: Meeting) -> content.Sources:
    """Everything the report is drafted from. The meeting should come with its body's parents
    (select_related("body__parent__parent")) so that naming them costs no query."""
    roles = meeting_roles(meeting)
    decisions = standing_decisions(meeting)
    interventions = (
        Intervention.objects.filter(room__meeting=meeting)
        .select_related("person")
        .order_by("started_at", "id")
    )
    return content.Sources(
        facts=meeting_facts(meeting, roles),
        agenda=agenda_entries(meeting),
        documents=meeting_documents(meeting),
        decisions=[_decision_row(d) for d in decisions],
        interventions=[
            content.InterventionRow(
                agenda_item_id=i.agenda_item_id,
                speaker=i.delegation or i.affiliation or i.person.display_name,
            )
            for i in interventions
        ],
        participants=participants(meeting),
        approvals=_approvals(decisions),
        liaison_statements=agreed_liaison_statements(meeting),
        work_programme=programme_update(meeting, decisions),
        future_meetings=future_meetings(meeting),
        contacts=_contacts(roles),
    )
