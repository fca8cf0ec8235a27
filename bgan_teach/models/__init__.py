"""Small networks: categorical generators, critics, continuous MLPs."""
from .continuous import MLPCritic, MLPGenerator  # noqa: F401
