"""The work programme of a study group (page and exports) and the decisions of a meeting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plenary.decisions import programme, services
from plenary.decisions.forms import (
    ApprovalAdvanceForm,
    CorrectionForm,
    DecisionForm,
    WorkItemForm,
    WorkProgrammeFilterForm,
)
from plenary.decisions.models import Decision, WorkItem
from plenary.decisions.permissions import (
    can_advance_approval,
    can_edit_work_item,
    can_record_decision,
)
from plenary.decisions.selectors import meeting_decision_list
from plenary.groups.models import Body
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_view_meeting, meetings_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _study_group(acronym: str) -> Body:
    return get_object_or_404(Body, acronym__iexact=acronym, kind=Body.Kind.STUDY_GROUP)


def _programme(request, acronym: str):
    """The study group, the filter form and the filtered items (none when the filters are bad)."""
    study_group = _study_group(acronym)
    form = WorkProgrammeFilterForm(
        request.GET or None, study_group=study_group, meetings=meetings_visible_to(request.user)
    )
    filters = programme.Filters()
    if form.is_bound and form.is_valid():
        filters = programme.Filters(
            question=form.cleaned_data["question"],
            status=form.cleaned_data["status"],
            meeting=form.cleaned_data["meeting"],
            candidates_only=form.cleaned_data["candidates"],
        )
    items = programme.work_programme(study_group, filters)
    return study_group, form, items


@require_safe
def work_programme(request, acronym):
    """The study group's work items with their status codes and due dates; public, like the
    work-programme database it mirrors."""
    study_group, form, items = _programme(request, acronym)
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {
        "study_group": study_group,
        "form": form,
        "items": items if status == 200 else [],
        "query": request.GET.urlencode(),
    }
    return render(request, "decisions/work_programme.html", context, status=status)


@require_safe
def work_programme_export(request, acronym, fmt):
    """The filtered work programme as CSV or XLSX."""
    study_group, form, items = _programme(request, acronym)
    if form.is_bound and not form.is_valid():
        errors = " ".join(message for field in form.errors.values() for message in field)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    name = f"work-programme-{study_group.acronym}"
    if fmt == "csv":
        response = HttpResponse(programme.as_csv(items), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            programme.as_xlsx(items, title=f"Work programme {study_group.acronym}"),
            content_type=XLSX,
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _work_item(acronym: str, pk: int) -> WorkItem:
    items = WorkItem.objects.select_related(
        "study_group", "question", "base_text__study_group", "latest_text__study_group"
    )
    return get_object_or_404(items, pk=pk, study_group__acronym__iexact=acronym)


def _work_item_page(request, item: WorkItem, form: ApprovalAdvanceForm | None, status: int = 200):
    steps = list(item.approval_steps.select_related("by").order_by("id"))
    stage = steps[-1].stage if steps else None
    can_advance = can_advance_approval(request.user, item) and stage is not None
    if can_advance and form is None:
        form = ApprovalAdvanceForm(stage=stage)
    context = {
        "item": item,
        "steps": steps,
        "stage": stage,
        "events": item.events.select_related("by").order_by("at", "id"),
        "decisions": item.decisions.select_related("meeting").order_by("recorded_at", "id"),
        "form": form if can_advance and stage is not None and not stage.is_final else None,
        "can_edit": can_edit_work_item(request.user, item),
        "texts": item.texts.select_related("study_group", "meeting").order_by("-created_at"),
    }
    return render(request, "decisions/work_item.html", context, status=status)


@require_safe
def work_item(request, acronym, pk):
    """One work item: where its approval stands, what is due, and its history."""
    return _work_item_page(request, _work_item(acronym, pk), None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def work_item_edit(request, acronym, pk):
    """The item's editors, its Question's rapporteurs, the chairs and the secretariat keep its
    entry up to date; every change is kept in its history."""
    item = _work_item(acronym, pk)
    if not can_edit_work_item(request.user, item):
        raise PermissionDenied("Only the item's editors, rapporteurs, chairs and secretariat.")
    form = WorkItemForm(request.POST or None, work_item=item)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            event = services.work_item_update(
                work_item=item, by=request.user, note=form.cleaned_data["note"], **form.changes()
            )
            if event is None:
                messages.info(request, f"{item}: nothing changed.")
            else:
                messages.success(request, f"{item} saved; the change is kept in its history.")
            return redirect("decisions:work_item", acronym=item.study_group.acronym, pk=item.pk)
        status = 422
    return render(
        request, "decisions/work_item_edit.html", {"item": item, "form": form}, status=status
    )


@require_POST
@login_required
def approval_advance(request, acronym, pk):
    """The secretariat records the next step of a draft's approval, with the comments received."""
    item = _work_item(acronym, pk)
    if not can_advance_approval(request.user, item):
        raise PermissionDenied("Only the secretariat advances an approval process.")
    latest = item.approval_steps.order_by("-id").first()
    form = ApprovalAdvanceForm(request.POST, stage=latest.stage if latest else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            step = services.approval_advance(
                work_item=item,
                event=data["event"],
                on=data["on"],
                comments=data["comments"],
                meeting_date=data["meeting_date"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{item}: {step.get_state_display()}.")
            return redirect("decisions:work_item", acronym=item.study_group.acronym, pk=item.pk)
    return _work_item_page(request, item, form, status=422)


def _recording_meeting(request, slug: str) -> Meeting:
    """The meeting, if the person may record its decisions: 404 if they may not see it, else 403."""
    meeting = get_object_or_404(Meeting.objects.select_related("body__parent"), slug=slug)
    if not can_record_decision(request.user, meeting):
        if not can_view_meeting(request.user, meeting):
            raise Http404("No meeting matches the given query.")
        raise PermissionDenied("Only the meeting's chairs and the secretariat record decisions.")
    return meeting


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_safe
def meeting_decisions(request, slug):
    """What the meeting decided, for everyone who may see the meeting."""
    meeting = get_object_or_404(Meeting.objects.select_related("body__parent"), slug=slug)
    if not can_view_meeting(request.user, meeting):
        raise Http404("No meeting matches the given query.")
    context = {
        "meeting": meeting,
        "decisions": meeting_decision_list(meeting),
        "can_record": can_record_decision(request.user, meeting),
    }
    return render(request, "decisions/meeting_decisions.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def decision_record(request, slug):
    """Record a decision against an agenda item; lists what the meeting decided so far."""
    meeting = _recording_meeting(request, slug)
    form = DecisionForm(request.POST or None, meeting=meeting)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            new_work_item = form.new_work_item()
            try:
                services.decision_record(
                    meeting=meeting,
                    agenda_item=data["agenda_item"],
                    kind=data["kind"],
                    text=data["text"],
                    documents=data["documents"],
                    work_items=data["work_items"],
                    approval_meeting=data["approval_meeting"],
                    new_work_item=new_work_item,
                    by=request.user,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "The decision is recorded.")
                return redirect("decisions:decision_record", slug=meeting.slug)
        status = 422
    context = {"meeting": meeting, "form": form, "decisions": meeting_decision_list(meeting)}
    return render(request, "decisions/decision_record.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def decision_correct(request, slug, pk):
    """Correct a decision: a new decision naming the old one, which stays as it was."""
    meeting = _recording_meeting(request, slug)
    decision = get_object_or_404(Decision, pk=pk, meeting=meeting)
    form = CorrectionForm(request.POST or None, initial={"text": decision.text})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.decision_correct(
                    decision=decision, text=form.cleaned_data["text"], by=request.user
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "The correction is recorded.")
                return redirect("decisions:meeting_decisions", slug=meeting.slug)
        status = 422
    context = {"meeting": meeting, "decision": decision, "form": form}
    return render(request, "decisions/decision_correct.html", context, status=status)
