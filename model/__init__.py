"""alsodds: an educational Bayesian network for "I notice muscle twitching - how likely is ALS?".

The public API lives here; the CLI, the dashboard and the notebooks call only these names.
Educational model only, not a diagnosis.

Names are imported on first use, so ``import alsodds`` (and the CLI) load only the modules
a call needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alsodds.errors import AlsoddsError, EvidenceError, PriorsError, RequestError
    from alsodds.explain import (
        Contribution,
        Derivation,
        FrequencyTree,
        QuestionValue,
        ShapleyResult,
        derive,
        explain_lines,
        factor_words,
        frequency_tree,
        implied_incidence_per_100k,
        natural_frequency,
        next_questions,
        sequential_contributions,
        shapley,
    )
    from alsodds.inference import (
        NOT_SURE,
        Model,
        QueryResult,
        load_model,
        parse_answers,
        posterior_and_evidence,
        posterior_matrix,
        query,
    )
    from alsodds.marginals import conditional_probability
    from alsodds.numbers import People, people, plain_number, times
    from alsodds.spec import (
        NetworkSpec,
        default_priors_path,
        dump_spec,
        load_spec,
        load_spec_text,
        param_label,
        update_params,
    )
    from alsodds.uncertainty import (
        FlipResult,
        PSAResult,
        SobolResult,
        TornadoBar,
        TwoWayGrid,
        base_rate_parameter,
        flip,
        param_table,
        psa,
        sobol,
        sobol_indices,
        tornado,
        two_way,
    )
    from alsodds.validation import (
        RowResult,
        ValidationTargets,
        all_passed,
        default_targets_path,
        load_targets,
        run_validation,
        validation_markdown,
    )
    from alsodds.watch import WatchPoint, WatchResult, watchful_waiting

#: Public name -> the module that defines it.
_HOME: dict[str, str] = {
    "all_passed": "alsodds.validation",
    "AlsoddsError": "alsodds.errors",
    "base_rate_parameter": "alsodds.uncertainty",
    "conditional_probability": "alsodds.marginals",
    "Contribution": "alsodds.explain",
    "default_priors_path": "alsodds.spec",
    "default_targets_path": "alsodds.validation",
    "Derivation": "alsodds.explain",
    "derive": "alsodds.explain",
    "dump_spec": "alsodds.spec",
    "EvidenceError": "alsodds.errors",
    "explain_lines": "alsodds.explain",
    "factor_words": "alsodds.explain",
    "flip": "alsodds.uncertainty",
    "FlipResult": "alsodds.uncertainty",
    "frequency_tree": "alsodds.explain",
    "FrequencyTree": "alsodds.explain",
    "implied_incidence_per_100k": "alsodds.explain",
    "load_model": "alsodds.inference",
    "load_spec": "alsodds.spec",
    "load_spec_text": "alsodds.spec",
    "load_targets": "alsodds.validation",
    "Model": "alsodds.inference",
    "natural_frequency": "alsodds.explain",
    "NetworkSpec": "alsodds.spec",
    "next_questions": "alsodds.explain",
    "NOT_SURE": "alsodds.inference",
    "param_label": "alsodds.spec",
    "param_table": "alsodds.uncertainty",
    "parse_answers": "alsodds.inference",
    "People": "alsodds.numbers",
    "people": "alsodds.numbers",
    "plain_number": "alsodds.numbers",
    "posterior_and_evidence": "alsodds.inference",
    "posterior_matrix": "alsodds.inference",
    "PriorsError": "alsodds.errors",
    "psa": "alsodds.uncertainty",
    "PSAResult": "alsodds.uncertainty",
    "query": "alsodds.inference",
    "QueryResult": "alsodds.inference",
    "QuestionValue": "alsodds.explain",
    "RequestError": "alsodds.errors",
    "RowResult": "alsodds.validation",
    "run_validation": "alsodds.validation",
    "sequential_contributions": "alsodds.explain",
    "shapley": "alsodds.explain",
    "ShapleyResult": "alsodds.explain",
    "sobol": "alsodds.uncertainty",
    "sobol_indices": "alsodds.uncertainty",
    "SobolResult": "alsodds.uncertainty",
    "times": "alsodds.numbers",
    "tornado": "alsodds.uncertainty",
    "TornadoBar": "alsodds.uncertainty",
    "two_way": "alsodds.uncertainty",
    "TwoWayGrid": "alsodds.uncertainty",
    "update_params": "alsodds.spec",
    "validation_markdown": "alsodds.validation",
    "ValidationTargets": "alsodds.validation",
    "watchful_waiting": "alsodds.watch",
    "WatchPoint": "alsodds.watch",
    "WatchResult": "alsodds.watch",
}

__all__ = [
    "NOT_SURE",
    "AlsoddsError",
    "Contribution",
    "Derivation",
    "EvidenceError",
    "FlipResult",
    "FrequencyTree",
    "Model",
    "NetworkSpec",
    "PSAResult",
    "People",
    "PriorsError",
    "QueryResult",
    "QuestionValue",
    "RequestError",
    "RowResult",
    "ShapleyResult",
    "SobolResult",
    "TornadoBar",
    "TwoWayGrid",
    "ValidationTargets",
    "WatchPoint",
    "WatchResult",
    "all_passed",
    "base_rate_parameter",
    "conditional_probability",
    "default_priors_path",
    "default_targets_path",
    "derive",
    "dump_spec",
    "explain_lines",
    "factor_words",
    "flip",
    "frequency_tree",
    "implied_incidence_per_100k",
    "load_model",
    "load_spec",
    "load_spec_text",
    "load_targets",
    "natural_frequency",
    "next_questions",
    "param_label",
    "param_table",
    "parse_answers",
    "people",
    "plain_number",
    "posterior_and_evidence",
    "posterior_matrix",
    "psa",
    "query",
    "run_validation",
    "sequential_contributions",
    "shapley",
    "sobol",
    "sobol_indices",
    "times",
    "tornado",
    "two_way",
    "update_params",
    "validation_markdown",
    "watchful_waiting",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'alsodds' has no attribute '{name}'")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
