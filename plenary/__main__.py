"""The `plenary` command: Django's management commands under the product's name."""

import os
import sys


def main() -> None:
    """Run a management command, e.g. `plenary migrate`, `plenary demo`, `plenary serve`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenary.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["plenary", *sys.argv[1:]])


if __name__ == "__main__":
    main()
