"""alsodds: an educational Bayesian network for "I notice muscle twitching - how likely is ALS?".

The public API lives here; the CLI, the dashboard and the notebooks call only these names.
Educational model only, not a diagnosis.
"""

from model.errors import AlsoddsError, EvidenceError, PriorsError, RequestError
from model.explain import (
    Contribution,
    Derivation,
    QuestionValue,
    ShapleyResult,
    derive,
    explain_lines,
    factor_words,
    implied_incidence_per_100k,
    natural_frequency,
    next_questions,
    sequential_contributions,
    shapley,
)
from model.inference import (
    NOT_SURE,
    Model,
    QueryResult,
    load_model,
    parse_answers,
    posterior_matrix,
    query,
)
from model.spec import NetworkSpec, default_priors_path, load_spec, load_spec_text

__all__ = [
    "NOT_SURE",
    "AlsoddsError",
    "Contribution",
    "Derivation",
    "EvidenceError",
    "Model",
    "NetworkSpec",
    "PriorsError",
    "QueryResult",
    "QuestionValue",
    "RequestError",
    "ShapleyResult",
    "default_priors_path",
    "derive",
    "explain_lines",
    "factor_words",
    "implied_incidence_per_100k",
    "load_model",
    "load_spec",
    "load_spec_text",
    "natural_frequency",
    "next_questions",
    "parse_answers",
    "posterior_matrix",
    "query",
    "sequential_contributions",
    "shapley",
]
