"""Distribution kinds: one class per kind, each owning its schema, parameters, table,
"not sure" leaning, parameter words and sign certificate.

To add a kind, write its class in a module here and add it to :data:`Distribution`.
"""

from typing import Annotated

from pydantic import Field

from alsodds.kinds.base import Build, Domain, FloatArray, Kind, Param, ParamItem
from alsodds.kinds.noisy_or import Gate, NoisyOr
from alsodds.kinds.rate import Rate, RelativeFactor
from alsodds.kinds.roots import Bernoulli, Weights
from alsodds.kinds.stage import Stage
from alsodds.kinds.table import Table

Distribution = Annotated[
    Weights | Bernoulli | Rate | NoisyOr | Table | Stage,
    Field(discriminator="kind"),
]

#: The kind names a priors file may use.
KIND_NAMES = ("weights", "bernoulli", "rate", "noisy_or", "table", "stage")

__all__ = [
    "KIND_NAMES",
    "Bernoulli",
    "Build",
    "Distribution",
    "Domain",
    "FloatArray",
    "Gate",
    "Kind",
    "NoisyOr",
    "Param",
    "ParamItem",
    "Rate",
    "RelativeFactor",
    "Stage",
    "Table",
    "Weights",
]
