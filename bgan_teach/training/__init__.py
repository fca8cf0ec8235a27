"""Trainers. Each returns a :class:`~bgan_teach.training.common.TrainResult`."""
from .common import History, NonFiniteError, Snapshot, TrainResult  # noqa: F401
from .continuous import GENERATOR_LOSSES, ContinuousGAN, train_continuous  # noqa: F401
