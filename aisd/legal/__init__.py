"""Legal document Q&A (notebook 06), one idea per module:

- ``data``       the six EU laws, read out of a PyPI wheel's SQLite database (checked by sha256); the labelled
                 questions and their ``tuning`` / ``heldout`` splits
- ``chunking``   structure-aware chunks: law > chapter > article > paragraph > point, each with its
                 citation path ("GDPR Art. 83(5)(a)")
- ``citations``  citation strings to paths and back; cross-references found in text and resolved
- ``fts``        the database's own FTS5 index (SQLite's BM25), a second keyword engine
- ``search``     the engines side by side; cross-references followed; a provision named in the question looked up
- ``vectors``    the chunks' embeddings, precomputed (``aisd precompute 06 vectors``) and checked by key
- ``access``     entitlements applied before ranking and in the cache key; an audit log
- ``answers``    extractive answers that quote and cite, and the LLM's (stored, ``aisd precompute 06 answers``)
- ``verify``     quotes checked verbatim, numbers against the cited text, citations against what was retrieved
- ``support``    a sentence's meaning against the provision it cites (embedding similarity)
- ``system``     the notebook's requirements and design, as data
- ``evaluate``   context-budget recall; answers judged sentence by sentence (hallucination rate)
- ``decisions``  the retriever and the support threshold, chosen on the tuning questions
- ``precompute`` the stored LLM answers, regenerated resumably
"""
