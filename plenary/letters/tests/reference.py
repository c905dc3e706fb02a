"""The seed letter and the facts every generated letter of the demo meeting must carry."""

import re
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

from django.conf import settings
from docx import Document

REFERENCE_LETTER = "collective-letter-wp1-11-2020-11-19.txt"

# Each fact as the reference letter words it; a test checks the list against the file itself.
FACTS = [
    # addressees and subject
    "Administrations of Member States of the Union",
    "To ITU-T Sector Members",
    "To ITU-T Associates of Study Group 11",
    "To ITU Academia",
    "Virtual meeting of Working Party 1/11, 19 November 2020",
    "Dear Sir/Madam,",
    # the body of the letter: bodies, chairmen, context, dates
    "With my agreement to the request of Study Group 11 Chairman (Mr Andrey KUCHERYAVY) and as "
    "endorsed at the meeting of Study Group 11 (virtual, 22-31 July 2020), it is my pleasure to "
    "invite you to attend the next meeting of Working Party 1/11 (Signalling requirements and "
    "protocols for emerging telecommunications networks), which is planned to be run fully "
    "virtual on 19 November 2020.",
    "Note that no fellowships will be awarded, and the entire meeting will run in English only "
    "with no interpretation.",
    "The meeting will take place from 1300 to 1500 hours, Geneva time, using the MyMeetings "
    "remote participation tool.",
    "can be found on the SG11 homepage (www.itu.int/go/tsg11).",
    "The main objective of this WP1/11 meeting is to consider initiating the approval process for "
    "the following draft ITU-T Recommendations, depending on the results of the Rapporteur Group "
    "meetings:",
    "Draft new Recommendation ITU-T Q.SCC \u201cSignalling requirements and information model of "
    "Cooperative Controller\u201d;",
    "Draft new Recommendation ITU-T Q.VNFT-req \u201cSignalling requirements for VNF lifecycle "
    "management under the testing environment\u201d.",
    "Key deadlines:",
    "A draft meeting agenda, prepared by the Working Party 1/11 Chairman, Ms Xiaojie ZHU (China), "
    "is set out in Annex B.",
    "The draft time plan is set out in Annex C.",
    # signature
    "Chaesub Lee",
    "Director of the Telecommunication Standardization Bureau",
    # Annex A
    "ANNEX A",
    "Practical meeting information",
    "WORKING METHODS AND FACILITIES",
    "DOCUMENT SUBMISSION AND ACCESS: Member contributions should be submitted using Direct "
    "Document Posting; draft TDs should be submitted by e-mail to the study group secretariat "
    "using the appropriate template.",
    "Access to meeting documents is provided from the study group homepage, and is restricted to "
    "ITU-T Members who have an ITU user account with TIES access.",
    "WORKING LANGUAGE: The entire meeting will run in English only.",
    "INTERACTIVE REMOTE PARTICIPATION: The MyMeetings tool will be used to provide remote "
    "participation for all sessions",
    "Delegates must register for the meeting and identify themselves and their affiliation when "
    "taking the floor.",
    "the meeting will not be delayed or interrupted because of a remote participant's inability "
    "to connect, listen or be heard",
    "If the voice quality of a remote participant is considered insufficient, the Chairman may "
    "interrupt the remote participant and may refrain from giving the participant the floor until "
    "there is indication that the problem is resolved.",
    "The meeting chat facility is an integral part of the meeting",
    "REGISTRATION: Registration is mandatory and is to be done online via the study group home "
    "page (www.itu.int/go/tsg11) at least one month before the start of the meeting.",
    "As outlined in TSB Circular 68, the ITU-T registration system requires focal-point approval "
    "for registration requests; TSB Circular 118 describes how to set up automatic approval of "
    "these requests.",
    # Annex B and C
    "ANNEX B",
    "Draft agenda of Working Party 1/11 virtual meeting, 19 November 2020",
    "Updates to the agenda can be found in SG11-TD53/WP1.",
    "ANNEX C",
    "Draft time plan",
    "Working Party 1/11 virtual meeting, 19 November 2020",
    "Thursday, 19 November 2020",
    "Key: V - virtual meeting via ITU MyMeetings (13:00-15:00, Geneva time)",
]


def reference_path() -> Path:
    return Path(settings.BASE_DIR).parent / "shared" / "reference" / REFERENCE_LETTER


def reference_text() -> str:
    """The seed letter; a missing file fails the test that reads it."""
    return reference_path().read_text(encoding="utf-8")


def normalize(text: str) -> str:
    """One spelling for what extraction varies: hyphens and dashes, quotes, spaces.

    The reference's text lost the non-breaking hyphen of ITU-T ("ITUT").
    """
    text = re.sub("[\u2010\u2011\u2012\u2013\u2014\u2212]", "-", text)
    text = re.sub("[\u2018\u2019]", "'", text)
    text = re.sub("[\u201c\u201d]", '"', text)
    text = re.sub(r"\bITUT\b", "ITU-T", text)
    return " ".join(text.split())


def reference_deadlines() -> list[tuple[str, str]]:
    """(date, what) of the reference's key deadlines, in order."""
    return [
        (date, what.strip())
        for date, what in re.findall(r"\t(\d{1,2} \w+ \d{4})\s*\n\t-\t(.+)", reference_text())
    ]


def reference_agenda() -> list[str]:
    """The titles of Annex B's agenda items, in order."""
    text = reference_text()
    table = text[text.index("Agenda items") + len("Agenda items") : text.index("NOTE")]
    lines = [line.strip() for line in table.splitlines()]
    return [line for line in lines if line and not re.fullmatch(r"\d+\.", line)]


def docx_document(data: bytes):
    return Document(BytesIO(data))


def _cell_paragraphs(table):
    for row in table.rows:
        for cell in row.cells:
            yield from cell.paragraphs
            for inner in cell.tables:
                yield from _cell_paragraphs(inner)


def docx_text(data: bytes) -> str:
    """Every paragraph's text, in the body and in table cells."""
    document = docx_document(data)
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        paragraphs.extend(_cell_paragraphs(table))
    return "\n".join(paragraph.text for paragraph in paragraphs)


def docx_rows(data: bytes) -> list[list[str]]:
    """The text of each table row's cells, all tables in order."""
    rows = []
    for table in docx_document(data).tables:
        for row in table.rows:
            rows.append([cell.text.strip() for cell in row.cells])
    return rows


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        elif tag in ("p", "li", "td", "th", "br", "h1", "h2", "h3", "h4", "tr", "div"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The visible text of an HTML page."""
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)
