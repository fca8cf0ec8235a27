"""Small networks: categorical generators, critics, continuous MLPs."""
from .continuous import MLPCritic, MLPGenerator  # noqa: F401
from .categorical import CategoricalGenerator, CategoricalSampling, DiscreteCritic, DiscreteGenerator, OneHotCritic  # noqa: F401
from .sequence import SequenceCritic, SequenceGenerator, sample_sequences  # noqa: F401
from .digits import DigitConvCritic, DigitConvGenerator  # noqa: F401
from .table import PositionLinearCritic, PositionMLPCritic, TableCritic  # noqa: F401
