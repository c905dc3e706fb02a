"""A delegate posts a contribution the ITU way; an outsider sees its title but not its file."""

import re

from playwright.sync_api import expect

from plenary.documents.models import Document

NEXT = "/meetings/sg11-wp1-next/documents/"
TITLE = "Requirements for numbat signalling gateways"


def test_a_delegate_reserves_fills_uploads_and_an_outsider_cannot_open_the_file(
    new_page, sign_in, next_meeting, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    page = new_page()
    sign_in(page, "delegate@example.org")
    page.goto(NEXT)
    page.get_by_role("link", name="Register a contribution").click()
    page.get_by_label("Title").fill(TITLE)
    expect(page.get_by_label("Source")).to_have_value("Demo Sector Member Telecom")
    page.get_by_role("button", name="Get a number").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"contribution is SG11-C\d+"))
    document = Document.objects.get(title=TITLE)
    number = document.display_number
    expect(page.get_by_role("heading", level=1)).to_have_text(number)

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the contribution template")).click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name == f"{document.file_code}!!MSW-E.docx"

    page.get_by_label("File").set_input_files(str(template))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text(f"The file of {number} is posted.")

    page.goto(NEXT)
    row = page.locator(f"#doc-{document.pk}")
    expect(row).to_contain_text(number)
    expect(row).to_contain_text(TITLE)
    expect(row.get_by_role("link", name="file")).to_be_visible()
    document.refresh_from_db()
    download_url = f"/documents/{document.pk}/files/{document.current_revision_id}/"

    outsider = new_page()
    sign_in(outsider, "outsider@example.org")
    outsider.goto(NEXT)
    row = outsider.locator(f"#doc-{document.pk}")
    expect(row).to_contain_text(TITLE)
    expect(row.get_by_role("link", name="file")).to_have_count(0)
    row.get_by_role("link", name=number).click()
    expect(outsider.get_by_text("for people with member-only access")).to_be_visible()
    response = outsider.request.get(download_url)
    assert response.status == 403
    assert b"PK\x03\x04" not in response.body()

    anonymous = new_page()
    response = anonymous.request.get(download_url)
    assert response.ok and "/accounts/login/" in response.url
    assert b"PK\x03\x04" not in response.body()
