"""aisd: the shared code of the AI System Design Workbook, in layers (each imports only the layers above it).

- ``aisd.core``: the base (``paths``, ``errors``, ``offline``). Importing ``aisd`` applies the offline switches.
- ``aisd.runtime``: the local LLM tiers behind a real ``openai`` client, embeddings, token counts, the usage ledger.
- ``aisd.toolkit``: what every notebook shares: requirements and designs as data, metrics, statistics, readings,
  data loaders, retrieval, stored LLM answers and the grading guard.
- One package per notebook (the teaching code and the reference answers of its exercises): ``framework`` (00),
  ``estimation`` (01), ``rag`` (02), ``agents`` (03), ``fraud`` (04), ``moderation`` (05), ``legal`` (06),
  ``codereview`` (07), ``multimodal`` (08), ``recsys`` (09), ``meetings`` (10), ``resilience`` (11),
  ``interview`` (12).
- ``aisd.course``: the course tooling (the ``aisd`` command, nbgrader conventions, release, self-check, class
  grading, benchmarks, precompute). Notebooks never import it.
"""
from aisd.core import offline as _offline

_offline.apply()

__version__ = "0.1.0"
