"""Search over 50,000 documents through the API, as a member (access filter and snippets from
the files' text), with queries of one to three words in turn, against /ok.

p95 per number of words is what `python -m bench.doc_io --only search` reports; this scenario
gives the ratio to /ok and p50/p99 over the mix."""

from bench.doc_io import SearchApi, seed_command
from bench.scenarios import Scenario

SCENARIO = Scenario(
    name="doc-search",
    description="GET /api/v1/search over 50,000 documents (member, 1-3 words) against /ok",
    candidate=SearchApi(),
    default=False,
    setup=(seed_command("--documents", "2000", "--search-documents", "50000"),),
)
