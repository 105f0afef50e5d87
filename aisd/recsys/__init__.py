"""Recommendations on MovieLens 100k (notebook 09), one idea per module:

- ``data``: the MovieLens 100k files read from the ``recbole`` wheel (never imported); ids 0-based; each user's
  last interactions held out by time, with a leakage check; tuning and held-out users;
- ``system``: the requirements (the one ``Requirements`` type) and the design;
- ``decisions``: the candidate depth, the exploration budget and rate (reference answers);
- ``metrics``: recall@k, NDCG@k, MAP@k, catalogue coverage, novelty, popularity bias, Gini;
- ``baselines``: most popular, item-kNN (co-occurrence cosine), and the shared top-k;
- ``als``: matrix factorisation for implicit feedback (ALS): the half-step in numpy, ``implicit`` to fit;
- ``candidates``: stage one: FAISS ANN over ALS factors, popular and content (MiniLM) candidates;
- ``features``: the state of the system at a cutoff and the features of (user, item) pairs;
- ``ranker``: stage two: gradient-boosted trees or logistic regression trained on the earlier window;
- ``pipeline``: the two stages end to end, with timings and latency per request;
- ``coldstart``: new items from content, new users from a few ratings or demographics;
- ``diversify``: maximal-marginal-relevance re-ranking and intra-list similarity;
- ``evaluate``: the held-out table of every approach (metrics, fit time, latency per request);
- ``simulate``: the feedback loop of a recommender learning from its own clicks, position bias, exploration;
- ``offpolicy``: a randomised, propensity-logged policy and inverse propensity scoring of a new one;
- ``abtest``: the A/B test's users, design effect, sample size and power for a change in click-through;
- ``threads``: one thread for OpenMP/BLAS while a heavy step runs (shared 2-core machines).
"""
