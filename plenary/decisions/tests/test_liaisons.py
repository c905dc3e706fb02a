"""Outgoing liaison statements: drafting rules, agreement, the generated Word file read back field
by field, posting as an LS/o TD, and the incoming ones with their reply deadlines."""

import datetime as dt
import io
from pathlib import Path

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from docx.oxml.ns import qn

from plenary.core.demo import load_demo
from plenary.decisions import liaisons
from plenary.decisions.models import Decision, LiaisonEvent, OutgoingLiaison
from plenary.documents import services as document_services
from plenary.documents.coverpage import Contact, read_cover_page
from plenary.documents.models import Document, DocumentEvent, LiaisonDetails
from plenary.groups.models import Body
from plenary.meetings.models import Meeting

pytestmark = pytest.mark.django_db

POSTED = dt.datetime(2020, 11, 19, 14, 0, tzinfo=dt.UTC)
BODY = "SG11 thanks SG13 for its LS.\nSG11 asks SG13 to review the attached draft."


def stored_files(settings) -> list:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def post_td(meeting, person, *, title, liaison=None, content=None) -> Document:
    """A posted TD of the meeting (an incoming LS when ``liaison`` is given)."""
    if content is None:
        content = liaisons.fill_liaison_template(
            liaisons.LiaisonCover(
                number="TD", study_group="11", study_period="2017-2020", title=title, source="X"
            )
        )
    draft = document_services.td_submit(
        meeting=meeting,
        actor=person,
        fileobj=io.BytesIO(content),
        filename="td.docx",
        title=title,
        source="ITU-T Study Group 13" if liaison else "Chairman, WP1/11",
        level="WP1",
        liaison=liaison,
    )
    return document_services.td_post(document=draft, actor=person, now=POSTED)


def question(parent_acronym: str, number: int) -> Body:
    parent = Body.objects.get(acronym=parent_acronym)
    sg = parent.study_group.number
    return Body.objects.create(
        kind=Body.Kind.QUESTION,
        parent=parent,
        number=number,
        acronym=f"Q{number}/{sg}",
        title=f"Question {number}/{sg}",
    )


@pytest.fixture
def q1(demo) -> Body:
    return question("WP1/11", 1)


@pytest.fixture
def incoming(seed_meeting, secretariat) -> Document:
    """An incoming LS from SG13 asking SG11 for action by 15 December 2020."""
    return post_td(
        seed_meeting,
        secretariat,
        title="LS/i on network slicing [from ITU-T SG13]",
        liaison={
            "direction": LiaisonDetails.Direction.INCOMING,
            "for_action": "ITU-T Study Group 11",
            "approval": LiaisonDetails.Approval.STUDY_GROUP,
            "deadline": dt.date(2020, 12, 15),
        },
    )


@pytest.fixture
def attachment(seed_meeting, secretariat) -> Document:
    return post_td(seed_meeting, secretariat, title="Draft Recommendation Q.SCC")


def item(meeting: Meeting, title="Approval of outgoing liaison statements"):
    return meeting.agenda_items.get(title=title)


def a_draft(meeting, q1, chair, secretariat, **changes) -> liaisons.LiaisonDraft:
    fields = {
        "title": "testing of network slicing",
        "body": BODY,
        "approval": LiaisonDetails.Approval.WORKING_PARTY,
        "for_action": "ITU-T SG13\n\n  ETSI TC INT  ",
        "for_comment": "3GPP CT1",
        "for_information": "IETF",
        "deadline": dt.date(2021, 1, 15),
        "abstract": "SG11 asks SG13 to review its draft.",
        "questions": [q1],
        "contacts": [chair, secretariat],
    }
    fields.update(changes)
    if "agenda_item" not in fields:
        fields["agenda_item"] = item(meeting)
    return liaisons.LiaisonDraft(**fields)


@pytest.fixture
def drafted(seed_meeting, q1, chair, secretariat, attachment) -> OutgoingLiaison:
    return liaisons.liaison_draft(
        meeting=seed_meeting,
        draft=a_draft(seed_meeting, q1, chair, secretariat, documents=[attachment]),
        by=chair,
    )


@pytest.fixture
def agreed(drafted, chair) -> OutgoingLiaison:
    liaisons.liaison_agree(liaison=drafted, by=chair)
    drafted.refresh_from_db()
    return drafted


def read_file(document: Document) -> bytes:
    with default_storage.open(document.current_revision.storage_name, "rb") as stream:
        return stream.read()


# Drafting --------------------------------------------------------------------------------------


def test_it_drafts_an_ls_with_tidy_addressees_and_a_history_row(drafted, chair, attachment):
    assert drafted.state == OutgoingLiaison.State.DRAFT
    assert drafted.full_title == "LS/o on testing of network slicing"
    assert drafted.for_action == "ITU-T SG13\nETSI TC INT"
    assert list(drafted.documents.all()) == [attachment]
    [event] = drafted.events.all()
    assert (event.type, event.by) == (LiaisonEvent.Type.DRAFTED, chair)


def test_it_takes_the_prefix_off_a_title_written_with_it(seed_meeting, q1, chair, secretariat):
    draft = a_draft(seed_meeting, q1, chair, secretariat, title="LS/o on  signalling of Q.SCC")
    liaison = liaisons.liaison_draft(meeting=seed_meeting, draft=draft, by=chair)
    assert liaison.title == "signalling of Q.SCC"
    assert liaison.full_title == "LS/o on signalling of Q.SCC"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  LS/o on  "}, "title", "Give the subject"),
        (
            {"for_action": "", "for_comment": " \n", "for_information": ""},
            "for_action",
            "at least one addressee",
        ),
        ({"deadline": None}, "deadline", "asks for action gives a reply deadline"),
        ({"deadline": dt.date(2020, 11, 19)}, "deadline", "after the meeting"),
        ({"approval": "study_group"}, "approval", "approves at this level"),
        ({"approval": "plenary"}, "approval", "approves at this level"),
        ({"approval": "rapporteur_group", "questions": []}, "questions", "rapporteur group"),
        ({"body": "   "}, "body", "Write the text"),
        ({"contacts": []}, "contacts", "at least one contact"),
    ],
)
def test_it_refuses_bad_input_field_by_field_and_saves_nothing(
    seed_meeting, q1, chair, secretariat, changes, field, message
):
    draft = a_draft(seed_meeting, q1, chair, secretariat, **changes)
    with pytest.raises(ValidationError) as caught:
        liaisons.liaison_draft(meeting=seed_meeting, draft=draft, by=chair)
    assert message in " ".join(caught.value.message_dict[field])
    assert not OutgoingLiaison.objects.exists() and not LiaisonEvent.objects.exists()


def test_it_refuses_what_belongs_elsewhere(
    seed_meeting, next_meeting, q1, chair, secretariat, outsider, attachment
):
    sg13 = Body.objects.get(acronym="SG13")
    other_question = Body.objects.create(
        kind=Body.Kind.QUESTION, parent=sg13, number=21, acronym="Q21/13", title="Slicing"
    )
    draft = a_draft(
        seed_meeting,
        q1,
        chair,
        secretariat,
        agenda_item=item(next_meeting),
        questions=[other_question],
        contacts=[outsider],
        replies_to=attachment,  # a TD, not an incoming LS
    )
    with pytest.raises(ValidationError) as caught:
        liaisons.liaison_draft(meeting=seed_meeting, draft=draft, by=chair)
    errors = caught.value.message_dict
    assert set(errors) == {"agenda_item", "questions", "contacts", "replies_to"}
    assert "Questions of SG11" in errors["questions"][0]
    assert "holding a role in SG11" in errors["contacts"][0]


def test_it_attaches_only_numbered_documents_of_the_study_group(
    seed_meeting, q1, chair, secretariat
):
    sg13 = Body.objects.get(acronym="SG13")
    foreign = Document.objects.create(
        kind=Document.Kind.TD,
        study_group=sg13,
        study_period=document_services.study_period_of(seed_meeting),
        number=4,
        number_scope=Document.Scope.STUDY_PERIOD,
        title="Elsewhere",
        source="SG13",
        state=Document.State.POSTED,
        submitted_by=secretariat,
    )
    draft = a_draft(seed_meeting, q1, chair, secretariat, documents=[foreign])
    with pytest.raises(ValidationError) as caught:
        liaisons.liaison_draft(meeting=seed_meeting, draft=draft, by=chair)
    assert list(caught.value.message_dict) == ["documents"]


@pytest.mark.parametrize("person", ["delegate", "outsider", "sg_chairman", "other_chair"])
def test_only_the_meetings_chairs_and_the_secretariat_draft_and_agree(
    request, seed_meeting, q1, chair, secretariat, drafted, person
):
    someone = request.getfixturevalue(person)
    draft = a_draft(seed_meeting, q1, chair, secretariat)
    with pytest.raises(PermissionDenied):
        liaisons.liaison_draft(meeting=seed_meeting, draft=draft, by=someone)
    with pytest.raises(PermissionDenied):
        liaisons.liaison_update(liaison=drafted, draft=draft, by=someone)
    with pytest.raises(PermissionDenied):
        liaisons.liaison_agree(liaison=drafted, by=someone)
    with pytest.raises(PermissionDenied):
        liaisons.liaison_preview(liaison=drafted, user=someone)
    assert OutgoingLiaison.objects.count() == 1 and not Decision.objects.exists()


def test_the_secretariat_drafts_too(seed_meeting, q1, chair, secretariat):
    draft = a_draft(seed_meeting, q1, chair, secretariat)
    liaison = liaisons.liaison_draft(meeting=seed_meeting, draft=draft, by=secretariat)
    assert liaison.drafted_by == secretariat


# Agreement -------------------------------------------------------------------------------------


def test_agreeing_records_one_agreement_decision_linking_the_draft(
    drafted, chair, seed_meeting, attachment
):
    decision = liaisons.liaison_agree(liaison=drafted, by=chair)
    drafted.refresh_from_db()
    assert drafted.state == OutgoingLiaison.State.AGREED and drafted.decision == decision
    assert decision.kind == Decision.Kind.AGREEMENT
    assert decision.meeting == seed_meeting and decision.recorded_by == chair
    assert decision.agenda_title == "Approval of outgoing liaison statements"
    assert list(decision.documents.all()) == [attachment]
    assert decision.details["outgoing_liaison"] == drafted.pk
    assert "LS/o on testing of network slicing" in decision.text
    assert "for action to ITU-T SG13, ETSI TC INT" in decision.text
    assert "reply by 15 January 2021" in decision.text
    assert [e.type for e in drafted.events.all()] == ["drafted", "agreed"]


def test_an_agreed_ls_is_neither_agreed_again_nor_edited(agreed, chair, secretariat, q1):
    with pytest.raises(ValidationError, match="agreed already"):
        liaisons.liaison_agree(liaison=agreed, by=chair)
    draft = a_draft(agreed.meeting, q1, chair, secretariat, title="something else")
    with pytest.raises(ValidationError, match="agreed already"):
        liaisons.liaison_update(liaison=agreed, draft=draft, by=chair)
    agreed.refresh_from_db()
    assert agreed.title == "testing of network slicing"
    assert Decision.objects.count() == 1


def test_a_draft_whose_agenda_item_was_removed_is_not_agreed(drafted, chair):
    drafted.agenda_item.delete()
    drafted.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        liaisons.liaison_agree(liaison=drafted, by=chair)
    assert "agenda_item" in caught.value.message_dict
    assert not Decision.objects.exists()


# The generated file and the posted TD ----------------------------------------------------------


def test_posting_makes_an_ls_o_td_whose_cover_reads_back_field_by_field(
    agreed, secretariat, chair, seed_meeting, attachment
):
    document = liaisons.liaison_post(liaison=agreed, by=secretariat, now=POSTED)

    # Two TDs were posted before it in the meeting's series (per meeting by default).
    assert document.display_number == "SG11-TD2/WP1"
    assert document.title == "LS/o on testing of network slicing"
    assert document.state == Document.State.POSTED and document.kind == Document.Kind.TD
    assert document.source == "ITU-T Study Group 11"
    assert document.agenda_item == agreed.agenda_item
    assert document.is_liaison_statement
    details = document.liaison
    assert details.direction == LiaisonDetails.Direction.OUTGOING and not details.is_reply
    assert details.for_action == "ITU-T SG13\nETSI TC INT"
    assert details.deadline == dt.date(2021, 1, 15)
    assert details.approval == LiaisonDetails.Approval.WORKING_PARTY
    assert [q.acronym for q in document.questions.all()] == ["Q1/11"]
    # Contacts in name order.
    assert [c["email"] for c in document.contacts] == [secretariat.email, chair.email]
    agreed.refresh_from_db()
    assert agreed.state == OutgoingLiaison.State.POSTED and agreed.document == document
    assert {e.type for e in document.events.all()} >= {
        DocumentEvent.Type.SUBMITTED,
        DocumentEvent.Type.NUMBERED,
        DocumentEvent.Type.POSTED,
        DocumentEvent.Type.ALLOCATED,
    }

    content = read_file(document)
    cover = read_cover_page(content)
    assert cover.kind == "LIAISON STATEMENT"
    assert cover.number == "SG11-TD2/WP1"
    assert cover.study_group == "11"
    assert cover.study_period == "2017-2020"
    assert cover.original_language == "English"
    assert cover.questions == ["1/11"]
    assert cover.meeting == "Virtual, 19 November 2020"
    assert (cover.place, cover.date) == ("Virtual", "19 November 2020")
    assert cover.working_party == "1/11"
    assert cover.source == "ITU-T Study Group 11"
    assert cover.title == "LS/o on testing of network slicing"
    assert cover.for_action == "ITU-T SG13, ETSI TC INT"
    assert cover.for_comment == "3GPP CT1"
    assert cover.for_information == "IETF"
    assert cover.approval == "WP1/11 meeting (Virtual, 19 November 2020)"
    assert cover.deadline == "15 January 2021"
    assert cover.abstract == "SG11 asks SG13 to review its draft."
    assert cover.contacts == [
        Contact(
            name="SG11 secretariat counsellor",
            organization="ITU Telecommunication Standardization Bureau",
            country="Switzerland",
            email=secretariat.email,
        ),
        Contact(name="Ms Xiaojie Zhu", organization="China", country="China", email=chair.email),
    ]

    word = docx.Document(io.BytesIO(content))
    text = [p.text for p in word.paragraphs if p.text.strip()]
    assert text[:4] == [
        "SG11 thanks SG13 for its LS.",
        "SG11 asks SG13 to review the attached draft.",
        "Attachments:",
        f"{attachment.display_number}: Draft Recommendation Q.SCC",
    ]
    assert not any("[Your text starts here" in t for t in text)
    headers = " ".join(
        t.text or "" for section in word.sections for t in section.header._element.iter(qn("w:t"))
    )
    assert "SG11-TD2/WP1" in headers and "[ShortName]" not in headers
    highlighted = [h for table in word.tables for h in table._tbl.iter(qn("w:highlight"))]
    assert highlighted == []


def test_posting_a_reply_says_so_in_title_details_and_cover(
    seed_meeting, q1, chair, secretariat, incoming
):
    draft = a_draft(seed_meeting, q1, chair, secretariat, replies_to=incoming)
    liaison = liaisons.liaison_draft(meeting=seed_meeting, draft=draft, by=chair)
    decision = liaisons.liaison_agree(liaison=liaison, by=chair)
    assert list(decision.documents.all()) == [incoming]
    document = liaisons.liaison_post(liaison=liaison, by=secretariat, now=POSTED)
    title = f"LS/o/r on testing of network slicing (reply to {incoming.display_number})"
    assert document.title == title
    assert document.liaison.is_reply
    assert read_cover_page(read_file(document)).title == title


def test_a_study_group_meeting_posts_plen_tds_approved_by_the_study_group(
    seed_meeting, chair, secretariat
):
    sg11 = Body.objects.get(acronym="SG11")
    meeting = Meeting.objects.create(
        slug="sg11-2020-12",
        body=sg11,
        title="SG11 meeting",
        start_date=dt.date(2020, 12, 1),
        end_date=dt.date(2020, 12, 10),
        daily_start=dt.time(9, 30),
        daily_end=dt.time(17, 30),
        time_zone="Europe/Zurich",
        mode=Meeting.Mode.PHYSICAL,
        place="Geneva",
        languages=["en"],
        status=Meeting.Status.ANNOUNCED,
    )
    agenda = meeting.agenda_items.create(position=1, title="Liaison statements")
    draft = a_draft(
        meeting,
        None,
        chair,
        secretariat,
        agenda_item=agenda,
        approval=LiaisonDetails.Approval.STUDY_GROUP,
        questions=[],
        contacts=[secretariat],
    )
    liaison = liaisons.liaison_draft(meeting=meeting, draft=draft, by=secretariat)
    liaisons.liaison_agree(liaison=liaison, by=secretariat)
    document = liaisons.liaison_post(liaison=liaison, by=secretariat, now=POSTED)
    assert document.display_number == "SG11-TD1/PLEN"
    cover = read_cover_page(read_file(document))
    assert cover.approval == "SG11 meeting (Geneva, 1-10 December 2020)"
    assert cover.meeting == "Geneva, 1-10 December 2020"
    assert cover.working_party is None and cover.questions == []


def test_only_the_secretariat_posts_and_only_an_agreed_ls(
    drafted, agreed, chair, secretariat, delegate, settings
):
    files_before = stored_files(settings)
    with pytest.raises(PermissionDenied):
        liaisons.liaison_post(liaison=agreed, by=chair)
    with pytest.raises(PermissionDenied):
        liaisons.liaison_post(liaison=agreed, by=delegate)
    document = liaisons.liaison_post(liaison=agreed, by=secretariat, now=POSTED)
    with pytest.raises(ValidationError, match=f"posted already as {document.display_number}"):
        liaisons.liaison_post(liaison=agreed, by=secretariat)
    assert len(stored_files(settings)) == len(files_before) + 1


def test_a_draft_is_not_posted(drafted, secretariat):
    with pytest.raises(ValidationError, match="Only an agreed LS"):
        liaisons.liaison_post(liaison=drafted, by=secretariat)
    assert not Document.objects.filter(title__startswith="LS/o").exists()


def test_a_failed_posting_keeps_no_td_and_no_file(agreed, secretariat, settings, monkeypatch):
    files_before = stored_files(settings)
    documents_before = Document.objects.count()

    def refuse(**kwargs):
        raise document_services.DocumentRefused("Only a submitted draft TD can be posted.")

    monkeypatch.setattr(document_services, "td_post", refuse)
    with pytest.raises(ValidationError, match="Only a submitted draft TD"):
        liaisons.liaison_post(liaison=agreed, by=secretariat)
    assert stored_files(settings) == files_before
    assert Document.objects.count() == documents_before
    agreed.refresh_from_db()
    assert agreed.state == OutgoingLiaison.State.AGREED and agreed.document is None


def test_a_number_taken_meanwhile_is_never_written_into_the_file(
    agreed, secretariat, settings, monkeypatch
):
    files_before = stored_files(settings)
    monkeypatch.setattr(liaisons, "_next_td_number", lambda meeting: 99)
    with pytest.raises(ValidationError, match="took the number"):
        liaisons.liaison_post(liaison=agreed, by=secretariat)
    assert stored_files(settings) == files_before
    assert not Document.objects.filter(title__startswith="LS/o").exists()


def test_the_preview_is_the_same_file_without_a_number(drafted, chair):
    cover = read_cover_page(liaisons.liaison_preview(liaison=drafted, user=chair))
    assert cover.number == liaisons.PREVIEW_NUMBER
    assert cover.title == "LS/o on testing of network slicing"
    assert cover.deadline == "15 January 2021"


# Incoming liaison statements -------------------------------------------------------------------


def test_incoming_ls_are_listed_with_days_left_overdue_and_their_replies(
    seed_meeting, q1, chair, secretariat, incoming, delegate
):
    for_information = post_td(
        seed_meeting,
        secretariat,
        title="LS/i on numbering [from ITU-T SG2]",
        liaison={"direction": "incoming", "for_information": "ITU-T SG11"},
    )
    [first, second] = liaisons.incoming_liaisons(chair, seed_meeting, today=dt.date(2020, 12, 1))
    assert (first.document, first.days_left, first.days_overdue) == (incoming, 14, 0)
    assert first.action_asked and first.replies == []
    assert (second.document, second.deadline, second.days_left) == (for_information, None, None)

    [row, _] = liaisons.incoming_liaisons(chair, seed_meeting, today=dt.date(2020, 12, 20))
    assert (row.days_left, row.days_overdue) == (-5, 5)

    draft = a_draft(seed_meeting, q1, chair, secretariat, replies_to=incoming)
    reply = liaisons.liaison_draft(meeting=seed_meeting, draft=draft, by=chair)
    [row, _] = liaisons.incoming_liaisons(chair, seed_meeting)
    assert row.replies == [reply] and not row.answered
    # A draft reply is the chairs' and the secretariat's to see.
    [row, _] = liaisons.incoming_liaisons(delegate, seed_meeting)
    assert row.replies == []
    liaisons.liaison_agree(liaison=reply, by=chair)
    liaisons.liaison_post(liaison=reply, by=secretariat, now=POSTED)
    rows = liaisons.incoming_liaisons(delegate, seed_meeting)
    assert rows[-1].document == incoming and rows[-1].answered


# The demo --------------------------------------------------------------------------------------


def test_the_demos_incoming_ls_is_made_from_the_official_ls_template(seed_meeting):
    load_demo()
    document = Document.objects.get(meeting=seed_meeting, title__startswith="LS/i")
    cover = read_cover_page(read_file(document))
    assert cover.kind == "LIAISON STATEMENT"
    assert cover.number == document.display_number
    assert (cover.title, cover.source) == (document.title, document.source)
    assert cover.study_group == "11" and cover.study_period == "2017-2020"
    assert cover.questions == ["21/13"]
    assert cover.for_information == "ITU-T Study Group 11"
    assert cover.contacts[0].email == "sg13-secretariat@example.org"
    assert cover.abstract == document.abstract
    word = docx.Document(io.BytesIO(read_file(document)))
    assert any("network slices" in p.text for p in word.paragraphs)
    assert document.liaison.direction == LiaisonDetails.Direction.INCOMING
