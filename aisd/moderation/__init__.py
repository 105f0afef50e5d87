"""Content moderation (notebook 05), one idea per module:

- ``requirements``: the platform's numbers (traffic, reviewer capacity, precision floor, costs) as data;
- ``data``: the TweetEval offensive and hate tweets (train / val / test), identity-term split;
- ``rules``: stage 1, a blocklist with a normaliser against evasions, and seeded adversarial rewrites;
- ``classify``: stage 2, TF-IDF + logistic regression, the MiniLM classifier's stored weights and scores,
  the ``hatesonar`` vendor baseline, macro-F1 and the published baselines;
- ``policy``: thresholds per action (auto-remove / human review / allow) under a precision floor and a
  reviewer capacity, and a day of the review queue with appeals;
- ``llm_stage``: stage 3, the LLM on the uncertain band with structured output (label, policy, rationale);
- ``cascade``: a post routed through the stages, and the per-stage table (decided, precision, recall,
  latency, cost);
- ``images``: known-bad image matching with perceptual hashes, on real photos and edited variants;
- ``precompute``: the script that trains the MiniLM classifier and stores the LLM's answers;
- ``quiz``: the answer key of the notebook's self-quiz.

The tweets contain real offensive language, slurs included: that is what moderation systems see.
"""
