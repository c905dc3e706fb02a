"""Translation requests: before the meeting's translation deadline, into its other languages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plenary.documents import services
from plenary.documents.models import Document, DocumentEvent, TranslationRequest
from plenary.meetings.models import DeadlineOverride, Meeting
from plenary.meetings.selectors import meeting_deadlines

from .conftest import filled, register_contribution, upload


@pytest.fixture
def meeting(next_meeting) -> Meeting:
    """The next meeting, working in English, French and Spanish."""
    Meeting.objects.filter(pk=next_meeting.pk).update(languages=["en", "fr", "es"])
    next_meeting.refresh_from_db()
    return next_meeting


@pytest.fixture
def contribution(meeting, delegate) -> Document:
    return register_contribution(meeting, delegate)


def _deadline(meeting):
    return meeting_deadlines(meeting)["translation"]


def _close_translation(meeting, secretariat):
    """Move the translation deadline of the meeting to yesterday."""
    yesterday = timezone.now() - dt.timedelta(days=1)
    DeadlineOverride.objects.create(
        meeting=meeting,
        key="translation",
        date=yesterday.date(),
        cutoff=yesterday,
        reason="Interpretation budget",
        set_by=secretariat,
    )
    return yesterday.date()


def test_the_submitter_requests_translation_before_the_deadline(contribution, delegate):
    requests = services.translation_request(
        document=contribution, actor=delegate, languages=["fr", "ES"]
    )
    assert sorted(r.language for r in requests) == ["es", "fr"]
    assert all(r.requested_by == delegate and not r.after_deadline for r in requests)
    event = contribution.events.get(type=DocumentEvent.Type.TRANSLATION)
    assert event.detail == "French, Spanish" and event.actor == delegate


def test_translation_is_requested_at_registration(meeting, delegate):
    document = services.contribution_register(
        meeting=meeting,
        actor=delegate,
        title="Signalling for X",
        source="Demo Sector Member Telecom",
        translations=["fr"],
    )
    assert list(document.translation_requests.values_list("language", flat=True)) == ["fr"]
    types = list(document.events.values_list("type", flat=True))
    assert types == ["reserved", "translation"]


def test_after_the_deadline_the_submitter_is_refused_with_its_date(contribution, delegate):
    deadline = _deadline(contribution.meeting)
    with pytest.raises(services.DocumentRefused) as refusal:
        services.translation_request(
            document=contribution, actor=delegate, languages=["fr"], now=deadline.cutoff
        )
    assert f"{deadline.date:%-d %B %Y}" in str(refusal.value)
    assert "secretariat" in str(refusal.value)
    assert not TranslationRequest.objects.exists()
    assert not contribution.events.filter(type=DocumentEvent.Type.TRANSLATION).exists()
    # One instant before the cut-off it is still on time.
    on_time = deadline.cutoff - dt.timedelta(seconds=1)
    [request] = services.translation_request(
        document=contribution, actor=delegate, languages=["fr"], now=on_time
    )
    assert not request.after_deadline


def test_the_secretariat_still_records_a_request_after_the_deadline(contribution, secretariat):
    deadline = _deadline(contribution.meeting)
    later = deadline.cutoff + dt.timedelta(days=3)
    [request] = services.translation_request(
        document=contribution, actor=secretariat, languages=["es"], now=later
    )
    assert request.after_deadline and request.requested_by == secretariat
    event = contribution.events.get(type=DocumentEvent.Type.TRANSLATION)
    assert event.detail == "Spanish; after the translation deadline, recorded by the secretariat"


def test_registration_with_translation_after_the_deadline_registers_nothing(
    meeting, delegate, secretariat
):
    _close_translation(meeting, secretariat)
    with pytest.raises(services.DocumentRefused, match="translation deadline"):
        services.contribution_register(
            meeting=meeting,
            actor=delegate,
            title="Signalling for X",
            source="Demo Sector Member Telecom",
            translations=["fr"],
        )
    assert not Document.objects.filter(meeting=meeting).exists()
    # The number was not consumed: the next registration takes the first one.
    assert register_contribution(meeting, delegate).number == 1


@pytest.mark.parametrize(
    ("languages", "message"),
    [
        ([], "at least one language"),
        (["de"], "Unknown language code"),
        (["ru"], "Russian: not a language of this meeting"),
        (["en"], "already in English"),
    ],
)
def test_languages_outside_the_meetings_are_refused(contribution, delegate, languages, message):
    with pytest.raises(services.DocumentRefused, match=message):
        services.translation_request(document=contribution, actor=delegate, languages=languages)
    assert not TranslationRequest.objects.exists()


def test_a_language_is_requested_once(contribution, delegate, secretariat):
    services.translation_request(document=contribution, actor=delegate, languages=["fr"])
    with pytest.raises(services.DocumentRefused, match="already requested"):
        services.translation_request(document=contribution, actor=secretariat, languages=["fr"])
    [request] = services.translation_request(
        document=contribution, actor=secretariat, languages=["fr", "es"]
    )
    assert request.language == "es"
    assert contribution.translation_requests.count() == 2


def test_only_a_live_contribution_is_translated(contribution, delegate):
    services.document_withdraw(document=contribution, actor=delegate)
    with pytest.raises(services.DocumentRefused, match="withdrawn"):
        services.translation_request(document=contribution, actor=delegate, languages=["fr"])


def test_a_meeting_in_english_only_offers_no_translation(next_meeting, delegate):
    document = register_contribution(next_meeting, delegate)
    with pytest.raises(services.DocumentRefused, match="its languages: English"):
        services.translation_request(document=document, actor=delegate, languages=["fr"])


# Pages -----------------------------------------------------------------------------------------


def test_the_registration_page_offers_the_meetings_other_languages(client, meeting, delegate):
    client.force_login(delegate)
    url = reverse("documents:contribution_new", args=[meeting.slug])
    page = client.get(url).content.decode()
    assert 'value="fr"' in page and 'value="es"' in page and 'value="en"' not in page
    assert f"{_deadline(meeting).date:%-d %B %Y}" in page
    response = client.post(
        url,
        {"title": "Signalling for X", "source": "Demo Sector Member Telecom", "translations": "es"},
    )
    assert response.status_code == 302
    document = Document.objects.get(meeting=meeting)
    assert list(document.translation_requests.values_list("language", flat=True)) == ["es"]


def test_the_document_page_shows_requests_and_takes_new_ones(client, contribution, delegate):
    client.force_login(delegate)
    url = reverse("documents:translation_request", args=[contribution.pk])
    assert url in client.get(contribution.get_absolute_url()).content.decode()
    response = client.post(url, {"languages": ["fr"]})
    assert response.status_code == 302
    page = client.get(contribution.get_absolute_url()).content.decode()
    assert "French: requested" in page and delegate.display_name in page
    assert 'value="es"' in page and 'value="fr"' not in page


def test_after_the_deadline_the_page_refuses_the_submitter_but_not_the_secretariat(
    client, contribution, delegate, secretariat
):
    closed = _close_translation(contribution.meeting, secretariat)
    client.force_login(delegate)
    page = client.get(contribution.get_absolute_url()).content.decode()
    assert "that deadline has passed" in page
    assert reverse("documents:translation_request", args=[contribution.pk]) not in page
    response = client.post(
        reverse("documents:translation_request", args=[contribution.pk]),
        {"languages": ["fr"]},
        follow=True,
    )
    assert f"{closed:%-d %B %Y}" in response.content.decode()
    assert not TranslationRequest.objects.exists()
    client.force_login(secretariat)
    client.post(
        reverse("documents:translation_request", args=[contribution.pk]), {"languages": ["fr"]}
    )
    assert TranslationRequest.objects.get().after_deadline


@pytest.mark.parametrize("persona", ["outsider", "academic"])
def test_others_cannot_request_translation(client, contribution, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("documents:translation_request", args=[contribution.pk]), {"languages": ["fr"]}
    )
    assert response.status_code == 403
    assert not TranslationRequest.objects.exists()


def test_the_register_shows_language_versions_and_requests(
    client, media, contribution, delegate, outsider
):
    services.translation_request(document=contribution, actor=delegate, languages=["fr", "es"])
    upload(contribution, delegate, filled(contribution))
    upload(contribution, delegate, filled(contribution), name="fr.docx", language="F")
    upload(contribution, delegate, filled(contribution))  # English Rev.1
    client.force_login(outsider)
    response = client.get(reverse("documents:register", args=[contribution.meeting.slug]))
    text = response.content.decode()
    assert "Language versions" in text
    row = text.split(f'id="doc-{contribution.pk}"', 1)[1].split("</tr>", 1)[0]
    cell = row.split('class="versions">', 1)[1].split("</td>", 1)[0]
    assert 'title="en">E Rev.1<' in cell
    assert 'title="fr">F original <span class="muted">(requested)' in cell
    assert 'title="es">S <span class="badge">translation requested' in cell
    assert cell.index('title="en"') < cell.index('title="fr"') < cell.index('title="es"')
