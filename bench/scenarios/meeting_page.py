"""The demo meeting's page, as an anonymous visitor reads it, against the trivial `/ok`."""

from bench.load import Request
from bench.scenarios import Scenario

SCENARIO = Scenario(
    name="meeting-page",
    description="the demo meeting page (anonymous) against /ok on the same server",
    baseline=Request("/ok"),
    candidate=Request("/meetings/sg11-wp1-2020-11-19/"),
)
