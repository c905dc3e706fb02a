"""Authority as a role within a body: one place answers "does this person hold this role here?"."""

from collections.abc import Iterable

from plenary.groups.models import Body, Role


def roles_held(user) -> frozenset[tuple[int, str]]:
    """The (body id, role name) pairs a person holds.

    Read once per user object and kept on it: Django loads the user afresh for every request, so
    this is one query per request however many permission checks a page makes.
    """
    cached = getattr(user, "_plenary_roles", None)
    if cached is None:
        cached = frozenset(
            Role.objects.filter(person=user).order_by().values_list("body_id", "name")
        )
        user._plenary_roles = cached
    return cached


def remember_roles(user, roles: Iterable[tuple[int, str]]) -> None:
    """Keep the (body id, role name) pairs a caller read with the user (the API's token read
    brings them in its one statement), so that roles_held does not read them again."""
    user._plenary_roles = frozenset(roles)


def forget_roles(user) -> None:
    """Drop the roles kept on a user object, after a service changed them."""
    user.__dict__.pop("_plenary_roles", None)


def has_role(user, body: Body, names: Iterable[str], *, inherited: bool = True) -> bool:
    """Whether the user holds one of the roles in the body (or, if inherited, in a parent body).

    Inheritance follows how a secretariat works: the counsellor of SG11 serves WP1/11 too.
    """
    if user is None or not user.is_authenticated:
        return False
    held = roles_held(user)
    if not held:
        return False  # most people hold no role: no need to walk the body's parents
    bodies = {body.pk}
    if inherited:
        bodies.update(b.pk for b in body.ancestors())
    wanted = set(names)
    return any(body_id in bodies and name in wanted for body_id, name in held)


def is_secretariat(user, body: Body | None = None) -> bool:
    """A secretariat member for this body (or for any body when none is given); superusers too."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if body is None:
        return any(name in Role.SECRETARIAT for _, name in roles_held(user))
    return has_role(user, body, Role.SECRETARIAT)


def is_chair(user, body: Body) -> bool:
    """Chairman or vice-chairman of exactly this body (a WP chair does not chair another WP)."""
    return has_role(user, body, Role.CHAIRS, inherited=False)
