import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from plenary.meetings import deadlines, selectors
from plenary.meetings.models import Meeting

USAGE_ERROR = 2


def _fail(message: str) -> CommandError:
    # Exit code 2, as for any usage error; the message stays on one line.
    return CommandError(" ".join(message.split()), returncode=USAGE_ERROR)


class Command(BaseCommand):
    help = (
        "Print a meeting's key deadlines: from an opening date and a policy (--start), "
        "or a stored meeting's, overrides included (--meeting)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        # Both sources are checked in handle(), not by argparse, so that every bad input gives
        # the same one-line error rather than a usage block.
        parser.add_argument("--start", help="Opening date, YYYY-MM-DD.")
        parser.add_argument("--meeting", help="A meeting's slug.")
        parser.add_argument(
            "--policy",
            help=f"Deadline policy with --start (default {deadlines.DEFAULT_POLICY}).",
        )
        parser.add_argument(
            "--time-zone",
            default="Europe/Zurich",
            help="Time zone of the cut-offs with --start (default Europe/Zurich).",
        )
        parser.add_argument(
            "--json", action="store_true", help="One JSON object: deadline key -> YYYY-MM-DD."
        )

    def handle(self, *args, **options):
        start, slug = options["start"], options["meeting"]
        if bool(start) == bool(slug):
            raise _fail("Give exactly one of --start YYYY-MM-DD or --meeting SLUG.")
        if slug:
            if options["policy"]:
                raise _fail("--policy goes with --start; a meeting uses its own policy.")
            result = self._for_meeting(slug)
        else:
            result = self._for_start(start, options["policy"], options["time_zone"])
        if options["json"]:
            self.stdout.write(json.dumps({key: d.date.isoformat() for key, d in result.items()}))
            return
        self._table(result)

    def _for_meeting(self, slug: str) -> dict[str, deadlines.Deadline]:
        try:
            meeting = Meeting.objects.filter(slug=slug).first()
            if meeting is None:
                raise _fail(f"No meeting with slug {slug!r}.")
            return selectors.meeting_deadlines(meeting)
        except (deadlines.UnknownPolicy, deadlines.InvalidPolicy) as error:
            raise _fail(f"Meeting {slug!r}: {error}") from None
        except DatabaseError as error:
            raise _fail(f"Cannot read the database (has `plenary migrate` run?): {error}") from None

    def _for_start(self, start: str, policy_name: str | None, time_zone: str):
        try:
            opening = datetime.date.fromisoformat(start)
        except ValueError:
            raise _fail(f"--start must be a date as YYYY-MM-DD, not {start!r}.") from None
        try:
            policy = selectors.policy_named(policy_name or deadlines.DEFAULT_POLICY)
        except (deadlines.UnknownPolicy, deadlines.InvalidPolicy) as error:
            raise _fail(str(error)) from None
        except DatabaseError as error:
            raise _fail(f"Cannot read stored policies (has migrate run?): {error}") from None
        try:
            return deadlines.compute_deadlines(opening, time_zone=time_zone, policy=policy)
        except (ValueError, OverflowError) as error:
            raise _fail(f"Cannot compute deadlines: {error}") from None

    def _table(self, result: dict[str, deadlines.Deadline]) -> None:
        width = max(len(d.label) for d in result.values())
        for deadline in result.values():
            closes = deadline.cutoff.strftime("%Y-%m-%d %H:%M %Z")
            line = f"{deadline.date:%a %Y-%m-%d}  {deadline.label:<{width}}  closes {closes}"
            if deadline.overridden:
                line += f"  (changed: {deadline.reason})"
            self.stdout.write(line)
