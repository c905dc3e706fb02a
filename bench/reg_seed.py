"""People for the registration burst, and the count of what the burst left in the database.

    python -m bench.reg_seed --people 40000   # before the server starts (a scenario set-up)
    python -m bench.reg_seed --count          # afterwards: the rows, as JSON on stdout

Run with the run's settings in the environment (the harness does so): `--people N` creates N people
with member-only access in the demo's member organizations (Member States, Sector Members,
Academia, a regional organization; one of them has a focal point, so its requests wait for
approval, the others' go to the secretariat), each signed in through a session of Django's session
engine and holding a personal read-write API token, and writes the session keys and tokens to
`$PLENARY_VAR_DIR/registration-burst.json`, one person per registration the burst may make. No
password is hashed and nobody signs in over HTTP: what is measured is the registration, not the
sign-in.

The people are recognisable by their e-mail domain; a second `--people` run on the same database
removes the previous burst's people first, so that every pair (person, meeting) is fresh again.
"""

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

import django

DOMAIN = "burst.bench.example.org"
IDENTITIES = "registration-burst.json"
ORGANIZATIONS = ("China", "Russian Federation", "Switzerland", "DSMT", "DSMN", "DUT", "DRT")
BATCH = 2000


def identities_path() -> Path:
    var_dir = os.environ.get("PLENARY_VAR_DIR")
    if not var_dir:
        raise SystemExit("PLENARY_VAR_DIR is not set: run this through the harness's set-up")
    return Path(var_dir) / IDENTITIES


def seed(people: int, meeting_slug: str) -> dict:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from plenary.accounts.models import User
    from plenary.api.models import ApiToken
    from plenary.api.services import PREFIX_LENGTH, TOKEN_MARK, token_digest
    from plenary.meetings.models import Meeting
    from plenary.membership.models import Organization
    from plenary.registrations.permissions import can_register

    meeting = Meeting.objects.get(slug=meeting_slug)
    organizations = list(Organization.objects.filter(short_name__in=ORGANIZATIONS))
    if len(organizations) != len(ORGANIZATIONS):
        raise SystemExit(f"the demo's organizations are missing; found {len(organizations)}")

    with transaction.atomic():
        # A previous burst's people (and with them their registrations and sessions' owners).
        User.objects.filter(email__endswith="@" + DOMAIN).delete()

    backend = settings.AUTHENTICATION_BACKENDS[0]
    expires = timezone.now() + dt.timedelta(days=1)
    store = SessionStore()
    sessions: list[str] = []
    tokens: list[str] = []
    for start in range(0, people, BATCH):
        with transaction.atomic():
            batch = []
            for i in range(start, min(start + BATCH, people)):
                person = User(
                    email=f"person-{i}@{DOMAIN}",
                    name=f"Burst participant {i}",
                    organization=organizations[i % len(organizations)],
                    has_member_access=True,
                )
                person.set_unusable_password()
                batch.append(person)
            created = User.objects.bulk_create(batch)
            if created[0].pk is None:  # a backend that does not return keys from bulk_create
                created = list(
                    User.objects.filter(email__in=[p.email for p in batch]).order_by("pk")
                )
            rows, api_tokens = [], []
            for person in created:
                key = get_random_string(32, VALID_KEY_CHARS)
                data = store.encode(
                    {
                        SESSION_KEY: str(person.pk),
                        BACKEND_SESSION_KEY: backend,
                        HASH_SESSION_KEY: person.get_session_auth_hash(),
                    }
                )
                rows.append(Session(session_key=key, session_data=data, expire_date=expires))
                sessions.append(key)
                secret = TOKEN_MARK + get_random_string(43)
                api_tokens.append(
                    ApiToken(
                        user=person,
                        name="registration burst",
                        scope=ApiToken.Scope.READ_WRITE,
                        prefix=secret[:PREFIX_LENGTH],
                        digest=token_digest(secret),
                    )
                )
                tokens.append(secret)
            Session.objects.bulk_create(rows)
            ApiToken.objects.bulk_create(api_tokens)

    # Every person of the burst may register themselves now; one check says the set-up is right.
    sample = User.objects.select_related("organization").get(email=f"person-0@{DOMAIN}")
    if not can_register(sample, meeting):
        raise SystemExit(f"the burst's people cannot register for {meeting.slug}")
    found = {
        "meeting": meeting.slug,
        "path": f"/registrations/meeting/{meeting.slug}/register/",
        "api_path": f"/api/v1/meetings/{meeting.slug}/registrations",
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "sessions": sessions,
        "tokens": tokens,
    }
    identities_path().write_text(json.dumps(found))
    return found


def count(meeting_slug: str) -> dict:
    """What the burst left: registrations and events of its people, and any person twice."""
    from django.db.models import Count

    from plenary.registrations.models import Registration, RegistrationEvent

    burst = Registration.objects.filter(
        meeting__slug=meeting_slug, person__email__endswith="@" + DOMAIN
    )
    return {
        "registrations": burst.count(),
        "live": burst.filter(state__in=Registration.LIVE_STATES).count(),
        "by_state": dict(burst.values_list("state").annotate(n=Count("id")).order_by("state")),
        "events": RegistrationEvent.objects.filter(registration__in=burst).count(),
        "people_registered_twice": burst.values("person")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reg_seed", description=__doc__)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--people", type=int, help="create this many signed-in people")
    action.add_argument("--count", action="store_true", help="print the burst's rows as JSON")
    parser.add_argument("--meeting", default="sg11-wp1-next", help="the meeting's slug")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenary.settings")
    django.setup()
    if args.count:
        print(json.dumps(count(args.meeting)))
        return 0
    if not 1 <= args.people <= 1_000_000:
        parser.error("--people must be between 1 and 1000000")
    found = seed(args.people, args.meeting)
    print(f"{len(found['sessions'])} people signed in for {found['meeting']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
