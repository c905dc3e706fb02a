"""A liaison statement's own fields on its page: addressees, approval and deadline."""

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile

from plenary.documents import services

from .test_search import make_pdf

PDF = make_pdf(["A draft TD."])


def _td(meeting, person, *, title, liaison=None):
    return services.td_submit(
        meeting=meeting,
        actor=person,
        fileobj=SimpleUploadedFile("td.pdf", PDF),
        filename="td.pdf",
        title=title,
        source="ITU-T SG13",
        level="WP1",
        purpose="Information",
        liaison=liaison,
    )


def _facts(page: str) -> dict[str, str]:
    """The liaison statement's definition list, as term: text."""
    found = re.search(r'<dl class="facts liaison">(.*?)</dl>', page, re.S)
    assert found, "no liaison statement details on the page"
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", found.group(1), re.S)
    return {term: re.sub(r"<[^>]+>", "", text).strip() for term, text in pairs}


def test_the_page_shows_what_the_liaison_statement_asks_of_whom(
    client, media, next_meeting, chair, secretariat
):
    ls = _td(
        next_meeting,
        chair,
        title="LS/o/r on signalling for edge networks",
        liaison={
            "direction": "outgoing",
            "is_reply": True,
            "for_action": "ITU-T SG13",
            "for_comment": "ITU-T SG17",
            "for_information": "IETF",
            "approval": "working_party",
            "deadline": dt.date(2030, 3, 1),
        },
    )
    ls = services.td_post(document=ls, actor=secretariat)
    page = client.get(ls.get_absolute_url()).content.decode()
    assert _facts(page) == {
        "Direction": "Outgoing (LS/o), a reply",
        "For action to": "ITU-T SG13",
        "For comment to": "ITU-T SG17",
        "For information to": "IETF",
        "Approval": "Working party",
        "Deadline": "1 March 2030",
    }


def test_fields_left_empty_show_a_dash(client, media, next_meeting, chair, secretariat):
    ls = _td(
        next_meeting,
        chair,
        title="LS/i on testbeds",
        liaison={"direction": "incoming", "for_information": "ITU-T SG11"},
    )
    ls = services.td_post(document=ls, actor=secretariat)
    facts = _facts(client.get(ls.get_absolute_url()).content.decode())
    assert facts["For information to"] == "ITU-T SG11"
    assert facts["For action to"] == facts["Approval"] == facts["Deadline"] == "-"


def test_other_documents_show_no_liaison_details(client, media, next_meeting, chair, secretariat):
    td = services.td_post(document=_td(next_meeting, chair, title="Agenda"), actor=secretariat)
    page = client.get(td.get_absolute_url()).content.decode()
    assert "Liaison statement" not in page and "For action to" not in page
