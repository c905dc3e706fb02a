"""Two submissions at once, on two real PostgreSQL connections, leave one registration."""

import threading

import pytest
from django.db import connection

from plenary.registrations import services
from plenary.registrations.models import Registration

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs two real database connections"
    ),
]


def test_two_concurrent_submissions_give_one_registration(next_meeting, delegate, monkeypatch):
    # Both submissions pass every check before either inserts (there is no look-up of an
    # existing registration to pass: the database's constraint alone keeps them apart).
    barrier = threading.Barrier(2, timeout=10)
    check = services.eligibility_problem

    def check_together(person, meeting):
        problem = check(person, meeting)
        barrier.wait()
        return problem

    monkeypatch.setattr(services, "eligibility_problem", check_together)
    outcomes: list[object] = []

    def submit():
        try:
            outcomes.append(
                services.registration_create(
                    meeting=next_meeting,
                    person=delegate,
                    mode="remote",
                    delegation_role="delegate",
                    by=delegate,
                )
            )
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(type(o).__name__ for o in outcomes) == ["AlreadyRegistered", "Registration"]
    assert Registration.objects.filter(meeting=next_meeting, person=delegate).count() == 1
    assert Registration.objects.get().events.count() == 1
