"""Display objects that own their matplotlib artists and update them in place."""
from . import style  # noqa: F401
from .figures import figure, interactive, setup_backend  # noqa: F401
from .fdiv import BoundCurveDisplay, DensityDisplay, FenchelDisplay, SNISDisplay, plot_bound_results  # noqa: F401
from .discrete import GridTrainingDisplay, LogWeightDisplay, TableDisplay, WeightBarsDisplay  # noqa: F401
from .boundary import BoundaryDisplay, image_grid  # noqa: F401
from .text import TextTrainingDisplay  # noqa: F401
from .digits import CoverageDisplay, DigitsTrainingDisplay, SampleGridDisplay, ScoreCurvesDisplay  # noqa: F401

style.apply()                      # the visual standard's font sizes (bgan_teach.plotting.style)
