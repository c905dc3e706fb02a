"""The document register of a meeting with 2,000 documents as JSON (the API's first page), read
with a member's API tokens, against /ok.

A different token is used for each request in turn: the API allows one caller a few hundred
requests a minute, and hundreds of requests a second are many callers reading, not one."""

from bench.doc_io import RegisterJson, seed_command
from bench.scenarios import Scenario

SCENARIO = Scenario(
    name="doc-register-json",
    description="the register of a 2,000-document meeting as JSON (member tokens) against /ok",
    candidate=RegisterJson(),
    default=False,
    setup=(seed_command("--documents", "2000"),),
)
