"""People for the WebSocket room benchmark: approved participants of a meeting, signed in.

    python -m bench.ws_seed --people 999   # a set-up command of `python -m bench.ws_room`

Run with the run's settings in the environment (the harness does so). Creates the people in the
demo's member organizations, each with an approved registration for the meeting and a session of
Django's session engine (no password is hashed, nobody signs in over HTTP), plus a session for the
demo's chair, and writes the session keys to `$PLENARY_VAR_DIR/ws-room.json`.
"""

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

import django

DOMAIN = "room.bench.example.org"
IDENTITIES = "ws-room.json"
CHAIR = "chair@example.org"
ORGANIZATIONS = ("China", "Russian Federation", "Switzerland", "DSMT", "DSMN", "DUT", "DRT")


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
    from plenary.live.models import Room
    from plenary.live.permissions import can_chair_room, can_enter_room
    from plenary.live.services import room_current
    from plenary.meetings.models import Meeting
    from plenary.membership.models import Organization
    from plenary.registrations.models import Registration

    meeting = Meeting.objects.get(slug=meeting_slug)
    organizations = list(Organization.objects.filter(short_name__in=ORGANIZATIONS))
    if len(organizations) != len(ORGANIZATIONS):
        raise SystemExit(f"the demo's organizations are missing; found {len(organizations)}")
    backend = settings.AUTHENTICATION_BACKENDS[0]
    expires = timezone.now() + dt.timedelta(days=1)
    store = SessionStore()

    def session(person) -> str:
        key = get_random_string(32, VALID_KEY_CHARS)
        data = store.encode(
            {
                SESSION_KEY: str(person.pk),
                BACKEND_SESSION_KEY: backend,
                HASH_SESSION_KEY: person.get_session_auth_hash(),
            }
        )
        Session.objects.create(session_key=key, session_data=data, expire_date=expires)
        return key

    with transaction.atomic():
        User.objects.filter(email__endswith="@" + DOMAIN).delete()
        batch = []
        for i in range(people):
            person = User(
                email=f"participant-{i}@{DOMAIN}",
                name=f"Room participant {i}",
                organization=organizations[i % len(organizations)],
                has_member_access=True,
            )
            person.set_unusable_password()
            batch.append(person)
        User.objects.bulk_create(batch)
        created = list(User.objects.filter(email__endswith="@" + DOMAIN).order_by("pk"))
        Registration.objects.bulk_create(
            Registration(
                meeting=meeting,
                person=person,
                mode=Registration.Mode.REMOTE,
                delegation_role=Registration.DelegationRole.DELEGATE,
                organization=person.organization,
                state=Registration.State.APPROVED,
                registered_by=person,
            )
            for person in created
        )
        sessions = [session(person) for person in created]
        chair = User.objects.get(email=CHAIR)
        chair_session = session(chair)

    room = room_current(meeting=meeting)
    room = Room.objects.select_related("meeting").get(pk=room.pk)
    sample = User.objects.select_related("organization").get(pk=created[0].pk)
    if not can_enter_room(sample, meeting) or not can_chair_room(chair, room):
        raise SystemExit(f"the room of {meeting.slug} would refuse the benchmark's people")
    found = {
        "meeting": meeting.slug,
        "path": f"/ws/live/{meeting.slug}/",
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "sessions": sessions,
        "chair": chair_session,
    }
    identities_path().write_text(json.dumps(found))
    return found


def identities_path() -> Path:
    var_dir = os.environ.get("PLENARY_VAR_DIR")
    if not var_dir:
        raise SystemExit("PLENARY_VAR_DIR is not set: run this through the harness's set-up")
    return Path(var_dir) / IDENTITIES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ws_seed", description=__doc__)
    parser.add_argument("--people", type=int, required=True, help="approved participants")
    parser.add_argument("--meeting", default="sg11-wp1-2020-11-19", help="the meeting's slug")
    args = parser.parse_args(argv)
    if not 1 <= args.people <= 100_000:
        parser.error("--people must be between 1 and 100000")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenary.settings")
    django.setup()
    found = seed(args.people, args.meeting)
    print(
        f"{len(found['sessions'])} participants signed in for {found['meeting']}", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
