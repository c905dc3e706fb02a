"""Install the default letter template: the wording of TSB's collective letters of 2020.

The text is frozen here as it was installed; later changes of wording belong in the admin (per
body) or in a new migration, never in an edit of this one.
"""

from django.db import migrations

VIRTUAL = '{% if meeting.mode == "virtual" %}'
TIME_ZONE = "{{ meeting.time_zone_label|default:meeting.time_zone }}"
TO_REFERENCE = "{% if meeting.letter_reference %}(to {{ meeting.letter_reference }}){% endif %}"

LETTERHEAD = """**International Telecommunication Union**
Telecommunication Standardization Bureau"""

DATELINE = (
    """{% if meeting.letter_date %}Geneva, {{ meeting.letter_date|date:"j F Y" }}{% endif %}"""
)

REFERENCE = """{% if meeting.letter_reference %}Ref:\t{{ meeting.letter_reference }}
{% endif %}{% if contact %}Contact:\t{{ contact }}
E-mail:\t{{ contact.email }}{% endif %}"""

ADDRESSEES = """Administrations of Member States of the Union;
To ITU-T Sector Members;
To ITU-T Associates of {{ study_group.long_name }};
To ITU Academia"""

SUBJECT = (
    VIRTUAL + "Virtual meeting{% else %}Meeting{% endif %} of {{ body.long_name }}"
    "{% if meeting.place %}, {{ meeting.place }}{% endif %}, {{ dates }}"
)

MAIN_TEXT = (
    "{% if study_group_chairman %}With my agreement to the request of "
    "{{ study_group.long_name }} Chairman ({{ study_group_chairman.formal }})"
    "{% if details.context %} and {{ details.context }}{% endif %}, it"
    "{% else %}It{% endif %} is my pleasure to invite you to attend the next meeting of "
    "{{ body.long_name }} ({{ body.title }}), which is planned to be run "
    + VIRTUAL
    + "fully virtual on {{ dates }}"
    '{% elif meeting.mode == "hybrid" %}in {{ meeting.place }}, {{ dates }}, with remote '
    "participation{% else %}in {{ meeting.place }}, {{ dates }}{% endif %}."
    """

Note that {% if meeting.fellowships %}fellowships will be awarded{% else %}no fellowships will be \
awarded{% endif %}, and {% if meeting.languages|length == 1 %}the entire meeting will run in \
{{ meeting.language_names.0 }} only{% else %}the meeting will run in \
{{ meeting.language_names|join:", " }}{% endif %} {% if meeting.interpretation %}with \
interpretation{% else %}with no interpretation{% endif %}.

The meeting will take place from {{ meeting.daily_start|time:"Hi" }} to \
{{ meeting.daily_end|time:"Hi" }} hours, """
    + TIME_ZONE
    + """{% if meeting.remote_tool %}, using the {{ meeting.remote_tool }} remote participation \
tool{% endif %}. Documentation, remote participation details and other related information can \
be found on the {{ study_group.acronym }} homepage (www.itu.int/go/tsg{{ study_group.number }}).

{% if objective %}{{ objective }}{% if drafts %}:{% else %}.{% endif %}{% endif %}
{% for item in drafts %}- {{ item.long_title }}{% if forloop.last %}.{% else %};{% endif %}
{% endfor %}
Key deadlines:
| {{ deadlines.translation.date|date:"j F Y" }} | Submit ITU-T Member contributions for which \
translation is requested
| {{ deadlines.registration.date|date:"j F Y" }} | Registration (via the online registration \
form on the study group homepage at: http://itu.int/go/tsg{{ study_group.number }})
| {{ deadlines.contributions.date|date:"j F Y" }} | Submit ITU-T Member contributions (via \
Direct Document Posting) to {{ body.acronym }}

Practical meeting information is set out in Annex A. A draft meeting agenda, prepared by the \
{{ body.long_name }} Chairman{% if chairman %}, {{ chairman.formal }}{% if chairman.country %} \
({{ chairman.country }}){% endif %}{% endif %}, is set out in Annex B. The draft time plan is set \
out in Annex C. I wish you a productive and enjoyable meeting."""
)

SIGNATURE = """{% if signatory %}{{ signatory.name }}
{% endif %}Director of the Telecommunication
Standardization Bureau

Latest meeting information: {{ meeting_url }}

Annexes: 3"""

ANNEX_A = (
    "# ANNEX A\n"
    + TO_REFERENCE
    + """
## Practical meeting information

### WORKING METHODS AND FACILITIES

**DOCUMENT SUBMISSION AND ACCESS:** Member contributions should be submitted using Direct \
Document Posting; draft TDs should be submitted by e-mail to the study group secretariat using \
the appropriate template. Access to meeting documents is provided from the study group homepage, \
and is restricted to ITU-T Members who have an ITU user account with TIES access.

**WORKING LANGUAGE:** {% if meeting.languages|length == 1 %}The entire meeting will run in \
{{ meeting.language_names.0 }} only.{% else %}The meeting will run in \
{{ meeting.language_names|join:", " }}{% if meeting.interpretation %} with \
interpretation{% endif %}.{% endif %}

{% if meeting.is_remote_possible %}**INTERACTIVE REMOTE PARTICIPATION:** The \
{{ meeting.remote_tool|default:"remote participation" }} tool will be used to provide remote \
participation for all sessions, including decisions-making sessions such as working party and \
study group plenaries. Delegates must register for the meeting and identify themselves and their \
affiliation when taking the floor. Remote participation is provided on a best-effort basis. \
Participants should be aware that the meeting will not be delayed or interrupted because of a \
remote participant\u2019s inability to connect, listen or be heard, as per the chairman's \
discretion. If the voice quality of a remote participant is considered insufficient, the \
Chairman may interrupt the remote participant and may refrain from giving the participant the \
floor until there is indication that the problem is resolved. The meeting chat facility is an \
integral part of the meeting and its use is encouraged to facilitate efficient time management \
during the sessions.{% endif %}

### REGISTRATION

**REGISTRATION:** Registration is mandatory and is to be done online via the study group home \
page (www.itu.int/go/tsg{{ study_group.number }}) at least one month before the start of the \
meeting."""
    + VIRTUAL
    + """ Without registration, delegates will not be able to access the remote participation \
tool.{% endif %}

As outlined in TSB Circular 68, the ITU-T registration system requires focal-point approval for \
registration requests; TSB Circular 118 describes how to set up automatic approval of these \
requests.

The membership is invited to include women in their delegations whenever possible."""
)

ANNEX_B = (
    "# ANNEX B\n"
    + TO_REFERENCE
    + "\n## Draft agenda of {{ body.long_name }} "
    + VIRTUAL
    + """virtual {% endif %}meeting, {{ dates }}

{% if agenda %}| # | Agenda items
|---|---
{% for row in agenda %}| {{ row.number }} | {{ row.title }}
{% endfor %}{% else %}The draft agenda will be published on the meeting page.{% endif %}

{% if details.agenda_note %}NOTE \u2013 {{ details.agenda_note }}{% endif %}"""
)

ANNEX_C = (
    "# ANNEX C\n"
    + TO_REFERENCE
    + "\n## Draft time plan\n## {{ body.long_name }} "
    + VIRTUAL
    + """virtual {% endif %}meeting, {{ dates }}

{% if slots %}| Date | Time ("""
    + TIME_ZONE
    + """) | Key | Session
|---|---|---|---
{% for slot in slots %}| {{ slot.date|date:"l, j F Y" }} | {{ slot.start|time:"H:i" }}-\
{{ slot.end|time:"H:i" }} | {{ slot.session_key }} | {{ slot.title }}
{% endfor %}
{% regroup slots by session_key as keys %}{% for key in keys %}{% if key.grouper %}Key: \
{{ key.grouper }} \u2013 """
    + VIRTUAL
    + """virtual meeting{% else %}session{% endif %}{% if meeting.remote_tool %} via ITU \
{{ meeting.remote_tool }}{% endif %} ({{ key.list.0.start|time:"H:i" }}-\
{{ key.list.0.end|time:"H:i" }}, """
    + TIME_ZONE
    + """){% endif %}
{% endfor %}{% else %}The draft time plan will be published on the meeting page.{% endif %}"""
)

DEFAULT = {
    "letterhead": LETTERHEAD,
    "dateline": DATELINE,
    "reference": REFERENCE,
    "to_label": "To:",
    "addressees": ADDRESSEES,
    "subject_label": "Subject:",
    "subject": SUBJECT,
    "salutation": "Dear Sir/Madam,",
    "main_text": MAIN_TEXT,
    "signature": SIGNATURE,
    "annex_a": ANNEX_A,
    "annex_b": ANNEX_B,
    "annex_c": ANNEX_C,
}


def install_default(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    if not LetterTemplate.objects.filter(body__isnull=True).exists():
        LetterTemplate.objects.create(body=None, **DEFAULT)


def remove_default(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    LetterTemplate.objects.filter(body__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_create_letter_templates_and_details")]

    operations = [migrations.RunPython(install_default, remove_default)]
