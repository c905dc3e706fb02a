"""A document's file download (the API's, as a member) against the server's raw send of the same
bytes as a static file (whitenoise): the ratio of the two rates is the ratio of the speeds.
Run it at c=1 with rounds of several seconds: each request moves a 50 MB file."""

from bench.doc_io import Download, StaticCopy, seed_command
from bench.scenarios import Scenario

SCENARIO = Scenario(
    name="doc-download",
    description="a 50 MB document download (member token) against the same bytes as a static file",
    baseline=StaticCopy(),
    candidate=Download(),
    default=False,
    setup=(seed_command("--documents", "2000", "--big-file-mb", "50"),),
)
