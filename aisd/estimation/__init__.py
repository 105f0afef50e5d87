"""Notebook 01 (requirements and back-of-envelope estimation): ``system`` (the requirements and the design as data),
``data`` (both local model tiers measured on the same questions), ``estimate`` (QPS, tokens, storage, cost,
break-even), ``reliability`` (availability arithmetic: chains and fallbacks), ``drills`` (what a changed requirement
breaks), ``decisions`` (the availability target the learner sets) and ``evaluate`` (what that target costs)."""
