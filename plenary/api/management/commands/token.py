from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from plenary.accounts.models import User
from plenary.api.models import ApiToken
from plenary.api.services import token_create

USAGE_ERROR = 2


def _fail(message: str) -> CommandError:
    # Exit code 2, as for any usage error; the message stays on one line.
    return CommandError(" ".join(message.split()), returncode=USAGE_ERROR)


class Command(BaseCommand):
    help = (
        "Operate on API tokens. `plenary token create --user EMAIL --scope read|read-write "
        "[--name NAME]` prints the new token alone on stdout."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Mint a token for a person.")
        # Checked in handle(), not by argparse (`required`, `choices`), so that every bad input
        # gives the same one-line error.
        create.add_argument("--user", default="", help="The person's e-mail address.")
        create.add_argument("--scope", default="", help="read or read-write.")
        create.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args, action, **options):
        if action == "create":
            self._create(options["user"], options["scope"], options["name"])

    def _create(self, email: str, scope: str, name: str) -> None:
        if not email.strip():
            raise _fail("--user EMAIL is required.")
        if scope not in ApiToken.Scope.values:
            raise _fail(f"--scope must be read or read-write, not {scope!r}.")
        try:
            user = User.objects.filter(email__iexact=email.strip()).first()
            if user is None:
                raise _fail(f"No person with e-mail address {email!r}.")
            _token, secret = token_create(
                user=user, name=name or "Created with plenary token create", scope=scope
            )
        except ValidationError as error:
            raise _fail(" ".join(error.messages)) from None
        except DatabaseError as error:
            raise _fail(
                f"Cannot write the database (has `plenary migrate` run?): {error}"
            ) from None
        self.stdout.write(secret)
