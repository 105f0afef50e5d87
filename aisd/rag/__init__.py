"""Notebook 02 (RAG for customer support): the documentation corpus (``corpus``), generation with citations, the
groundedness judge and the caches (``generation``), the tuning sweeps (``experiments``) and the decisions
(``decisions``). Retrieval itself is shared and lives in :mod:`aisd.toolkit.retrieval`."""
