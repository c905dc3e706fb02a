"""Authority as a role within a body: one place answers "does this person hold this role here?"."""

from collections.abc import Iterable

from plenary.groups.models import Body, Role


def has_role(user, body: Body, names: Iterable[str], *, inherited: bool = True) -> bool:
    """Whether the user holds one of the roles in the body (or, if inherited, in a parent body).

    Inheritance follows how a secretariat works: the counsellor of SG11 serves WP1/11 too.
    """
    if user is None or not user.is_authenticated:
        return False
    bodies = [body.pk]
    if inherited:
        bodies += [b.pk for b in body.ancestors()]
    return Role.objects.filter(person=user, body_id__in=bodies, name__in=list(names)).exists()


def is_secretariat(user, body: Body | None = None) -> bool:
    """A secretariat member for this body (or for any body when none is given); superusers too."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if body is None:
        return Role.objects.filter(person=user, name__in=Role.SECRETARIAT).exists()
    return has_role(user, body, Role.SECRETARIAT)


def is_chair(user, body: Body) -> bool:
    """Chairman or vice-chairman of exactly this body (a WP chair does not chair another WP)."""
    return has_role(user, body, Role.CHAIRS, inherited=False)
