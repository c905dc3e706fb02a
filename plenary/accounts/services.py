from django.db import transaction

from plenary.accounts.models import User


@transaction.atomic
def profile_update(*, user: User, title: str, name: str, country: str, time_zone: str) -> User:
    """Change a person's own profile fields."""
    user.title = title
    user.name = name
    user.country = country
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["title", "name", "country", "time_zone"])
    return user
