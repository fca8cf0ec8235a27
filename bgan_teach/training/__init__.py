"""Trainers. Each returns a :class:`~bgan_teach.training.common.TrainResult`."""
from .common import History, NonFiniteError, Snapshot, TrainResult  # noqa: F401
