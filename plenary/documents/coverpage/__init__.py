"""Read and write the cover table of ITU-T Word documents.

A contribution, a temporary document (TD) and a liaison statement (LS) all open with a cover table:
a header (document number, study group, study period, original language), a row naming the kind of
document, then rows whose first cell is a label ("Source:", "Title:", "Contact:", ...) and whose
other cells hold the value. The abstract (and a TD's keywords) sit in a second table right below.

The reader follows the labels, not row positions, because people insert, delete, re-order, split
and merge rows when they fill the template in. Placeholder text of the official templates
("[Insert source(s)]", "Insert contact name", "+xx", "a@b.com", ...) reads as empty.

The package is pure: python-docx and lxml only, no Django. Import from here:

    read_cover_page(path_or_bytes) -> CoverPage
    fill_contribution_template(template_path, fields) -> bytes
"""

from plenary.documents.coverpage.model import KINDS, Contact, CoverPage, CoverPageError
from plenary.documents.coverpage.reader import read_cover_page
from plenary.documents.coverpage.writer import WRITABLE_FIELDS, fill_contribution_template

__all__ = [
    "KINDS",
    "WRITABLE_FIELDS",
    "Contact",
    "CoverPage",
    "CoverPageError",
    "fill_contribution_template",
    "read_cover_page",
]
