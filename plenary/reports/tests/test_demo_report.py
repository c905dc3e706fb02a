"""The demo meeting's scripted decisions and the draft report that carries them."""

import pytest
from django.urls import reverse

from plenary.core.demo import load_demo
from plenary.decisions.models import ApprovalStep, Decision, WorkItem, WorkItemEvent
from plenary.reports import services
from plenary.reports.models import MeetingReport, ReportEvent

MODELS = (Decision, ApprovalStep, WorkItemEvent, MeetingReport, ReportEvent)


@pytest.fixture
def full_demo(demo, seed_meeting):
    """The demo as `plenary demo` loads it: documents, decisions and the draft report."""
    load_demo()
    return seed_meeting


def test_the_chairman_consents_both_drafts_under_item_6(full_demo, chair):
    consents = Decision.objects.filter(meeting=full_demo, kind=Decision.Kind.CONSENT)
    assert consents.count() == 2
    for decision in consents:
        assert decision.agenda_item.position == 6
        assert decision.agenda_title == "Consent of draft Recommendations"
        assert decision.recorded_by == chair
        [draft] = decision.work_items.all()
        [text] = decision.documents.all()
        assert text.title.startswith(f"Draft Recommendation ITU-T {draft.acronym}:")
        assert draft.status == WorkItem.Status.CONSENTED
        # The text consented is the draft's latest text in the work programme, with history.
        assert draft.latest_text == text
        assert draft.events.filter(by__email="secretariat@example.org").exists()
        step = draft.approval_steps.get()
        assert (step.state, step.started.isoformat()) == ("C", "2020-11-19")
    assert sorted(w.acronym for d in consents for w in d.work_items.all()) == [
        "Q.SCC",
        "Q.VNFT-req",
    ]
    noted = Decision.objects.get(meeting=full_demo, agenda_item__position=4)
    assert noted.kind == Decision.Kind.DOCUMENTS_NOTED and noted.documents.count() == 4


def test_the_draft_report_carries_the_decisions(full_demo, client, secretariat):
    report = MeetingReport.objects.get(meeting=full_demo)
    assert report.state == MeetingReport.State.DRAFT and report.created_by == secretariat
    data = services.report_content(full_demo, report)
    assert [(r["acronym"], r["decision"]) for r in data["approvals"]] == [
        ("Q.SCC", "Consented (AAP)"),
        ("Q.VNFT-req", "Consented (AAP)"),
    ]
    item_6 = next(i for i in data["items"] if i["number"] == "6")
    assert [d["work_items"] for d in item_6["decisions"]] == [["Q.SCC"], ["Q.VNFT-req"]]
    assert {d["number"] for d in item_6["documents"]} == {
        number for d in item_6["decisions"] for number in d["documents"]
    }
    assert {r["acronym"]: r["change"] for r in data["work_programme"]} == {
        "Q.SCC": "Consented",
        "Q.VNFT-req": "Consented",
    }
    client.force_login(secretariat)
    page = client.get(reverse("reports:page", args=[full_demo.slug])).content.decode()
    assert page.count("Consented (AAP)") == 2
    assert "Agenda item 6: Consent of draft Recommendations</h3>" in page
    assert '<h1 class="report-title">' in page


def test_loading_again_adds_nothing(full_demo):
    counts = [model.objects.count() for model in MODELS]
    load_demo()
    assert [model.objects.count() for model in MODELS] == counts


def test_without_documents_the_demo_records_no_decision(demo):
    assert not Decision.objects.exists() and not MeetingReport.objects.exists()
    assert set(WorkItem.objects.values_list("status", flat=True)) == {"in_progress"}
