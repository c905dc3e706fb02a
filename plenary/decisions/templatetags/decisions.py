"""The meeting page's "Decisions" block, so the meetings app needs only one line for it."""

from django import template

from plenary.decisions.permissions import can_record_decision

register = template.Library()


@register.inclusion_tag("decisions/_meeting_block.html", takes_context=True)
def decisions_block(context, meeting):
    """Links to the meeting's decisions and, for its chairs and the secretariat, to record one.

    Links rather than the list itself: the meeting page keeps a fixed query budget, and the
    roles this check reads are already cached on the request's user.
    """
    return {"meeting": meeting, "can_record": can_record_decision(context["request"].user, meeting)}
