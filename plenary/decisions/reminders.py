"""Reminders to the secretariat of approval steps falling due (run daily by the worker's timer)."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from plenary.decisions.approval import FINAL
from plenary.decisions.models import ApprovalStep
from plenary.groups.models import Role


def steps_due(on: dt.date, within_days: int) -> list[ApprovalStep]:
    """Each draft's current approval step that is due by `on` + `within_days` (overdue ones
    too), the final stages aside."""
    latest = ApprovalStep.objects.values("work_item").annotate(last=Max("id")).values("last")
    return list(
        ApprovalStep.objects.filter(
            pk__in=latest, due__isnull=False, due__lte=on + dt.timedelta(days=within_days)
        )
        .exclude(state__in=[state.value for state in FINAL])
        .select_related("work_item__study_group")
        .order_by("due", "work_item__acronym")
    )


def send_approval_reminders(on: dt.date, within_days: int = 7) -> int:
    """E-mail each study group's secretariat the list of its steps falling due; returns the
    number of e-mails sent."""
    by_group: dict[int, list[ApprovalStep]] = defaultdict(list)
    for step in steps_due(on, within_days):
        by_group[step.work_item.study_group_id].append(step)
    sent = 0
    for steps in by_group.values():
        study_group = steps[0].work_item.study_group
        recipients = sorted(
            {
                role.person.email
                for role in Role.objects.filter(
                    body=study_group,
                    name__in=[Role.Name.COUNSELLOR, Role.Name.ASSISTANT],
                    person__is_active=True,
                ).select_related("person")
            }
        )
        if not recipients:
            continue
        context = {
            "study_group": study_group,
            "steps": steps,
            "on": on,
            "until": on + dt.timedelta(days=within_days),
            "programme_url": settings.SITE_URL
            + reverse("decisions:work_programme", kwargs={"acronym": study_group.acronym}),
        }
        subject = render_to_string("decisions/email/approval_reminder_subject.txt", context)
        body = render_to_string("decisions/email/approval_reminder.txt", context)
        EmailMultiAlternatives(subject=" ".join(subject.split()), body=body, to=recipients).send()
        sent += 1
    return sent


@task()
def approval_reminders(on: str, within_days: int = 7) -> int:
    """The background form of send_approval_reminders (`on` as an ISO date: arguments are JSON)."""
    return send_approval_reminders(dt.date.fromisoformat(on), within_days)
