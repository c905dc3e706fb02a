"""The meeting report as a Word file: the official ITU-T cover, then the report's sections.

The cover is the official contribution template's (filled by the documents app's writer) with
REPORT in place of CONTRIBUTION: document number, study group, study period, Question(s),
place and date, source, title, contacts and abstract. The template's instructions to authors are
removed and the sections follow, in the order of a study-group report.
"""

import io
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from plenary.documents.word import filled_contribution

KIND = "REPORT"
PLACEHOLDER_TEL = "+xx"


def draft_number(report: dict[str, Any]) -> str:
    """What the cover shows before the report has its number."""
    return f"SG{report['study_group']}-R (draft)"


def _cover_fields(report: dict[str, Any]) -> dict[str, Any]:
    study_group = report["study_group"]
    return {
        "number": report["number"] or draft_number(report),
        "study_group": str(study_group),
        "study_period": report["study_period"] or None,
        "original_language": "English",
        "questions": f"All/{study_group}",
        "place_and_date": f"{report['place']}, {report['dates']}",
        "source": report["source"],
        "title": report["title"],
        "contacts": report["contacts"] or None,
        "abstract": report["abstract"],
    }


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _finish_cover(document, *, has_contacts: bool) -> None:
    """REPORT as the kind of document; no empty telephone placeholder; no unused contact row."""
    cover = document.tables[0]._tbl
    for paragraph in cover.iter(qn("w:p")):
        texts = list(paragraph.iter(qn("w:t")))
        if _text(paragraph).strip() == "CONTRIBUTION":
            texts[0].text = KIND
            for extra in texts[1:]:
                extra.text = ""
    for t in cover.iter(qn("w:t")):
        if (t.text or "").strip() == PLACEHOLDER_TEL:
            t.text = ""
    if not has_contacts:
        for row in list(cover.iter(qn("w:tr"))):
            cells = list(row.iter(qn("w:tc")))
            if cells and _text(cells[0]).strip().rstrip(":").casefold() == "contact":
                row.getparent().remove(row)


def _drop_template_body(document) -> None:
    """Remove what follows the cover tables: the template's notes to authors."""
    body = document.element.body
    children = list(body.iterchildren())
    last_table = max(i for i, child in enumerate(children) if child.tag == qn("w:tbl"))
    for child in children[last_table + 1 :]:
        if child.tag == qn("w:p"):
            body.remove(child)


def _borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _table(document, header: list[str], rows: list[list[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    _borders(table)
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value)
    # Repeat the header row on every page the table runs over.
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(flag)


def _paragraphs(document, text: str) -> None:
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line.strip())


def _none(document, text: str) -> None:
    document.add_paragraph(text).runs[0].italic = True


def _decisions(document, decisions: list[dict[str, Any]]) -> None:
    for decision in decisions:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{decision['kind_label']}: ").bold = True
        paragraph.add_run(decision["text"])
        if decision["linked"]:
            paragraph.add_run(f" ({', '.join(decision['linked'])})")


def _speakers(entries: list[dict[str, Any]]) -> str:
    return ", ".join(
        entry["speaker"] + (f" ({entry['count']})" if entry["count"] > 1 else "")
        for entry in entries
    )


def _document_rows(documents: list[dict[str, Any]]) -> list[list[str]]:
    return [[d["number"], d["title"], d["source"], d["abstract"]] for d in documents]


DOCUMENT_HEADER = ["Document", "Title", "Source", "Summary (abstract)"]


def _item(document, item: dict[str, Any]) -> None:
    level = min(2 + item["depth"], 3)
    # "Agenda item 4", not "4": the report's own sections are numbered too.
    document.add_heading(f"Agenda item {item['number']}:\t{item['title']}", level=level)
    if item["summary"]:
        _paragraphs(document, item["summary"])
    if item["documents"]:
        _table(document, DOCUMENT_HEADER, _document_rows(item["documents"]))
    if item["interventions"]:
        document.add_paragraph(f"Interventions: {_speakers(item['interventions'])}.")
    if item["decisions"]:
        _decisions(document, item["decisions"])


def report_docx(report: dict[str, Any]) -> bytes:
    """The report (as `content.assemble` gives it) as a Word file."""
    cover = _cover_fields(report)
    document = docx.Document(io.BytesIO(filled_contribution(cover)))
    _finish_cover(document, has_contacts=bool(report["contacts"]))
    _drop_template_body(document)

    document.add_heading("1\tIntroduction", level=1)
    _paragraphs(document, report["introduction"])

    document.add_heading("2\tParticipation", level=1)
    people = report["participation"]
    document.add_paragraph(
        f"{people['registered']} participant(s) registered and {people['attended']} took part "
        "in the meeting's sessions."
    )
    counts_header = ["Registered", "Took part"]
    _table(
        document,
        ["Membership category", *counts_header],
        [[r["label"], r["registered"], r["attended"]] for r in people["by_category"]],
    )
    document.add_paragraph()
    _table(
        document,
        ["Country", *counts_header],
        [[r["label"], r["registered"], r["attended"]] for r in people["by_country"]],
    )

    document.add_heading("3\tResults by agenda item", level=1)
    for item in report["items"]:
        _item(document, item)
    elsewhere = report["elsewhere"]
    if elsewhere["documents"] or elsewhere["decisions"] or elsewhere["interventions"]:
        document.add_heading("Not under an agenda item", level=2)
        if elsewhere["documents"]:
            _table(document, DOCUMENT_HEADER, _document_rows(elsewhere["documents"]))
        if elsewhere["interventions"]:
            document.add_paragraph(f"Interventions: {_speakers(elsewhere['interventions'])}.")
        _decisions(document, elsewhere["decisions"])

    document.add_heading("4\tDraft Recommendations consented or determined", level=1)
    if report["approvals"]:
        _table(
            document,
            ["Recommendation", "Title", "Question", "Decision", "Document(s)", "Status"],
            [
                [
                    r["acronym"],
                    r["title"],
                    r["question"],
                    r["decision"],
                    ", ".join(r["documents"]),
                    r["status"],
                ]
                for r in report["approvals"]
            ],
        )
    else:
        _none(document, "No draft Recommendation was consented or determined.")

    document.add_heading("5\tOutgoing liaison statements agreed", level=1)
    if report["liaison_statements"]:
        _table(
            document,
            [
                "Document",
                "Title",
                "For action to",
                "For comment to",
                "For information to",
                "Deadline",
            ],
            [
                [
                    r["number"],
                    r["title"],
                    r["for_action"],
                    r["for_comment"],
                    r["for_information"],
                    r["deadline"],
                ]
                for r in report["liaison_statements"]
            ],
        )
    else:
        _none(document, "No outgoing liaison statement was agreed.")

    document.add_heading("6\tWork programme", level=1)
    if report["work_programme"]:
        _table(
            document,
            [
                "Work item",
                "Title",
                "Question",
                "Editor(s)",
                "Timing",
                "Process",
                "Status",
                "This meeting",
            ],
            [
                [
                    r["acronym"],
                    r["title"],
                    r["question"],
                    r["editors"],
                    r["timing"],
                    r["process"],
                    r["status"],
                    r["change"],
                ]
                for r in report["work_programme"]
            ],
        )
    else:
        _none(document, "The meeting considered no work item.")

    document.add_heading("7\tFuture meetings", level=1)
    if report["future_meetings"]:
        _table(
            document,
            ["Meeting", "Dates", "Place"],
            [[m["title"], m["dates"], m["place"]] for m in report["future_meetings"]],
        )
    else:
        _none(document, "No later meeting has been announced.")

    document.add_heading("8\tClosing", level=1)
    _paragraphs(document, report["closing"])
    closing_line = document.add_paragraph("_______________________")
    closing_line.alignment = 1  # centred, as the ITU templates end
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
