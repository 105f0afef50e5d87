"""Content moderation (notebook 05), one idea per module:

- ``system``: the platform's requirements (traffic, reviewer capacity, precision floor, costs) and the design, as data;
- ``data``: the TweetEval offensive and hate tweets (train / tuning / heldout), identity-term split;
- ``rules``: stage 1, a blocklist with a normaliser against evasions, and seeded adversarial rewrites;
- ``classify``: stage 2, TF-IDF + logistic regression, the MiniLM classifier's stored weights and scores,
  the ``hatesonar`` vendor baseline, macro-F1 and the published baselines;
- ``policy``: what thresholds per action (auto-remove / human review / allow) do to labelled posts, and a day of
  the review queue with its evening peak and appeals;
- ``decisions``: the thresholds, the reviewer capacity, the rule terms and the image-match distance, chosen on tuning;
- ``llm_stage``: stage 3, the LLM on the uncertain band with structured output (verdict, rationale);
- ``router``: model tiering on the band (the tiny model first, the small one when it is unsure);
- ``cascade``: a post routed through the stages, and the per-stage table (decided, precision, recall,
  latency, cost);
- ``images``: known-bad image matching with perceptual hashes, on real photos and edited variants;
- ``evaluate``: how the choices and the LLM verdicts are scored on held-out posts, with intervals;
- ``precompute``: the MiniLM classifier's training (``aisd precompute 05 scores``).

The tweets contain real offensive language, slurs included: that is what moderation systems see.
"""
