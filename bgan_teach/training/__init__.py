"""Trainers. Each returns a :class:`~bgan_teach.training.common.TrainResult`."""
from .common import History, NonFiniteError, Snapshot, TrainResult  # noqa: F401
from .continuous import GENERATOR_LOSSES, ContinuousGAN, train_continuous  # noqa: F401
from .discrete import ESTIMATORS, train_discrete  # noqa: F401
from .bound import BoundResult, example_pair, fit_bound, mixture_toy, reweighting_view  # noqa: F401
from .digits_recipe import SETUPS as DIGITS_SETUPS, train_digits  # noqa: F401
from .studies import compare_losses, summarize  # noqa: F401
