"""Document numbers and ITU file names: pure functions, no database.

document_number("C", 11, 123)                 -> "SG11-C123"
document_number("TD", 11, 53, level="WP1")    -> "SG11-TD53/WP1"
document_number("R", 11, 5)                   -> "SG11-R5"
file_code("C", 11, 123, period="T17")         -> "T17-SG11-C-0123"
file_code("TD", 11, 53, period="T17", level="WP1", meeting_date=date(2020, 11, 19))
                                              -> "T17-SG11-201119-TD-WP1-0053"
revision_token(0) -> "!!", revision_token(1) -> "!R1!"
download_name("T17-SG11-C-0123", revision=1, language="E", extension=".docx")
                                              -> "T17-SG11-C-0123!R1!MSW-E.docx"
"""

import datetime as dt
import re

KIND_LETTERS = {"contribution": "C", "td": "TD", "report": "R"}
LEVEL_RE = re.compile(r"^(PLEN|GEN|WP\d{1,2})$")
LANGUAGE_LETTERS = ("A", "C", "E", "F", "R", "S")
# The format token of an ITU file name: what kind of file follows the revision token.
FORMAT_TOKENS = {".docx": "MSW", ".pdf": "PDF", ".zip": "ZIP"}

_SAFE_NAME_RE = re.compile(r"[^A-Za-z0-9!._-]+")


def _letter(kind: str) -> str:
    letter = KIND_LETTERS.get(kind, kind)
    if letter not in KIND_LETTERS.values():
        raise ValueError(f"no number format for documents of kind {kind!r}")
    return letter


def _level(level: str | None) -> str:
    level = (level or "").upper().replace(" ", "")
    if not LEVEL_RE.match(level):
        raise ValueError(f"a TD's level is PLEN, GEN or WPn; got {level!r}")
    return level


def document_number(
    kind: str, study_group: int, number: int, *, level: str | None = None, revision: int = 0
) -> str:
    """The number people write and say: SG11-C123, SG11-TD53/WP1, SG11-R5 (and ' Rev.1')."""
    letter = _letter(kind)
    text = f"SG{study_group}-{letter}{number}"
    if letter == "TD":
        text += f"/{_level(level)}"
    if revision:
        text += f" Rev.{revision}"
    return text


def file_code(
    kind: str,
    study_group: int,
    number: int,
    *,
    period: str,
    level: str | None = None,
    meeting_date: dt.date | None = None,
) -> str:
    """The ITU file code: T17-SG11-C-0123, T17-SG11-R-0005, T17-SG11-201119-TD-WP1-0053."""
    letter = _letter(kind)
    prefix = f"{period}-SG{study_group}"
    if letter == "TD":
        if meeting_date is None:
            raise ValueError("a TD's file code names the meeting's date")
        return f"{prefix}-{meeting_date:%y%m%d}-TD-{_level(level)}-{number:04d}"
    return f"{prefix}-{letter}-{number:04d}"


def revision_token(revision: int) -> str:
    """The revision part of an ITU file name: '!!' for the original, '!R1!' for Rev.1."""
    if revision < 0:
        raise ValueError("a revision number is 0 or more")
    return f"!R{revision}!" if revision else "!!"


def download_name(code: str, *, revision: int, language: str, extension: str) -> str:
    """A file name safe in every browser and file system: T17-SG11-C-0123!R1!MSW-E.docx."""
    extension = extension.lower()
    if not extension.startswith("."):
        extension = "." + extension
    token = FORMAT_TOKENS.get(extension, "FILE")
    language = language.upper() if language.upper() in LANGUAGE_LETTERS else "E"
    name = f"{code}{revision_token(revision)}{token}-{language}{extension}"
    return _SAFE_NAME_RE.sub("_", name)
