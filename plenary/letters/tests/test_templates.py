"""The wording is the secretariat's: per-body templates, fallbacks, validation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from plenary.accounts.models import User
from plenary.groups.models import Body, Role
from plenary.letters.models import LetterDetails, LetterTemplate
from plenary.letters.selectors import LetterTemplateMissing
from plenary.letters.services import letter_compose, letter_to_docx
from plenary.letters.tests.reference import docx_text, normalize


def _main_text(meeting) -> str:
    letter = letter_compose(meeting=meeting)
    return normalize(docx_text(letter_to_docx(letter=letter)))


def test_it_uses_a_study_groups_own_wording(seed_meeting):
    LetterTemplate.objects.create(
        body=Body.objects.get(acronym="SG11"),
        main_text="{{ study_group.acronym }} warmly invites you to {{ body.acronym }} "
        "on {{ dates }}.",
    )
    text = _main_text(seed_meeting)
    assert "SG11 warmly invites you to WP1/11 on 19 November 2020." in text
    assert "With my agreement to the request" not in text
    # Sections the study group left blank keep the default wording.
    assert "WORKING METHODS AND FACILITIES" in text
    assert "Dear Sir/Madam," in text


def test_it_prefers_the_nearest_bodys_wording(seed_meeting):
    LetterTemplate.objects.create(body=Body.objects.get(acronym="SG11"), salutation="Dear SG,")
    LetterTemplate.objects.create(body=Body.objects.get(acronym="WP1/11"), salutation="Dear WP,")
    assert letter_compose(meeting=seed_meeting).salutation == "Dear WP,"


def test_it_leaves_other_study_groups_on_the_default(seed_meeting):
    LetterTemplate.objects.create(body=Body.objects.get(acronym="SG13"), salutation="Dear SG13,")
    assert letter_compose(meeting=seed_meeting).salutation == "Dear Sir/Madam,"


def test_it_signs_with_the_sectors_director(seed_meeting):
    sector = Body.objects.get(acronym="ITU-T")
    Role.objects.filter(body=sector, name=Role.Name.DIRECTOR).delete()
    successor = User.objects.create_user("successor@example.org", name="Seizo Onoe", title="Mr")
    Role.objects.create(body=sector, person=successor, name=Role.Name.DIRECTOR)
    text = _main_text(seed_meeting)
    assert "Seizo Onoe Director of the Telecommunication Standardization Bureau" in text
    assert "Chaesub Lee" not in text


def test_it_omits_the_context_clause_when_there_is_none(seed_meeting):
    LetterDetails.objects.filter(meeting=seed_meeting).delete()
    text = _main_text(seed_meeting)
    assert (
        "With my agreement to the request of Study Group 11 Chairman (Mr Andrey KUCHERYAVY), it "
        "is my pleasure" in text
    )
    assert "SG11-TD53/WP1" not in text


def test_it_refuses_a_template_with_a_syntax_error(demo):
    template = LetterTemplate(
        body=Body.objects.get(acronym="SG11"), subject="{% if meeting %}unclosed"
    )
    with pytest.raises(ValidationError) as raised:
        template.full_clean()
    assert "subject" in raised.value.message_dict


def test_it_keeps_one_template_per_body(demo):
    with pytest.raises(IntegrityError), transaction.atomic():
        LetterTemplate.objects.create(body=None, salutation="A second default")
    sg11 = Body.objects.get(acronym="SG11")
    LetterTemplate.objects.create(body=sg11)
    with pytest.raises(IntegrityError), transaction.atomic():
        LetterTemplate.objects.create(body=sg11)


def test_it_says_so_when_no_template_words_the_letter(seed_meeting):
    LetterTemplate.objects.all().delete()
    with pytest.raises(LetterTemplateMissing):
        letter_compose(meeting=seed_meeting)


def test_it_words_a_physical_meeting_from_its_data(seed_meeting):
    seed_meeting.mode = "physical"
    seed_meeting.place = "Geneva"
    seed_meeting.languages = ["en", "fr"]
    seed_meeting.interpretation = True
    seed_meeting.save()
    text = _main_text(seed_meeting)
    assert "Meeting of Working Party 1/11, Geneva, 19 November 2020" in text
    assert "which is planned to be run in Geneva, 19 November 2020." in text
    assert "the meeting will run in English, French with interpretation." in text
    assert "INTERACTIVE REMOTE PARTICIPATION" not in text
