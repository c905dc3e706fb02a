"""An A/A check: /ok against /ok. Its ratio shows how far from 1.00 noise alone moves a ratio."""

from bench.load import Request
from bench.scenarios import Scenario

SCENARIO = Scenario(
    name="ok",
    description="/ok against /ok (the noise floor of a ratio)",
    baseline=Request("/ok"),
    candidate=Request("/ok"),
    default=False,
)
