"""The registration burst through the API: one POST per registration, a fresh person's token each.

The same people, the same meeting and the same count afterwards as `registration-burst` (whose
pool of people it shares); the operation is what a script does instead of a browser:
`POST /api/v1/meetings/{slug}/registrations` with `Authorization: Bearer <token>`, answered 201.
"""

from bench.scenarios import Scenario
from bench.scenarios.registration_burst import SCENARIO as FORM
from bench.scenarios.registration_burst import register_api

SCENARIO = Scenario(
    name="registration-burst-api",
    description="registrations through the API (one POST), a fresh person each, against /ok",
    candidate=register_api,
    default=False,
    setup=FORM.setup,
    prepare=FORM.prepare,
    verify=FORM.verify,
)
