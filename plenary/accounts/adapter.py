"""How django-allauth speaks to people here: plain-words messages."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": "Please enter a correct e-mail address and password.",
        "account_inactive": "This account is switched off. Ask the secretariat.",
    }
