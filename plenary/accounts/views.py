from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plenary.accounts.forms import OrganizationRequestForm, ProfileForm, RejectionForm
from plenary.accounts.models import OrganizationRequest
from plenary.accounts.permissions import (
    can_decide_organization_request,
    can_view_organization_requests,
    organization_requests_decidable_by,
)
from plenary.accounts.services import (
    OrganizationRequestError,
    organization_request_approve,
    organization_request_create,
    organization_request_reject,
    organization_request_withdraw,
    profile_update,
)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """A person edits their own name, title, country and time zone."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def _posted(request):
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
@login_required
def organization(request):
    """A person asks to represent an organization (or withdraws the request waiting)."""
    waiting = (
        OrganizationRequest.objects.filter(
            person=request.user, state=OrganizationRequest.State.PENDING
        )
        .select_related("organization")
        .first()
    )
    form = OrganizationRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            organization_request_create(
                person=request.user,
                organization=form.cleaned_data["organization"],
                note=form.cleaned_data["note"],
            )
        except OrganizationRequestError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                "Your request is sent. The organization's focal point or the secretariat "
                "decides it.",
            )
            return redirect("accounts:organization")
    history = (
        OrganizationRequest.objects.filter(person=request.user)
        .select_related("organization")
        .order_by("-created_at")[:10]
    )
    return render(
        request,
        "accounts/organization.html",
        {"form": form, "waiting": waiting, "history": history},
    )


@require_POST
@login_required
def organization_request_withdraw_view(request, pk):
    """The person withdraws their own waiting request."""
    join_request = get_object_or_404(OrganizationRequest, pk=pk, person=request.user)
    try:
        organization_request_withdraw(request=join_request, by=request.user)
    except OrganizationRequestError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your request is withdrawn.")
    return redirect("accounts:organization")


@require_safe
@login_required
def organization_requests(request):
    """The queue of join requests for a focal point (their organizations) or the secretariat."""
    if not can_view_organization_requests(request.user):
        raise PermissionDenied("Only focal points and the secretariat decide join requests.")
    rows = organization_requests_decidable_by(request.user).select_related("person", "organization")
    return render(request, "accounts/organization_requests.html", {"rows": rows})


def _decidable(request, pk) -> OrganizationRequest:
    join_request = get_object_or_404(
        OrganizationRequest.objects.select_related("person", "organization"), pk=pk
    )
    if not can_decide_organization_request(request.user, join_request):
        raise PermissionDenied("Only a focal point of this organization or the secretariat.")
    return join_request


@require_POST
@login_required
def organization_request_approve_view(request, pk):
    """Approve a join request: the person now represents the organization."""
    join_request = _decidable(request, pk)
    try:
        organization_request_approve(request=join_request, by=request.user)
    except OrganizationRequestError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{join_request.person.display_name} now represents {join_request.organization.name}.",
        )
    return redirect("accounts:organization_requests")


@require_http_methods(["GET", "POST"])
@login_required
def organization_request_reject_view(request, pk):
    """Reject a join request with the reason the person will read."""
    join_request = _decidable(request, pk)
    form = RejectionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            organization_request_reject(
                request=join_request, by=request.user, reason=form.cleaned_data["reason"]
            )
        except OrganizationRequestError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "The request is rejected.")
            return redirect("accounts:organization_requests")
    return render(
        request,
        "accounts/organization_request_reject.html",
        {"form": form, "join_request": join_request},
    )
