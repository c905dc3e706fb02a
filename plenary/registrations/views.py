from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plenary.core.exports import table_response
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_view_meeting
from plenary.meetings.selectors import deadline_passed, meeting_deadlines
from plenary.membership.models import FocalPoint, Organization
from plenary.registrations import selectors, services
from plenary.registrations.forms import (
    AddParticipantForm,
    AutomaticApprovalForm,
    BulkDecisionForm,
    ParticipantFilterForm,
    ReasonForm,
    RegisterForm,
)
from plenary.registrations.models import Registration, RegistrationEvent
from plenary.registrations.permissions import (
    can_cancel_registration,
    can_decide_registration,
    can_manage_registrations,
    can_register_others,
    can_set_automatic_approval,
    can_view_approval_queue,
    can_view_participants,
    can_withdraw_registration,
    decidable_registrations,
    registration_refusal,
    registrations_visible_to,
    withdrawal_refusal,
)

State = Registration.State


def _meeting(request, slug: str, *, registering: bool = False) -> Meeting:
    meetings = Meeting.objects.select_related("body__parent")
    if registering:
        meetings = selectors.meetings_for_registering()
    meeting = get_object_or_404(meetings, slug=slug)
    if not can_view_meeting(request.user, meeting):
        raise Http404("No meeting matches the given query.")
    return meeting


def _registration(request, pk: int) -> Registration:
    """A registration the user may know of; 404 for the rest, as existence itself is private."""
    return get_object_or_404(
        registrations_visible_to(request.user).select_related(
            "meeting__body", "person", "organization"
        ),
        pk=pk,
    )


def _next_or(request, fallback: str, **kwargs):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback, **kwargs)


def _posted(request):
    """The form data of a POST, even an empty one (an unticked box sends nothing), else None."""
    return request.POST if request.method == "POST" else None


def _add_service_error(form, error: services.RegistrationError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@require_http_methods(["GET", "POST"])
@login_required
def register(request, slug):
    """A signed-in person registers themselves: how they take part and their role, then confirm."""
    meeting = _meeting(request, slug, registering=True)

    def live_registration():
        return Registration.objects.filter(
            meeting=meeting, person=request.user, state__in=Registration.LIVE_STATES
        ).first()

    # A POST reads it only if the page is drawn again: the service itself refuses a second
    # registration, so an accepted submission does not pay for the look-up twice.
    existing = (
        live_registration() if request.method == "GET" else SimpleLazyObject(live_registration)
    )
    deadline = meeting_deadlines(meeting).get("registration")
    context = {"meeting": meeting, "existing": existing, "deadline": deadline}
    if existing is not None and request.method == "GET":
        return render(request, "registrations/register.html", context)
    refusal = registration_refusal(request.user, meeting)
    if refusal and not deadline_passed(meeting, "registration"):
        context["refusal"] = refusal
        return render(request, "registrations/register.html", context, status=403)
    form = RegisterForm(_posted(request), meeting=meeting)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                meeting=meeting,
                person=request.user,
                mode=form.cleaned_data["mode"],
                delegation_role=form.cleaned_data["delegation_role"],
                by=request.user,
            )
        except services.AlreadyRegistered as error:
            messages.info(request, error.message)
            return redirect("registrations:mine")
        except services.NotAllowed as error:
            raise PermissionDenied(error.message) from None
        except services.RegistrationError as error:
            _add_service_error(form, error)
        else:
            if registration.state == State.APPROVED:
                messages.success(request, f"You are registered for {meeting.title}: approved.")
            else:
                messages.success(
                    request,
                    f"Your registration for {meeting.title} is pending approval. You will be "
                    "told the outcome by e-mail.",
                )
            return redirect("registrations:mine")
    elif (
        request.method == "GET"
        and deadline is not None
        and deadline_passed(meeting, "registration")
    ):
        context["closed"] = True
    return render(request, "registrations/register.html", context)


@require_safe
@login_required
def my_meetings(request):
    """A person's registrations and their states, newest meeting first, with the reason a
    rejection or cancellation gave (the e-mail may have been missed)."""
    registrations = (
        Registration.objects.filter(person=request.user)
        .select_related("meeting__body", "organization")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=RegistrationEvent.objects.order_by("at", "id"),
                to_attr="history",
            )
        )
        .order_by("-meeting__start_date", "-created_at")
    )
    rows = [
        (registration, can_withdraw_registration(request.user, registration))
        for registration in registrations
    ]
    return render(request, "registrations/mine.html", {"rows": rows})


@require_POST
@login_required
def withdraw(request, pk):
    """The participant withdraws their own registration."""
    registration = _registration(request, pk)
    if registration.person_id != request.user.pk:
        raise PermissionDenied("Only the participant can withdraw a registration.")
    refusal = withdrawal_refusal(request.user, registration)
    if refusal:
        messages.error(request, refusal)
        return redirect("registrations:mine")
    services.registration_withdraw(registration=registration, by=request.user)
    messages.success(request, f"Your registration for {registration.meeting.title} is withdrawn.")
    return redirect("registrations:mine")


def _queue_rows(user):
    return (
        decidable_registrations(user)
        .select_related("meeting__body", "person", "organization")
        .order_by("created_at", "id")
    )


@require_http_methods(["GET", "POST"])
@login_required
def queue(request):
    """The requests waiting for this person's decision (as focal point or secretariat)."""
    if not can_view_approval_queue(request.user):
        raise PermissionDenied("Only focal points and the secretariat approve registrations.")
    rows = _queue_rows(request.user)
    form = BulkDecisionForm(_posted(request), queryset=rows)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["action"] == "approve"
        try:
            decided, skipped = services.registrations_decide_in_bulk(
                registrations=form.cleaned_data["registrations"],
                by=request.user,
                approve=approve,
                reason=form.cleaned_data["reason"],
            )
        except services.NotAllowed as error:
            raise PermissionDenied(error.message) from None
        verb = "approved" if approve else "rejected"
        messages.success(request, f"{len(decided)} request(s) {verb}.")
        if skipped:
            messages.info(request, f"{len(skipped)} request(s) had been decided meanwhile.")
        return redirect("registrations:queue")
    organizations = Organization.objects.filter(focal_points__person=request.user).order_by("name")
    return render(
        request,
        "registrations/queue.html",
        {"rows": rows, "form": form, "organizations": organizations},
    )


@require_POST
@login_required
def approve(request, pk):
    """Approve one pending request."""
    registration = _registration(request, pk)
    if not can_decide_registration(request.user, registration):
        raise PermissionDenied("Only a focal point of this organization or the secretariat.")
    try:
        services.registration_approve(registration=registration, by=request.user)
    except services.InvalidTransition as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Approved: {registration.person.display_name}.")
    return _next_or(request, "registrations:queue")


@require_http_methods(["GET", "POST"])
@login_required
def reject(request, pk):
    """Reject one pending request, with the reason the person will read."""
    registration = _registration(request, pk)
    if not can_decide_registration(request.user, registration):
        raise PermissionDenied("Only a focal point of this organization or the secretariat.")
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_reject(
                registration=registration, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.InvalidTransition as error:
            messages.error(request, error.message)
        except services.RegistrationError as error:
            _add_service_error(form, error)
            return render(
                request, "registrations/reason.html", _reason_context(registration, form, "reject")
            )
        else:
            messages.success(request, f"Rejected: {registration.person.display_name}.")
        return _next_or(request, "registrations:queue")
    return render(
        request, "registrations/reason.html", _reason_context(registration, form, "reject")
    )


def _reason_context(registration, form, action):
    return {"registration": registration, "form": form, "action": action}


@require_http_methods(["GET", "POST"])
@login_required
def cancel(request, pk):
    """The secretariat cancels a registration, with the reason the person will read."""
    registration = _registration(request, pk)
    if not can_manage_registrations(request.user, registration.meeting):
        raise PermissionDenied("Only the secretariat cancels registrations.")
    if not can_cancel_registration(request.user, registration):
        messages.error(request, "This registration is no longer live.")
        return redirect("registrations:meeting", slug=registration.meeting.slug)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.registration_cancel(
            registration=registration, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, f"Cancelled: {registration.person.display_name}.")
        return redirect("registrations:meeting", slug=registration.meeting.slug)
    return render(
        request, "registrations/reason.html", _reason_context(registration, form, "cancel")
    )


@require_safe
@login_required
def meeting_overview(request, slug):
    """The secretariat's view of a meeting's registrations: approved and pending, with age."""
    meeting = _meeting(request, slug)
    if not can_manage_registrations(request.user, meeting):
        raise PermissionDenied("Only the secretariat sees all registrations of a meeting.")
    by_state: dict[str, list[Registration]] = {state: [] for state in State.values}
    for registration in selectors.meeting_registrations(meeting):
        by_state[registration.state].append(registration)
    context = {
        "meeting": meeting,
        "approved": by_state[State.APPROVED],
        "pending": sorted(by_state[State.PENDING], key=lambda r: r.created_at),
        "closed": [
            r
            for state in (State.REJECTED, State.WITHDRAWN, State.CANCELLED)
            for r in by_state[state]
        ],
        "focal_orgs": set(FocalPoint.objects.values_list("organization_id", flat=True)),
    }
    return render(request, "registrations/meeting.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def add_participant(request, slug):
    """The secretariat registers someone: late, or an invited expert; approved at once."""
    meeting = _meeting(request, slug)
    if not can_register_others(request.user, meeting):
        raise PermissionDenied("Only the secretariat registers other people.")
    form = AddParticipantForm(_posted(request), meeting=meeting)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["email"]
        try:
            registration = services.registration_create(
                meeting=meeting,
                person=person,
                mode=form.cleaned_data["mode"],
                delegation_role=form.cleaned_data["delegation_role"],
                by=request.user,
            )
        except services.RegistrationError as error:
            _add_service_error(form, error)
        else:
            late = " (late)" if registration.late else ""
            messages.success(request, f"Registered{late}: {person.display_name}.")
            return redirect("registrations:meeting", slug=meeting.slug)
    deadline = meeting_deadlines(meeting).get("registration")
    return render(
        request,
        "registrations/add.html",
        {
            "meeting": meeting,
            "form": form,
            "deadline": deadline,
            "late": deadline is not None and deadline_passed(meeting, "registration"),
        },
    )


def _participants(request, meeting):
    form = ParticipantFilterForm(request.GET or None)
    return form, form.filter(selectors.meeting_registrations(meeting))


@require_safe
@login_required
def participants(request, slug):
    """The participant list for the secretariat and the chairs, with filters and counts."""
    meeting = _meeting(request, slug)
    if not can_view_participants(request.user, meeting):
        raise PermissionDenied("Only the secretariat and the chairs see the participant list.")
    form, registrations = _participants(request, meeting)
    rows = list(registrations)
    by_category, by_country = selectors.counts_by_category_and_country(rows)
    query = request.GET.urlencode()
    return render(
        request,
        "registrations/participants.html",
        {
            "meeting": meeting,
            "form": form,
            "rows": rows,
            "by_category": by_category,
            "by_country": by_country,
            "query": query,
        },
    )


@require_safe
@login_required
def participants_export(request, slug, fmt):
    """The filtered participant list as CSV or XLSX."""
    meeting = _meeting(request, slug)
    if not can_view_participants(request.user, meeting):
        raise PermissionDenied("Only the secretariat and the chairs see the participant list.")
    _, registrations = _participants(request, meeting)
    return table_response(
        selectors.export_rows(registrations),
        fmt=fmt,
        filename=f"{meeting.slug}-participants.{fmt}",
        sheet_title="Participants",
    )


@require_http_methods(["GET", "POST"])
@login_required
def automatic_approval(request, pk):
    """An organization's focal point (or the secretariat) switches automatic approval."""
    organization = get_object_or_404(Organization, pk=pk)
    if not can_set_automatic_approval(request.user, organization):
        raise PermissionDenied("Only a focal point of this organization or the secretariat.")
    form = AutomaticApprovalForm(
        _posted(request), initial={"enabled": organization.automatic_approval}
    )
    if request.method == "POST" and form.is_valid():
        organization = services.organization_set_automatic_approval(
            organization=organization, by=request.user, enabled=form.cleaned_data["enabled"]
        )
        state = "on" if organization.automatic_approval else "off"
        messages.success(request, f"Automatic approval for {organization.name} is {state}.")
        return redirect("registrations:automatic_approval", pk=organization.pk)
    return render(
        request,
        "registrations/automatic_approval.html",
        {"organization": organization, "form": form},
    )
