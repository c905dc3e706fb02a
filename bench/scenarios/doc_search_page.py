"""The search page over 50,000 documents, as a signed-in member, with queries of one to three
words in turn, against /ok."""

from bench.doc_io import SearchPage, seed_command
from bench.scenarios import Scenario

SCENARIO = Scenario(
    name="doc-search-page",
    description="the search page over 50,000 documents (member session, 1-3 words) against /ok",
    candidate=SearchPage(),
    default=False,
    setup=(seed_command("--documents", "2000", "--search-documents", "50000"),),
)
