from django import forms
from django_countries import countries

from plenary.accounts.models import User
from plenary.meetings.models import Meeting
from plenary.membership.models import Organization
from plenary.registrations.models import Registration
from plenary.registrations.permissions import modes_allowed

SELF_SERVICE_ROLES = [
    choice
    for choice in Registration.DelegationRole.choices
    if choice[0] != Registration.DelegationRole.INVITED_EXPERT
]


def _mode_choices(meeting: Meeting) -> list[tuple[str, str]]:
    return [(mode, Registration.Mode(mode).label) for mode in modes_allowed(meeting)]


class RegisterForm(forms.Form):
    mode = forms.ChoiceField(
        label="How will you take part?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you will take part."},
    )
    delegation_role = forms.ChoiceField(
        label="Your role in the delegation",
        choices=[("", "Choose…"), *SELF_SERVICE_ROLES],
        error_messages={"required": "Choose your role in the delegation."},
    )
    confirm = forms.BooleanField(
        label="I confirm that I will attend this meeting for my organization.",
        error_messages={"required": "Tick the box to confirm your registration."},
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _mode_choices(meeting)
        self.fields["mode"].choices = choices
        if len(choices) == 1:
            self.fields["mode"].initial = choices[0][0]


class AddParticipantForm(forms.Form):
    email = forms.EmailField(
        label="The person's e-mail address",
        error_messages={
            "required": "Give the e-mail address of the person's account.",
            "invalid": "This is not an e-mail address.",
        },
    )
    mode = forms.ChoiceField(label="Participation", widget=forms.RadioSelect)
    delegation_role = forms.ChoiceField(
        label="Role in the delegation",
        choices=[("", "Choose…"), *Registration.DelegationRole.choices],
        error_messages={"required": "Choose the role in the delegation."},
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _mode_choices(meeting)
        self.fields["mode"].choices = choices
        if len(choices) == 1:
            self.fields["mode"].initial = choices[0][0]

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError(
                "No account has this e-mail address. The person must sign up first."
            )
        return person


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Give the reason; the person will read it."},
    )


class BulkDecisionForm(forms.Form):
    registrations = forms.ModelMultipleChoiceField(
        queryset=Registration.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one request."},
    )
    action = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")],
        error_messages={"required": "Choose approve or reject."},
    )
    reason = forms.CharField(
        label="Reason (required to reject)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registrations"].queryset = queryset

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Give the reason for rejecting; the people will read it.")
        return cleaned


class ParticipantFilterForm(forms.Form):
    state = forms.ChoiceField(
        required=False,
        choices=[*Registration.State.choices, ("all", "Any state")],
        initial=Registration.State.APPROVED,
        help_text="Approved registrations unless another state is chosen.",
    )
    organization = forms.ModelChoiceField(
        required=False, queryset=Organization.objects.all(), empty_label="Any organization"
    )
    category = forms.ChoiceField(
        required=False, choices=[("", "Any category"), *Organization.Category.choices]
    )
    country = forms.ChoiceField(required=False)
    mode = forms.ChoiceField(
        required=False, choices=[("", "Any participation"), *Registration.Mode.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "Any country"), *countries]
        if self.is_bound and not self.data.get("state"):
            # Filtered by other fields alone: the list shows approved registrations, and so
            # must the state's menu, or filtering again would switch to its first choice.
            self.data = self.data.copy()
            self.data["state"] = Registration.State.APPROVED

    def filter(self, registrations):
        """The registrations narrowed by the valid filters."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        state = data.get("state") or Registration.State.APPROVED
        if state != "all":
            registrations = registrations.filter(state=state)
        if data.get("organization"):
            registrations = registrations.filter(organization=data["organization"])
        if data.get("category"):
            registrations = registrations.filter(organization__category=data["category"])
        if data.get("country"):
            registrations = registrations.filter(person__country=data["country"])
        if data.get("mode"):
            registrations = registrations.filter(mode=data["mode"])
        return registrations


class AutomaticApprovalForm(forms.Form):
    enabled = forms.BooleanField(
        label="Approve every registration request of this organization on arrival",
        required=False,
    )
