"""The report assembled from plain rows: no database."""

from plenary.reports import content
from plenary.reports.content import (
    AgendaEntry,
    DecisionRow,
    DocumentRow,
    Edits,
    Facts,
    InterventionRow,
    Participant,
    Sources,
)

FACTS = Facts(
    study_group_number=11,
    study_group_name="Study Group 11",
    study_period="2017-2020",
    body_name="Working Party 1/11",
    meeting_title="Virtual meeting of Working Party 1/11, 19 November 2020",
    place="Virtual",
    dates="19 November 2020",
    hours="13:00-15:00 Geneva time",
    remote_tool="MyMeetings",
    chairman="Ms Xiaojie Zhu (China)",
)


def _sources(**parts) -> Sources:
    empty = {
        "agenda": [],
        "documents": [],
        "decisions": [],
        "interventions": [],
        "participants": [],
        "approvals": [],
        "liaison_statements": [],
        "work_programme": [],
        "future_meetings": [],
    }
    return Sources(facts=FACTS, **(empty | parts))


def test_it_counts_registered_and_attending_people_by_category_and_country():
    people = [
        Participant("Sector Member", "Germany", registered=True, attended=True),
        Participant("Sector Member", "Germany", registered=True, attended=False),
        Participant("Member State administration", "China", registered=False, attended=True),
        Participant("", "", registered=True, attended=False),
    ]
    counts = content.participation(people)
    assert (counts["registered"], counts["attended"]) == (3, 2)
    assert counts["by_category"] == [
        {"label": "Member State administration", "registered": 0, "attended": 1},
        {"label": "Sector Member", "registered": 2, "attended": 1},
        {"label": content.NO_ORGANIZATION, "registered": 1, "attended": 0},
    ]
    assert counts["by_country"] == [
        {"label": "China", "registered": 0, "attended": 1},
        {"label": "Germany", "registered": 2, "attended": 1},
        {"label": content.NO_COUNTRY, "registered": 1, "attended": 0},
    ]


def test_it_puts_documents_interventions_and_decisions_under_their_items():
    agenda = [AgendaEntry(10, "1", 0, "Opening"), AgendaEntry(11, "1.1", 1, "Agenda")]
    sources = _sources(
        agenda=agenda,
        documents=[
            DocumentRow(1, "SG11-C1", "Contribution", "T1", "S1", "A1", 11),
            DocumentRow(2, "SG11-C2", "Contribution", "T2", "S2", "A2", None),
        ],
        decisions=[
            DecisionRow("agreement", "Agreement", "Agreed.", 11, "Agenda", ("SG11-C1",), ("Q.X",)),
            DecisionRow("documents_noted", "Documents noted", "Noted.", 99, "Gone"),
        ],
        interventions=[
            InterventionRow(11, "China"),
            InterventionRow(11, "Germany"),
            InterventionRow(11, "China"),
            InterventionRow(None, "Brazil"),
        ],
    )
    report = content.assemble(sources, Edits("T", "S", summaries={11: "We agreed."}))
    opening, agenda_item = report["items"]
    assert opening["documents"] == opening["decisions"] == opening["interventions"] == []
    assert agenda_item["number"] == "1.1" and agenda_item["depth"] == 1
    assert agenda_item["summary"] == "We agreed."
    assert [d["number"] for d in agenda_item["documents"]] == ["SG11-C1"]
    assert agenda_item["documents"][0]["abstract"] == "A1"
    assert agenda_item["interventions"] == [
        {"speaker": "China", "count": 2},
        {"speaker": "Germany", "count": 1},
    ]
    assert agenda_item["decisions"][0]["linked"] == ["Q.X", "SG11-C1"]
    # Nothing is lost: what is on no (remaining) item is listed apart.
    assert [d["number"] for d in report["elsewhere"]["documents"]] == ["SG11-C2"]
    assert [d["text"] for d in report["elsewhere"]["decisions"]] == ["Noted."]
    assert report["elsewhere"]["interventions"] == [{"speaker": "Brazil", "count": 1}]
    assert report["number"] == ""
    assert "1 document(s)" not in report["abstract"] and "2 document(s)" in report["abstract"]


def test_a_new_draft_starts_from_the_meeting_facts():
    edits = content.default_edits(FACTS)
    assert edits.title == "Report of the meeting of Working Party 1/11 (virtual, 19 November 2020)"
    assert edits.source == "Chairman, Working Party 1/11"
    assert edits.introduction.startswith(
        "Working Party 1/11 met virtually (MyMeetings) on 19 November 2020, 13:00-15:00 Geneva "
        "time, under the chairmanship of Ms Xiaojie Zhu (China)."
    )
    in_geneva = content.default_edits(
        Facts(**{**vars(FACTS), "place": "Geneva", "remote_tool": ""})
    )
    assert "met in Geneva on" in in_geneva.introduction
    assert in_geneva.title.endswith("(Geneva, 19 November 2020)")
