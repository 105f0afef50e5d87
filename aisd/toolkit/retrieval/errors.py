"""The retrieval package's one error: bad input to chunking, fusion, an index or the pipeline (the message says what
to pass instead). It is also a ``ValueError`` and a ``RuntimeError``, so code that caught those still does."""
from __future__ import annotations

from aisd.core.errors import AisdError


class RetrievalError(AisdError, ValueError, RuntimeError):
    """Bad input to a retrieval step, or a step the retriever was built without."""
