"""The course's AI runtime: the local LLM behind an ``openai`` client, embeddings, tokens, usage and cost.

- ``models``      the bundled model files (bottom of the import graph: no other aisd module)
- ``server``      the local llama.cpp OpenAI-compatible server process: start, find, stop
- ``llm``         ``client()``: a real ``openai.OpenAI`` for the local model or an opted-in provider
- ``recording``   an httpx transport that records every request the client makes into ``usage``
- ``usage``       the ledger of LLM calls, and what they would cost on hosted models
- ``tokens``      token counts for text not sent yet
- ``embeddings``  the bundled MiniLM sentence embeddings, with a persistent cache
- ``bench``       ``aisd bench runtime``: all of the above measured on this machine
- ``setup_check`` installed versions against the pins (``python -m aisd.runtime.setup_check``)

>>> from aisd.runtime import llm, embeddings, usage, tokens      # what notebooks import
"""
