"""The agenda and time-plan editors, and the published versions' history.

Every action is a plain form POST that redirects back with a message; the same URL called by HTMX
(`request.htmx`) answers with the editor's list re-rendered instead, so the page updates in place.
Bad input answers 422 (and an unknown item 404) with the editor and a clear message, never a 500.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plenary.meetings import selectors
from plenary.meetings.agenda_forms import (
    AgendaItemForm,
    DeleteForm,
    MoveForm,
    PublishForm,
    SlotForm,
)
from plenary.meetings.models import AgendaItem, Meeting, PlanVersion, TimePlanSlot
from plenary.meetings.permissions import can_manage_meeting, can_view_meeting
from plenary.meetings.services import agenda as services

KIND_SLUGS = {"agenda": PlanVersion.Kind.AGENDA, "time-plan": PlanVersion.Kind.TIME_PLAN}

# The inline edit form shares the page with the add form; its own ids keep labels unambiguous.
EDIT_IDS = "edit_%s"

GONE_ITEM = (
    "That agenda item is not on this meeting's agenda; another editor may have just removed it. "
    "The list below is the current one."
)
GONE_SLOT = (
    "That session is not in this meeting's time plan; another editor may have just removed it. "
    "The list below is the current one."
)


def _editable_meeting(request, slug: str) -> Meeting:
    """The meeting, if the person may edit its plans: 404 if they may not even see it, else 403."""
    meeting = get_object_or_404(Meeting.objects.select_related("body__parent"), slug=slug)
    if not can_manage_meeting(request.user, meeting):
        if not can_view_meeting(request.user, meeting):
            raise Http404("No meeting matches the given query.")
        raise PermissionDenied("Only the secretariat and the meeting's chairs edit its plans.")
    return meeting


def _first_error(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where the service named one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _render_agenda(
    request,
    meeting: Meeting,
    *,
    status: int = 200,
    notice: str = "",
    error: str = "",
    add_form: AgendaItemForm | None = None,
    publish_form: PublishForm | None = None,
    editing: AgendaItem | None = None,
    edit_form: AgendaItemForm | None = None,
    confirm_delete: AgendaItem | None = None,
):
    """The agenda editor: the whole page, or (for HTMX) only the part that changes."""
    plan = selectors.plan_shown(meeting=meeting, kind=PlanVersion.Kind.AGENDA, editor=True)
    confirm_rows = []
    if confirm_delete is not None:
        for row in plan.rows:
            if confirm_rows and row.depth <= confirm_rows[0].depth:
                break
            if confirm_rows or row.pk == confirm_delete.pk:
                confirm_rows.append(row)
    context = {
        "meeting": meeting,
        "plan": plan,
        "add_form": add_form or AgendaItemForm(meeting=meeting, adding=True),
        "publish_form": publish_form or PublishForm(),
        "editing": editing,
        "edit_form": edit_form,
        "confirm_delete": confirm_delete,
        "confirm_rows": confirm_rows,
        "notice": notice,
        "error": error,
    }
    if request.htmx:
        template = "meetings/agenda/_agenda_editor.html"
    else:
        template = "meetings/agenda/agenda_editor.html"
        if error:
            messages.error(request, error)
        context["notice"] = context["error"] = ""
    return render(request, template, context, status=status)


def _agenda_done(request, meeting: Meeting, notice: str):
    if request.htmx:
        return _render_agenda(request, meeting, notice=notice)
    messages.success(request, notice)
    return redirect("meetings:agenda_edit", slug=meeting.slug)


def _agenda_item(request, meeting: Meeting, item_id: int):
    """The item, or the editor answering 404 with a message when it is not this meeting's."""
    item = AgendaItem.objects.filter(pk=item_id, meeting=meeting).first()
    if item is None:
        return None, _render_agenda(request, meeting, status=404, error=GONE_ITEM)
    return item, None


@require_safe
@login_required
def agenda_edit(request, slug):
    """The working copy of the agenda, with every editing action."""
    meeting = _editable_meeting(request, slug)
    return _render_agenda(request, meeting)


@require_POST
@login_required
def agenda_item_add(request, slug):
    """Add an item at the end of the agenda or under another item."""
    meeting = _editable_meeting(request, slug)
    form = AgendaItemForm(request.POST, meeting=meeting, adding=True)
    if form.is_valid():
        try:
            item = services.agenda_item_add(
                meeting=meeting,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                parent=form.cleaned_data["parent"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            number = selectors.agenda_number(item)
            return _agenda_done(request, meeting, f"Added item {number} “{item.title}”.")
    return _render_agenda(
        request, meeting, status=422, add_form=form, error="The item was not added: see below."
    )


@require_http_methods(["GET", "POST"])
@login_required
def agenda_item_edit(request, slug, item_id):
    """Change an item's title and description, in place in the list."""
    meeting = _editable_meeting(request, slug)
    item, gone = _agenda_item(request, meeting, item_id)
    if gone:
        return gone
    if request.method == "GET":
        form = AgendaItemForm(
            meeting=meeting,
            adding=False,
            auto_id=EDIT_IDS,
            initial={"title": item.title, "description": item.description},
        )
        return _render_agenda(request, meeting, editing=item, edit_form=form)
    form = AgendaItemForm(request.POST, meeting=meeting, adding=False, auto_id=EDIT_IDS)
    if form.is_valid():
        try:
            item = services.agenda_item_update(
                item=item,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            number = selectors.agenda_number(item)
            return _agenda_done(request, meeting, f"Saved item {number} “{item.title}”.")
    return _render_agenda(
        request,
        meeting,
        status=422,
        editing=item,
        edit_form=form,
        error="The item was not saved: see below.",
    )


@require_POST
@login_required
def agenda_item_delete(request, slug, item_id):
    """Remove an item; one with sub-items is removed only after a confirmation step."""
    meeting = _editable_meeting(request, slug)
    item, gone = _agenda_item(request, meeting, item_id)
    if gone:
        return gone
    form = DeleteForm(request.POST)
    confirmed = form.is_valid() and form.cleaned_data["confirm"]
    if item.children.exists() and not confirmed:
        return _render_agenda(request, meeting, confirm_delete=item)
    number = selectors.agenda_number(item)
    try:
        removed = services.agenda_item_delete(item=item, with_sub_items=confirmed)
    except ValidationError as exc:
        return _render_agenda(request, meeting, status=422, error=_first_error(exc))
    also = f" and its {removed - 1} sub-item{'s' if removed > 2 else ''}" if removed > 1 else ""
    notice = f"Removed item {number} “{item.title}”{also}; the items after it were renumbered."
    if selectors.latest_version(meeting, PlanVersion.Kind.AGENDA):
        notice += " Until you publish, “Discard changes” brings it back."
    return _agenda_done(request, meeting, notice)


@require_POST
@login_required
def agenda_item_move(request, slug, item_id):
    """Move an item up or down among its siblings, in (under the item before) or out a level."""
    meeting = _editable_meeting(request, slug)
    item, gone = _agenda_item(request, meeting, item_id)
    if gone:
        return gone
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _render_agenda(
            request, meeting, status=422, error=" ".join(form.errors["direction"])
        )
    direction = form.cleaned_data["direction"]
    try:
        if direction == "in":
            item = services.agenda_item_indent(item=item)
        elif direction == "out":
            item = services.agenda_item_outdent(item=item)
        else:
            item = services.agenda_item_move(item=item, direction=direction)
    except ValidationError as exc:
        return _render_agenda(request, meeting, status=422, error=_first_error(exc))
    number = selectors.agenda_number(item)
    return _agenda_done(request, meeting, f"“{item.title}” is now item {number}.")


def _publish(request, meeting, *, publish, render, done, label):
    """Publish the working copy of the agenda or time plan as its next numbered version."""
    form = PublishForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            meeting,
            status=422,
            publish_form=form,
            error="Nothing was published: see below.",
        )
    try:
        version = publish(meeting=meeting, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as exc:
        return render(request, meeting, status=422, publish_form=form, error=_first_error(exc))
    return done(
        request,
        meeting,
        f"Published {label} version {version.number}: the meeting page now shows it.",
    )


def _discard(request, meeting, *, discard, render, done, label):
    """Throw away unpublished changes: the working copy becomes the last published version."""
    try:
        version = discard(meeting=meeting)
    except ValidationError as exc:
        return render(request, meeting, status=422, error=_first_error(exc))
    return done(
        request, meeting, f"Unpublished changes discarded: the {label} is version {version.number}."
    )


@require_POST
@login_required
def agenda_publish(request, slug):
    """Publish the working copy as the next numbered version of the agenda."""
    return _publish(
        request,
        _editable_meeting(request, slug),
        publish=services.agenda_publish,
        render=_render_agenda,
        done=_agenda_done,
        label="agenda",
    )


@require_POST
@login_required
def agenda_discard(request, slug):
    """Throw away unpublished changes: the working copy becomes the last published version."""
    return _discard(
        request,
        _editable_meeting(request, slug),
        discard=services.agenda_discard_changes,
        render=_render_agenda,
        done=_agenda_done,
        label="agenda",
    )


def _render_time_plan(
    request,
    meeting: Meeting,
    *,
    status: int = 200,
    notice: str = "",
    error: str = "",
    add_form: SlotForm | None = None,
    publish_form: PublishForm | None = None,
    editing: TimePlanSlot | None = None,
    edit_form: SlotForm | None = None,
):
    """The time-plan editor: the whole page, or (for HTMX) only the part that changes."""
    context = {
        "meeting": meeting,
        "plan": selectors.plan_shown(meeting=meeting, kind=PlanVersion.Kind.TIME_PLAN, editor=True),
        "slots": list(meeting.slots.all()),
        "add_form": add_form or SlotForm(meeting=meeting),
        "publish_form": publish_form or PublishForm(),
        "editing": editing,
        "edit_form": edit_form,
        "notice": notice,
        "error": error,
        "viewer_tz": request.viewer_tz,
    }
    if request.htmx:
        template = "meetings/agenda/_time_plan_editor.html"
    else:
        template = "meetings/agenda/time_plan_editor.html"
        if error:
            messages.error(request, error)
        context["notice"] = context["error"] = ""
    return render(request, template, context, status=status)


def _time_plan_done(request, meeting: Meeting, notice: str):
    if request.htmx:
        return _render_time_plan(request, meeting, notice=notice)
    messages.success(request, notice)
    return redirect("meetings:time_plan_edit", slug=meeting.slug)


def _slot(request, meeting: Meeting, slot_id: int):
    slot = (
        TimePlanSlot.objects.filter(pk=slot_id, meeting=meeting).select_related("meeting").first()
    )
    if slot is None:
        return None, _render_time_plan(request, meeting, status=404, error=GONE_SLOT)
    return slot, None


def _slot_fields(form: SlotForm) -> dict:
    return {
        key: form.cleaned_data[key]
        for key in ("date", "start", "end", "title", "session_key", "room")
    }


def _slot_label(slot: TimePlanSlot) -> str:
    return f"“{slot.title}” on {slot.date:%-d %B %Y}, {slot.start:%H:%M}–{slot.end:%H:%M}"


@require_safe
@login_required
def time_plan_edit(request, slug):
    """The working copy of the time plan, with every editing action."""
    meeting = _editable_meeting(request, slug)
    return _render_time_plan(request, meeting)


@require_POST
@login_required
def slot_add(request, slug):
    """Add a session to the time plan."""
    meeting = _editable_meeting(request, slug)
    form = SlotForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            slot = services.slot_add(meeting=meeting, **_slot_fields(form))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _time_plan_done(request, meeting, f"Added {_slot_label(slot)}.")
    return _render_time_plan(
        request, meeting, status=422, add_form=form, error="The session was not added: see below."
    )


@require_http_methods(["GET", "POST"])
@login_required
def slot_edit(request, slug, slot_id):
    """Change a session, in place in the list."""
    meeting = _editable_meeting(request, slug)
    slot, gone = _slot(request, meeting, slot_id)
    if gone:
        return gone
    if request.method == "GET":
        initial = {key: getattr(slot, key) for key in ("date", "start", "end", "title", "room")}
        form = SlotForm(
            meeting=meeting,
            initial={**initial, "session_key": slot.session_key},
            auto_id=EDIT_IDS,
        )
        return _render_time_plan(request, meeting, editing=slot, edit_form=form)
    form = SlotForm(request.POST, meeting=meeting, auto_id=EDIT_IDS)
    if form.is_valid():
        try:
            slot = services.slot_update(slot=slot, **_slot_fields(form))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _time_plan_done(request, meeting, f"Saved {_slot_label(slot)}.")
    return _render_time_plan(
        request,
        meeting,
        status=422,
        editing=slot,
        edit_form=form,
        error="The session was not saved: see below.",
    )


@require_POST
@login_required
def slot_delete(request, slug, slot_id):
    """Remove a session from the working copy."""
    meeting = _editable_meeting(request, slug)
    slot, gone = _slot(request, meeting, slot_id)
    if gone:
        return gone
    label = _slot_label(slot)
    try:
        services.slot_delete(slot=slot)
    except ValidationError as exc:
        return _render_time_plan(request, meeting, status=422, error=_first_error(exc))
    notice = f"Removed {label}."
    if selectors.latest_version(meeting, PlanVersion.Kind.TIME_PLAN):
        notice += " Until you publish, “Discard changes” brings it back."
    return _time_plan_done(request, meeting, notice)


@require_POST
@login_required
def time_plan_publish(request, slug):
    """Publish the working copy as the next numbered version of the time plan."""
    return _publish(
        request,
        _editable_meeting(request, slug),
        publish=services.time_plan_publish,
        render=_render_time_plan,
        done=_time_plan_done,
        label="time plan",
    )


@require_POST
@login_required
def time_plan_discard(request, slug):
    """Throw away unpublished changes: the working copy becomes the last published version."""
    return _discard(
        request,
        _editable_meeting(request, slug),
        discard=services.time_plan_discard_changes,
        render=_render_time_plan,
        done=_time_plan_done,
        label="time plan",
    )


def _visible_meeting(request, slug: str) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("body__parent"), slug=slug)
    if not (can_view_meeting(request.user, meeting) or can_manage_meeting(request.user, meeting)):
        raise Http404("No meeting matches the given query.")
    return meeting


@require_safe
def plan_history(request, slug):
    """Every published version of the agenda and the time plan: number, who, when, note."""
    meeting = _visible_meeting(request, slug)
    versions = list(meeting.plan_versions.select_related("published_by", "meeting__body"))
    for version in versions:
        version.publisher = selectors.publisher_label(version)
    sections = [
        (kind_slug, kind.label, [v for v in versions if v.kind == kind])
        for kind_slug, kind in KIND_SLUGS.items()
    ]
    context = {
        "meeting": meeting,
        "sections": sections,
        "can_manage": can_manage_meeting(request.user, meeting),
    }
    return render(request, "meetings/agenda/history.html", context)


@require_safe
def plan_version(request, slug, kind, number):
    """One published version of the agenda or time plan, as it was published."""
    meeting = _visible_meeting(request, slug)
    if kind not in KIND_SLUGS:
        raise Http404("No such plan.")
    version = get_object_or_404(
        PlanVersion.objects.select_related("published_by", "meeting__body"),
        meeting=meeting,
        kind=KIND_SLUGS[kind],
        number=number,
    )
    if version.kind == PlanVersion.Kind.AGENDA:
        rows, slots = selectors.rows_from_snapshot(version.snapshot), []
    else:
        rows, slots = [], selectors.slots_from_snapshot(meeting, version.snapshot)
    latest = selectors.latest_version(meeting, version.kind)
    context = {
        "meeting": meeting,
        "version": version,
        "kind_slug": kind,
        "publisher": selectors.publisher_label(version),
        "rows": rows,
        "slots": slots,
        "is_latest": latest is not None and latest.pk == version.pk,
        "viewer_tz": request.viewer_tz,
    }
    return render(request, "meetings/agenda/version.html", context)
