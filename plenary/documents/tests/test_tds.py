"""The secretariat's TD queue: submit, number and post, or return with a reason."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plenary.documents import services
from plenary.documents.models import Document, DocumentSettings, LiaisonDetails
from plenary.documents.word import contribution_template_path
from plenary.meetings.models import Meeting

from .conftest import stored_files
from .test_search import make_pdf

PDF = make_pdf(["A draft TD."])


def _submit(meeting, person, *, title="Agenda update", level="WP1", name="td.docx", content=None):
    content = content if content is not None else contribution_template_path().read_bytes()
    return services.td_submit(
        meeting=meeting,
        actor=person,
        fileobj=SimpleUploadedFile(name, content),
        filename=name,
        title=title,
        source="Chairman, WP1/11",
        level=level,
    )


def test_the_secretariat_numbers_and_posts_a_draft(media, next_meeting, chair, secretariat):
    draft = _submit(next_meeting, chair)
    assert draft.state == Document.State.SUBMITTED and draft.number is None
    posted = services.td_post(document=draft, actor=secretariat)
    assert posted.display_number == "SG11-TD1/WP1"
    code = f"{posted.study_period.code}-SG11-{next_meeting.start_date:%y%m%d}-TD-WP1-0001"
    assert posted.file_code == code
    assert posted.state == Document.State.POSTED and not posted.late
    second = services.td_post(
        document=_submit(next_meeting, chair, level="PLEN"), actor=secretariat
    )
    assert second.display_number == "SG11-TD2/PLEN"


def test_td_numbers_start_again_at_each_meeting_by_default(
    media, next_meeting, seed_meeting, chair, secretariat
):
    a = services.td_post(document=_submit(next_meeting, chair), actor=secretariat)
    b = services.td_post(document=_submit(seed_meeting, chair), actor=secretariat)
    assert (a.number, b.number) == (1, 1)


def test_td_numbers_run_over_the_study_period_when_so_configured(
    media, next_meeting, chair, secretariat
):
    study_group = next_meeting.body.study_group
    DocumentSettings.objects.create(
        study_group=study_group, td_scope=DocumentSettings.TdScope.STUDY_PERIOD
    )
    first = services.td_post(document=_submit(next_meeting, chair), actor=secretariat)
    assert first.number_scope == Document.Scope.STUDY_PERIOD
    # The next meeting of the same study period goes on from there.
    later = Meeting.objects.get(pk=next_meeting.pk)
    later.pk, later.slug = None, "sg11-wp1-later"
    later.start_date += dt.timedelta(days=56)
    later.end_date += dt.timedelta(days=56)
    later.save()
    second = services.td_post(document=_submit(later, chair), actor=secretariat)
    assert second.display_number == "SG11-TD2/WP1"
    assert second.file_code.endswith(f"-SG11-{later.start_date:%y%m%d}-TD-WP1-0002")


def test_a_td_is_created_and_posted_during_the_meeting(media, next_meeting, chair, secretariat):
    """TDs are made at the meeting too: submitted, numbered and posted on its day, and flagged
    as posted after the TD target."""
    during = dt.datetime.combine(
        next_meeting.start_date, next_meeting.daily_start, tzinfo=ZoneInfo(next_meeting.time_zone)
    ) + dt.timedelta(hours=2)
    draft = _submit(next_meeting, chair, title="Draft output of the meeting")
    posted = services.td_post(document=draft, actor=secretariat, now=during)
    assert posted.state == Document.State.POSTED and posted.posted_at == during
    assert posted.display_number == "SG11-TD1/WP1" and posted.late
    assert posted.events.get(type="posted").detail == "after the TD target"


def test_a_td_posted_after_the_target_is_flagged(media, seed_meeting, chair, secretariat):
    posted = services.td_post(document=_submit(seed_meeting, chair), actor=secretariat)
    assert posted.late


def test_a_draft_is_returned_with_a_reason(media, next_meeting, chair, secretariat):
    draft = _submit(next_meeting, chair)
    with pytest.raises(services.DocumentRefused):
        services.td_return(document=draft, actor=secretariat, reason=" ")
    returned = services.td_return(document=draft, actor=secretariat, reason="Wrong template")
    assert returned.state == Document.State.RETURNED and returned.number is None
    with pytest.raises(services.DocumentRefused):
        services.td_post(document=returned, actor=secretariat)


def test_a_td_may_be_a_pdf_but_not_an_executable(media, next_meeting, chair):
    assert _submit(
        next_meeting, chair, name="td.pdf", content=PDF
    ).current_revision.content_type == ("application/pdf")
    with pytest.raises(services.files.UploadRefused):
        _submit(next_meeting, chair, name="td.pdf", content=b"MZ" + b"\x00" * 10)
    assert Document.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_the_pages_submit_post_and_return(client, media, next_meeting, chair, secretariat):
    client.force_login(chair)
    url = reverse("documents:td_new", args=[next_meeting.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("ls.docx", contribution_template_path().read_bytes()),
            "level": "wp1",
            "title": "LS/i on signalling",
            "source": "ITU-T SG13",
            "purpose": "Information",
            "ls_for_action": "SG11",
            "ls_deadline": "2030-01-01",
        },
    )
    assert response.status_code == 302
    draft = Document.objects.get()
    assert draft.level == "WP1"
    assert draft.liaison.direction == LiaisonDetails.Direction.INCOMING
    client.force_login(secretariat)
    queue = client.get(reverse("documents:td_queue", args=[next_meeting.slug]))
    assert "LS/i on signalling" in queue.content.decode()
    client.post(reverse("documents:td_post", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.display_number == "SG11-TD1/WP1"


@pytest.mark.parametrize("persona", ["delegate", "outsider"])
def test_people_without_a_role_cannot_submit_or_run_the_queue(
    client, media, next_meeting, chair, persona, request
):
    draft = _submit(next_meeting, chair)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("documents:td_new", args=[next_meeting.slug])).status_code == 403
    assert client.get(reverse("documents:td_queue", args=[next_meeting.slug])).status_code == 403
    assert client.post(reverse("documents:td_post", args=[draft.pk])).status_code in (403, 404)
    draft.refresh_from_db()
    assert draft.state == Document.State.SUBMITTED


def test_the_chair_cannot_post_its_own_draft(client, media, next_meeting, chair):
    draft = _submit(next_meeting, chair)
    client.force_login(chair)
    assert client.post(reverse("documents:td_post", args=[draft.pk])).status_code == 403
    assert client.get(reverse("documents:td_post", args=[draft.pk])).status_code == 405


def test_a_returned_draft_is_mailed_to_its_submitter_and_listed_for_them(
    client,
    media,
    django_capture_on_commit_callbacks,
    next_meeting,
    chair,
    secretariat,
    delegate,
    mailoutbox,  # after the demo's fixtures, which start a new outbox
):
    draft = _submit(next_meeting, chair, title="Updated agenda")
    register = reverse("documents:register", args=[next_meeting.slug])
    client.force_login(chair)
    assert "with the secretariat, to be numbered" in client.get(register).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.td_return(document=draft, actor=secretariat, reason="Use the TD template")
    (mail,) = mailoutbox
    assert mail.to == [chair.email] and "Updated agenda" in mail.subject
    assert "Reason: Use the TD template" in mail.body
    assert draft.get_absolute_url() in mail.body
    page = client.get(register).content.decode()
    assert "returned</strong>: Use the TD template" in page
    assert reverse("documents:td_resubmit", args=[draft.pk]) in page
    client.force_login(delegate)
    assert "Your drafts" not in client.get(register).content.decode()


def test_withdrawing_a_draft_speaks_of_no_number(client, media, next_meeting, chair):
    draft = _submit(next_meeting, chair)
    client.force_login(chair)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "I withdraw this draft: this cannot be undone." in page
    assert "number stays taken" not in page
    response = client.post(
        reverse("documents:withdraw", args=[draft.pk]), {"confirm": "on"}, follow=True
    )
    assert f"{draft.display_number[0].upper()}{draft.display_number[1:]} is withdrawn." in (
        response.content.decode()
    )
