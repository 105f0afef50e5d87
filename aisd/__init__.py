"""aisd: the shared code of the AI System Design Workbook, in three rooms.

- **The teaching library** (what notebooks import, by topic; the reference answers of the exercises):
  ``requirements``, ``estimate``, ``design`` (notebooks 00-01); ``corpus``, ``retrieval`` (chunking,
  BM25, dense, fusion, re-ranking, the pipeline), ``metrics``, ``datasets``, ``rag`` (notebook 02 on).
- **The runtime** ``aisd.runtime``: the local LLM behind a real ``openai`` client, embeddings, token
  counts, the usage and cost ledger.
- **The course tooling** ``aisd.course``: nbgrader conventions, release, self-check, class grading,
  the notebook benchmark, the setup check. Notebooks never import it.

Plus ``paths`` (where things live), ``errors`` (the one base error), ``offline`` (the switches that keep
model libraries off the network: importing ``aisd`` sets them) and ``cli`` (the ``aisd`` command).
"""
from . import offline as _offline

_offline.apply()

__version__ = "0.1.0"
