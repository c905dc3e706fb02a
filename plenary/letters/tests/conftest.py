"""The project's shared fixtures (tests/conftest.py), for the tests of this app."""
