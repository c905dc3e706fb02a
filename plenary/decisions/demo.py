"""The demo's outcomes: what the WP1/11 meeting of 19 November 2020 decided, and its draft report.

The meeting's main objective, as its collective letter gives it, was the consent of draft
Recommendations Q.SCC and Q.VNFT-req; the chairman records those consents under agenda item 6,
with the documents noted under the items they were allocated to. Each decision goes through the
service a chairman's click goes through (so Q.SCC and Q.VNFT-req start their AAP), and is found
again by its agenda item, kind and text, so that loading twice adds nothing. Needs the seed
meeting's document register (plenary/documents/demo.py) loaded first.
"""

from dataclasses import dataclass

from plenary.accounts.models import User
from plenary.decisions.models import Decision, WorkItem
from plenary.decisions.services import decision_record, work_item_update
from plenary.documents.models import Document
from plenary.meetings.models import AgendaItem, Meeting
from plenary.reports.services import report_draft

CHAIR = "chair@example.org"
SECRETARIAT = "secretariat@example.org"


@dataclass(frozen=True)
class Scripted:
    """One decision of the demo: where, what, and the documents and drafts it names."""

    agenda_item: str
    kind: str
    text: str
    documents: tuple[str, ...] = ()  # title prefixes of the seed meeting's documents
    work_items: tuple[str, ...] = ()  # acronyms
    all_documents_of_item: bool = False


DECISIONS = [
    Scripted(
        agenda_item="Discussion of received contributions",
        kind=Decision.Kind.DOCUMENTS_NOTED,
        text="The meeting noted the contributions received; their proposals for Q.SCC and "
        "Q.VNFT-req are reflected in the texts proposed for consent, and the proposal for a new "
        "work item on the testing of network slicing is to be progressed by Question 2/11.",
        all_documents_of_item=True,
    ),
    Scripted(
        agenda_item="Review and approve the reports and outputs of Rapporteur Group meetings",
        kind=Decision.Kind.REPORT_APPROVAL,
        text="The report of the Rapporteur Group meeting on Questions 1/11 and 2/11 (virtual, "
        "2-6 November 2020) was approved.",
        documents=("Report of the Rapporteur Group meeting",),
    ),
    Scripted(
        agenda_item="Consent of draft Recommendations",
        kind=Decision.Kind.CONSENT,
        text="Draft new Recommendation ITU-T Q.SCC \u201cSignalling requirements and information "
        "model of Cooperative Controller\u201d was consented; the approval process (AAP) starts.",
        documents=("Draft Recommendation ITU-T Q.SCC",),
        work_items=("Q.SCC",),
    ),
    Scripted(
        agenda_item="Consent of draft Recommendations",
        kind=Decision.Kind.CONSENT,
        text="Draft new Recommendation ITU-T Q.VNFT-req \u201cSignalling requirements for VNF "
        "lifecycle management under the testing environment\u201d was consented; the approval "
        "process (AAP) starts.",
        documents=("Draft Recommendation ITU-T Q.VNFT-req",),
        work_items=("Q.VNFT-req",),
    ),
    Scripted(
        agenda_item="Approval of outgoing liaison statements",
        kind=Decision.Kind.DOCUMENTS_NOTED,
        text="The meeting noted the liaison statement from ITU-T Study Group 13 on network "
        "slicing management and orchestration; no reply is needed at this meeting.",
        documents=("LS/i on network slicing",),
    ),
]


def _documents(meeting: Meeting, item: AgendaItem, scripted: Scripted) -> list[Document]:
    posted = Document.objects.filter(meeting=meeting, state=Document.State.POSTED)
    if scripted.all_documents_of_item:
        return list(posted.filter(agenda_item=item).order_by("kind", "number"))
    found = []
    for prefix in scripted.documents:
        document = posted.filter(title__startswith=prefix).order_by("id").first()
        if document is None:
            raise LookupError(f"The demo register has no document {prefix!r}; load it first.")
        found.append(document)
    return found


# The draft texts proposed for consent: each draft Recommendation's latest text.
LATEST_TEXTS = {
    "Q.SCC": "Draft Recommendation ITU-T Q.SCC:",
    "Q.VNFT-req": "Draft Recommendation ITU-T Q.VNFT-req:",
}


def _latest_texts(seed: Meeting) -> None:
    """Each draft's TD of the seed meeting as its latest text in the work programme, set by
    the secretariat as the work item's page would; a latest text already set is kept."""
    secretariat = User.objects.get(email=SECRETARIAT)
    posted = Document.objects.filter(meeting=seed, state=Document.State.POSTED)
    for work_item in WorkItem.objects.filter(
        study_group=seed.body.study_group, acronym__in=LATEST_TEXTS, latest_text__isnull=True
    ):
        text = posted.filter(title__startswith=LATEST_TEXTS[work_item.acronym]).first()
        if text is not None:
            work_item_update(
                work_item=work_item,
                by=secretariat,
                note="The text proposed for consent at this meeting.",
                latest_text=text,
            )


def load_outcomes(*, seed: Meeting) -> None:
    """Record the seed meeting's decisions as its chairman, then draft its report as the
    secretariat; adds nothing that is already there. Runs inside load_demo's transaction."""
    _latest_texts(seed)
    chair = User.objects.get(email=CHAIR)
    items = {item.title: item for item in AgendaItem.objects.filter(meeting=seed)}
    for scripted in DECISIONS:
        item = items[scripted.agenda_item]
        if Decision.objects.filter(
            meeting=seed, agenda_item=item, kind=scripted.kind, text=scripted.text
        ).exists():
            continue
        work_items = list(
            WorkItem.objects.filter(
                study_group=seed.body.study_group, acronym__in=scripted.work_items
            )
        )
        if any(w.status != WorkItem.Status.IN_PROGRESS for w in work_items):
            # Someone consented it through the pages already; the demo does not do it twice.
            continue
        decision_record(
            meeting=seed,
            agenda_item=item,
            kind=scripted.kind,
            text=scripted.text,
            by=chair,
            documents=_documents(seed, item, scripted),
            work_items=work_items,
        )
    report_draft(meeting=seed, by=User.objects.get(email=SECRETARIAT))
