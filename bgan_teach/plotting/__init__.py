"""Display objects that own their matplotlib artists and update them in place."""
from .figures import figure, interactive, setup_backend  # noqa: F401
