"""Drafting, editing and publishing the report, and its Word file read back field by field."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from plenary.decisions.models import Decision, OutgoingLiaison, WorkItem
from plenary.documents.coverpage import read_cover_page
from plenary.documents.models import Document, DocumentEvent, NumberCounter
from plenary.reports import content, services
from plenary.reports.models import ItemSummary, MeetingReport, ReportEvent
from plenary.reports.word import report_docx

from .conftest import body_of, decide, item, section


def _stored(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_it_drafts_every_section_from_the_record(record):
    m = record["meeting"]
    report = services.report_content(m, None)
    people = report["participation"]
    assert (people["registered"], people["attended"]) == (5, 3)
    assert people["by_category"] == [
        {"label": "Academia", "registered": 1, "attended": 1},
        {"label": "Member State administration", "registered": 1, "attended": 1},
        {"label": "Sector Member", "registered": 2, "attended": 1},
        {"label": content.NO_ORGANIZATION, "registered": 1, "attended": 0},
    ]
    assert people["by_country"] == [
        {"label": "Brazil", "registered": 1, "attended": 1},
        {"label": "China", "registered": 0, "attended": 1},
        {"label": "Germany", "registered": 2, "attended": 1},
        {"label": "Kenya", "registered": 1, "attended": 0},
        {"label": "Russia", "registered": 1, "attended": 0},
    ]
    items = {i["number"]: i for i in report["items"]}
    assert [i["title"] for i in report["items"]][:2] == [
        "Opening remarks",
        "Approval of the agenda",
    ]
    assert [(d["title"], d["abstract"]) for d in items["4"]["documents"]] == [
        ("Proposal on Q.SCC", "Aligns the model."),
        ("Test results", "Failover 180 ms."),
    ]
    assert items["4"]["interventions"] == [
        {"speaker": "Demo Sector Member Telecom", "count": 2},
        {"speaker": "Demo University of Technology (Brazil)", "count": 1},
    ]
    assert [d["text"] for d in items["4"]["decisions"]] == ["Contributions noted."]
    # The corrected agreement gives way to its correction.
    assert [d["text"] for d in items["10"]["decisions"]] == [
        "LS to SG13 agreed.",
        "Incoming LS acknowledged.",
        "LS on testing of slicing agreed.",
    ]
    assert [d["title"] for d in report["elsewhere"]["documents"]] == ["Not allocated yet"]
    assert report["elsewhere"]["interventions"] == [{"speaker": "China", "count": 1}]
    [approval] = report["approvals"]
    assert approval["acronym"] == "Q.SCC" and approval["decision"] == "Consented (AAP)"
    assert approval["status"] == "Consented (C)"
    assert approval["documents"] == ["SG11-TD1/WP1"]
    agreed, ls = report["liaison_statements"]
    assert (agreed["number"], agreed["title"], agreed["for_information"]) == (
        "Not yet posted",
        "LS/o on testing of slicing",
        "ITU-T SG12",
    )
    liaison = OutgoingLiaison.objects.get(state="agreed")
    assert agreed["url"] == liaison.get_absolute_url() and agreed["approval"] == "Working party"
    assert ls["number"] == record["ls_out"].display_number
    assert ls["url"] == record["ls_out"].get_absolute_url()
    assert (ls["for_action"], ls["deadline"], ls["approval"]) == (
        "ITU-T SG13",
        "1 March 2021",
        "Working party",
    )
    programme = {row["acronym"]: row for row in report["work_programme"]}
    assert programme["Q.SCC"]["change"] == "Consented"
    assert programme["Q.VNFT-req"]["change"] == ""
    assert [f["slug"] for f in report["future_meetings"]] == ["sg11-wp1-next"]
    assert report["title"].startswith("Report of the meeting of Working Party 1/11")


def test_the_word_file_reads_back_field_by_field(record, secretariat, settings):
    m = record["meeting"]
    services.report_edit(
        meeting=m,
        by=secretariat,
        title="Report of the virtual meeting of WP1/11",
        source="Chairman, Working Party 1/11",
        introduction="First paragraph.\nSecond paragraph.",
        closing="Closed at 15:00.",
        summaries={item(m, 4).pk: "Two contributions were discussed."},
    )
    report = services.report_publish(meeting=m, by=secretariat)
    revision = report.document.current_revision
    with default_storage.open(revision.storage_name, "rb") as stream:
        data = stream.read()

    cover = read_cover_page(data)
    assert cover.number == report.document.display_number == report.content["number"]
    assert cover.title == "Report of the virtual meeting of WP1/11" == report.document.title
    assert cover.source == "Chairman, Working Party 1/11"
    assert cover.study_group == "11" and cover.study_period == "2017-2020"
    assert cover.place_and_date == "Virtual, 19 November 2020"
    assert [c.email for c in cover.contacts] == ["chair@example.org", "secretariat@example.org"]
    assert cover.abstract == report.content["abstract"]
    cover_text = [cell for row in body_of(data)[0][1] for cell in row]
    assert "REPORT" in cover_text and "CONTRIBUTION" not in cover_text

    body = body_of(data)
    assert not any("Your text starts here" in str(text) for _, text in body)
    assert [t for k, t in section(body, "Introduction")] == [
        "First paragraph.",
        "Second paragraph.",
    ]
    registered = m.registrations.filter(state="approved").count()
    participation = section(body, "Participation")
    assert participation[0] == (
        "p",
        f"{registered} participant(s) registered and 3 took part in the meeting's sessions.",
    )
    by_category = participation[1][1]
    assert by_category[0] == ["Membership category", "Registered", "Took part"]
    assert by_category[1:] == [
        [row["label"], str(row["registered"]), str(row["attended"])]
        for row in report.content["participation"]["by_category"]
    ]
    by_country = participation[-1][1]
    assert ["Germany", "2", "1"] in by_country and ["China", "0", "1"] in by_country

    item_4 = section(body, "Discussion of received contributions", level=2)
    # Named as the agenda's item, apart from the report's own numbered sections.
    assert ("h2", "Agenda item 4:\tDiscussion of received contributions") in body
    assert item_4[0] == ("p", "Two contributions were discussed.")
    documents = Document.objects.filter(agenda_item=item(m, 4), held_for_next=False)
    assert item_4[1][1][1:] == [
        [d.display_number, d.title, d.source, d.abstract] for d in documents.order_by("number")
    ]
    assert item_4[2] == (
        "p",
        "Interventions: Demo Sector Member Telecom (2), Demo University of Technology (Brazil).",
    )
    noted = Decision.objects.get(meeting=m, kind="documents_noted")
    numbers = ", ".join(d.display_number for d in noted.documents.order_by("number"))
    assert item_4[3] == ("p", f"Documents noted: {noted.text} ({numbers})")

    [(_, approvals)] = section(body, "Draft Recommendations consented or determined")
    q_scc = record["q_scc"]
    assert approvals[1] == [
        "Q.SCC",
        q_scc.long_title,
        "",
        "Consented (AAP)",
        "SG11-TD1/WP1",
        q_scc.get_status_display(),
    ]
    [(_, liaisons)] = section(body, "Outgoing liaison statements agreed")
    ls = record["ls_out"]
    assert liaisons[1:] == [
        ["Not yet posted", "LS/o on testing of slicing", "", "", "ITU-T SG12", ""],
        [ls.display_number, ls.title, "ITU-T SG13", "", "", "1 March 2021"],
    ]
    [(_, programme)] = section(body, "Work programme")
    assert [row[0] for row in programme[1:]] == ["Q.SCC", "Q.VNFT-req"]
    assert programme[1][-1] == "Consented"
    [(_, future)] = section(body, "Future meetings")
    upcoming = m.body.meetings.get(slug="sg11-wp1-next")
    assert future[1][0] == upcoming.title
    assert [t for k, t in section(body, "Closing")] == [
        "Closed at 15:00.",
        "_______________________",
    ]


def test_publishing_numbers_it_in_the_report_series_and_freezes_it(record, secretariat):
    m = record["meeting"]
    earlier = Document.objects.create(
        kind=Document.Kind.REPORT,
        study_group=m.body.study_group,
        study_period=record["c1"].study_period,
        number=4,
        title="Report of an earlier meeting",
        source="Study Group 11",
        state=Document.State.POSTED,
        submitted_by=secretariat,
    )
    report = services.report_publish(meeting=m, by=secretariat)
    document = report.document
    assert document.display_number == "SG11-R5" and earlier.number == 4
    assert (document.kind, document.state, document.meeting) == ("report", "posted", m)
    assert document.file_code == "T17-SG11-R-0005"
    assert document.current_revision.number == 0
    assert document.current_revision.download_name == "T17-SG11-R-0005!!MSW-E.docx"
    assert set(document.events.values_list("type", flat=True)) == {
        DocumentEvent.Type.NUMBERED,
        DocumentEvent.Type.POSTED,
    }
    assert report.state == MeetingReport.State.PUBLISHED and report.content["number"] == "SG11-R5"
    assert list(report.events.values_list("type", flat=True)) == ["drafted", "published"]
    # Later changes to the record do not rewrite what was published.
    decide(m, item(m, 13), Decision.Kind.AGREEMENT, "Recorded after publication.")
    shown = services.report_content(m, MeetingReport.objects.get(pk=report.pk))
    assert "Recorded after publication." not in str(shown)
    assert shown == report.content


def test_a_published_report_is_neither_published_again_nor_edited(record, secretariat):
    m = record["meeting"]
    services.report_publish(meeting=m, by=secretariat)
    with pytest.raises(services.ReportRefused, match="already published as SG11-R1"):
        services.report_publish(meeting=m, by=secretariat)
    with pytest.raises(services.ReportRefused, match="no longer be edited"):
        services.report_edit(meeting=m, by=secretariat, title="Other", source="Other")
    assert Document.objects.filter(kind=Document.Kind.REPORT).count() == 1
    assert MeetingReport.objects.get(meeting=m).title != "Other"


def test_a_failed_publication_takes_no_number_and_leaves_no_file(
    record, secretariat, monkeypatch, settings, tmp_path
):
    m = record["meeting"]
    services.report_draft(meeting=m, by=secretariat)
    before = list(NumberCounter.objects.values_list("kind", "last"))

    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ReportEvent.objects, "create", fail)
    with pytest.raises(RuntimeError):
        services.report_publish(meeting=m, by=secretariat)
    assert not Document.objects.filter(kind=Document.Kind.REPORT).exists()
    assert list(NumberCounter.objects.values_list("kind", "last")) == before
    assert MeetingReport.objects.get(meeting=m).state == MeetingReport.State.DRAFT
    assert _stored(tmp_path / "media") == []


def test_editing_keeps_the_text_and_its_history(record, secretariat):
    m = record["meeting"]
    four, six = item(m, 4).pk, item(m, 6).pk
    services.report_edit(
        meeting=m, by=secretariat, title="T", source="S", summaries={four: "A.", six: "B."}
    )
    services.report_edit(
        meeting=m, by=secretariat, title="T", source="S2", summaries={four: "A2.", six: ""}
    )
    report = MeetingReport.objects.get(meeting=m)
    assert (report.title, report.source) == ("T", "S2")
    assert dict(ItemSummary.objects.values_list("agenda_item_id", "text")) == {four: "A2."}
    events = list(report.events.values_list("type", "detail"))
    assert events[0] == ("drafted", "")
    assert events[-1] == ("edited", "source, summaries of 2 agenda item(s)")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": " ", "source": "S"}, "needs a title and a source"),
        ({"title": "T" * 301, "source": "S"}, "under 300 characters"),
        ({"title": "T", "source": "S", "summaries": {"foreign": "x"}}, "this meeting's agenda"),
    ],
)
def test_bad_text_is_refused_and_changes_nothing(
    record, next_meeting, secretariat, fields, message
):
    m = record["meeting"]
    services.report_edit(meeting=m, by=secretariat, title="Kept", source="Kept")
    if "summaries" in fields:
        fields["summaries"] = {item(next_meeting, 1).pk: "x", item(m, 1).pk: "y"}
    with pytest.raises(ValidationError, match=message):
        services.report_edit(meeting=m, by=secretariat, **fields)
    report = MeetingReport.objects.get(meeting=m)
    assert (report.title, report.source) == ("Kept", "Kept")
    assert not ItemSummary.objects.exists()


def test_only_the_secretariat_of_the_body_writes_the_report(
    record, chair, delegate, other_secretariat
):
    m = record["meeting"]
    for person in (chair, delegate, other_secretariat):
        with pytest.raises(PermissionDenied):
            services.report_draft(meeting=m, by=person)
        with pytest.raises(PermissionDenied):
            services.report_edit(meeting=m, by=person, title="T", source="S")
        with pytest.raises(PermissionDenied):
            services.report_publish(meeting=m, by=person)
    assert not MeetingReport.objects.exists()


def test_a_draft_word_file_says_it_is_a_draft(record):
    data = report_docx(services.report_content(record["meeting"], None))
    cover = {cell.strip() for row in body_of(data)[0][1] for cell in row}
    assert "SG11-R (draft)" in cover and "REPORT" in cover
    assert not Document.objects.filter(kind=Document.Kind.REPORT).exists()


def test_the_report_of_a_meeting_with_an_empty_record_says_so(next_meeting, secretariat):
    report = services.report_publish(meeting=next_meeting, by=secretariat)
    with default_storage.open(report.document.current_revision.storage_name, "rb") as stream:
        body = body_of(stream.read())
    assert section(body, "Outgoing liaison statements agreed") == [
        ("p", "No outgoing liaison statement was agreed.")
    ]
    assert section(body, "Draft Recommendations consented or determined") == [
        ("p", "No draft Recommendation was consented or determined.")
    ]
    assert report.content["participation"]["registered"] == 0
    assert next_meeting.start_date > dt.date(2020, 11, 19)


def test_determined_texts_and_new_work_items_are_in_their_tables(record):
    m = record["meeting"]
    sg11 = m.body.study_group
    tariff = WorkItem.objects.create(
        study_group=sg11,
        acronym="D.TEST",
        title="A tariff text",
        approval_process=WorkItem.ApprovalProcess.TAP,
        status=WorkItem.Status.DETERMINED,
    )
    new = WorkItem.objects.create(study_group=sg11, acronym="Q.NS-test", title="Slicing tests")
    decide(m, item(m, 6), Decision.Kind.DETERMINATION, "D.TEST determined.", work_items=[tariff])
    decide(m, item(m, 8), Decision.Kind.NEW_WORK_ITEM, "Q.NS-test agreed.", work_items=[new])
    report = services.report_content(m, None)
    assert [(r["acronym"], r["decision"], r["status"]) for r in report["approvals"]] == [
        ("Q.SCC", "Consented (AAP)", "Consented (C)"),
        ("D.TEST", "Determined (TAP)", "Determined"),
    ]
    changes = {r["acronym"]: (r["change"], r["process"]) for r in report["work_programme"]}
    assert changes["D.TEST"] == ("Determined", "TAP")
    assert changes["Q.NS-test"] == ("New work item agreed", "AAP")
    assert "Draft Recommendation(s) determined: D.TEST." in report["abstract"]
