"""The shared teaching toolkit every notebook package builds on: requirements and designs as data
(``requirements``, ``design``), metrics (``metrics`` for ranking, ``classification`` for scores and costs),
intervals (``stats``, the only place intervals are computed), rendered readings (``readings``), data loaders
(``datasets``), retrieval (``retrieval``: chunking, BM25, dense, fusion, re-ranking, the pipeline), stored LLM answers
(``answer_store``) and the grading guard the notebooks' test cells use (``exercises``, with the escape names its
static check refuses in ``escapes``; ``quizzes``).

Nothing here imports a notebook's package (``tests/library/test_structure.py`` checks it)."""
