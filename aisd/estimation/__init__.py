"""Notebook 01 (requirements and back-of-envelope estimation): ``estimate`` (QPS, tokens, storage, cost, break-even),
``reliability`` (availability arithmetic: chains and fallbacks) and ``drills`` (what a changed requirement breaks)."""
