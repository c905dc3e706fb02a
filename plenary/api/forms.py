from django import forms

from plenary.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, so that you know which to revoke."
    )
    scope = forms.ChoiceField(
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text="A read token cannot change anything, even if it leaks.",
    )
