"""Mock interviews (notebook 12): an unseen prompt, four timed phases, your requirements and design as
data reviewed automatically, and follow-up questions chosen from the gaps in your own design.

One idea per module:

- :mod:`~aisd.interview.problems`: the prompts the course has not worked, with what the interviewer
  answers when asked, and a first-draft design of a candidate for each;
- :mod:`~aisd.interview.timer`: the four phases with their time boxes, a visible timer (ipywidgets)
  that records how long each phase took under ``$AISD_HOME``;
- :mod:`~aisd.interview.gaps`: what a design lacks that an interviewer probes (cache, fallback,
  evaluation, monitoring), on top of :func:`aisd.toolkit.design.review`;
- :mod:`~aisd.interview.scorecard`: requirements and design reviewed together, one row per criterion;
- :mod:`~aisd.interview.followups`: follow-up questions chosen by rules from the gaps (a complete
  design gets harder ones), phrased by an LLM only when one is configured;
- :mod:`~aisd.interview.rubrics`: a rubric per phase, with tiers and a weak and a strong answer.
"""
