from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plenary.accounts.forms import ProfileForm
from plenary.accounts.services import profile_update


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
