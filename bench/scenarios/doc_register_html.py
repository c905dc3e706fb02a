"""The register page of a meeting with 2,000 documents (a page of 100 rows), as a signed-in
member reads it, against /ok. The target is on its p99 at c=8."""

from bench.doc_io import RegisterHtml, seed_command
from bench.scenarios import Scenario

SCENARIO = Scenario(
    name="doc-register-html",
    description="the register page of a 2,000-document meeting (member session) against /ok",
    candidate=RegisterHtml(),
    default=False,
    setup=(seed_command("--documents", "2000"),),
)
