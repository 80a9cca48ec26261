"""General decision models that grading builds on — usable on their own, with no crisis in sight.

* :mod:`crisiskit.grading.models.ahp` — the analytic hierarchy process (层次分析法): weights
  and a consistency check from pairwise judgements, and hierarchies of them;
* :mod:`crisiskit.grading.models.fuzzy` — fuzzy comprehensive evaluation (模糊综合评价)
  with the four classical composition operators;
* :mod:`crisiskit.grading.models.fta` — fault-tree analysis (故障树分析): exact top-event
  probability, minimal cut sets and importance measures.

:class:`~crisiskit.grading.AhpFuzzyPolicy` combines the first two; a policy of your own may
take a likelihood from a fault tree.
"""

from crisiskit.grading.models import ahp, fta, fuzzy

__all__ = ["ahp", "fta", "fuzzy"]
