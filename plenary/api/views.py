from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from plenary.api import services
from plenary.api.errors import error_response
from plenary.api.forms import TokenForm
from plenary.api.models import ApiToken

# The secret travels from the POST to the page after the redirect in the server-side session,
# never in a URL or a cookie, and is removed as soon as it has been shown.
_SHOW_ONCE = "api_token_created"


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """A person's API tokens: create one (its secret shown once), see when each was used."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[_SHOW_ONCE] = {"id": token.pk, "secret": secret}
            return redirect("tokens:list")
    created = request.session.pop(_SHOW_ONCE, None)
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user),
        "created": created,
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, token_id):
    """Revoke one of the person's own tokens; another person's is 404."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.token_revoke(token=token)
    messages.success(request, f"The token \u201c{token.name}\u201d is revoked.")
    return redirect("tokens:list")


def api_not_found(request, rest):
    """Any path under /api/v1/ that names no route: a JSON 404 like the API's own."""
    return error_response(404, "not_found", "There is no such API route; see /api/v1/docs.")
