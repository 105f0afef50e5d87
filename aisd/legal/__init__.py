"""Legal document Q&A (notebook 06), one idea per module:

- ``data``       the six EU laws, read out of a PyPI wheel's SQLite database (checked by sha256)
- ``chunking``   structure-aware chunks: law > chapter > article > paragraph > point, each with its
                 citation path ("GDPR Art. 83(5)(a)")
- ``citations``  citation strings to paths and back; cross-references found in text and resolved
- ``fts``        the database's own FTS5 index (SQLite's BM25), a second keyword engine
- ``verify``     quotes checked verbatim against the cited chunk, citations against what was retrieved
- ``access``     entitlements applied before ranking and in the cache key; an audit log
- ``vectors``    the chunks' embeddings, precomputed (``python -m aisd.legal.vectors``) and checked by key
- ``qa``         the notebook's system: requirements, design, engines side by side, extractive answers
"""
