"""E-mail written from templates: one message to one person, in their time zone.

A message is three templates beside each other, ``<stem>_subject.txt``, ``<stem>.txt`` and
``<stem>.html`` (e.g. ``registrations/email/outcome``), rendered with the recipient and their
zone in the context and times shown in that zone; the subject is kept to one line.
"""

import zoneinfo

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone


def send_templated(*, stem: str, recipient, otherwise: zoneinfo.ZoneInfo, context: dict) -> None:
    """Render the three templates of ``stem`` for ``recipient`` in their own time zone (else
    ``otherwise``: the meeting's, say) and send them."""
    zone = zoneinfo.ZoneInfo(recipient.time_zone) if recipient.time_zone else otherwise
    context = {**context, "recipient": recipient, "recipient_tz": zone}
    with timezone.override(zone):
        subject = render_to_string(f"{stem}_subject.txt", context)
        text = render_to_string(f"{stem}.txt", context)
        html = render_to_string(f"{stem}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[recipient.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
