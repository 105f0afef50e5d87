"""aisd: the shared code of the AI System Design Workbook.

Notebooks import what they need from the modules here, one idea per module:

- ``aisd.paths``      where the course's folders and the per-user state live
- ``aisd.notebook``   reading nbgrader notebooks (grade cells, exercises)
- ``aisd.release``    solutions/ -> notebooks/ with nbgrader generate_assignment
- ``aisd.selfcheck``  grade one notebook against the full tests (``aisd check``)
- ``aisd.classgrade`` grade a class's submissions (``aisd grade``)
- ``aisd.llm``        an ``openai.OpenAI`` client for the local LLM server (or a provider you opt into)
- ``aisd.embeddings`` the bundled MiniLM sentence embeddings, with a persistent cache
- ``aisd.usage``      the ledger of LLM calls, and what they would cost on hosted models
- ``aisd.tokens``     token counts for text not sent yet (capacity planning)
- ``aisd.runtime_bench`` ``aisd bench runtime``: the runtime measured on this machine
- ``aisd.requirements`` requirements as data, and the clarifying questions an interviewer expects
- ``aisd.estimate``   reference answers for back-of-envelope estimates
- ``aisd.design``     a design as nodes and edges: a Mermaid diagram and an interviewer's review
- ``aisd.corpus``     the documentation corpus (Python's own reference topics) as passages
- ``aisd.retrieval``  chunking, BM25, FAISS, hybrid fusion, re-ranking, metrics, ``aisd eval-retrieval``
- ``aisd.rag``        generation with citations, groundedness, abstention, response caches

Importing the package sets the offline switches of the Hugging Face libraries, so a model
load never waits ~75 s for a hub it cannot reach. A learner opts into the network explicitly.
"""
import os as _os

for _name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
    _os.environ.setdefault(_name, "1")
_os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
_os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"
