"""Reading the cover of a large upload does not load its pictures into memory."""

import io
import os
import tracemalloc
import zipfile

import pytest

from plenary.documents import services
from plenary.documents.coverpage import read_cover_page
from plenary.documents.tests.conftest import register_contribution

pytestmark = pytest.mark.django_db

PICTURE = 24 * 1024 * 1024


def test_the_cover_of_a_large_file_is_read_without_its_picture(
    tmp_path, next_meeting, delegate, questions
):
    document = register_contribution(next_meeting, delegate, questions=[questions[0]])
    template = zipfile.ZipFile(io.BytesIO(services.contribution_template(document=document)))
    path = tmp_path / "large.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as large:
        for info in template.infolist():
            large.writestr(info.filename, template.read(info))
        large.writestr("word/media/large-picture.png", os.urandom(PICTURE))
    with open(path, "rb") as upload:
        tracemalloc.start()
        try:
            cover = read_cover_page(upload)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert upload.tell() == 0  # read in place, and left where it was
    assert cover.number == document.display_number
    assert peak < PICTURE / 4, f"reading the cover took {peak / 2**20:.1f} MiB"
