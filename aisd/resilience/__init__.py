"""Notebook 11: scale, cost and reliability, measured on the course's own servers.

- :mod:`.proxy`: a fault-injecting HTTP proxy on 127.0.0.1 (latency, 429/5xx, resets, stalls, outages,
  streams cut mid-answer);
- :mod:`.patterns`: timeouts, retries with backoff and jitter (tenacity), a circuit breaker (pybreaker),
  fallback, graceful degradation, human escalation;
- :mod:`.experiments`: patterns x fault rates over one fault trace, the retry storm;
- :mod:`.service`: notebook 02's RAG answerer behind HTTP on 127.0.0.1 (the service to load and break);
- :mod:`.load`: throughput and latency percentiles against concurrency, bounded (the LLM server or the service);
- :mod:`.capacity`: what a replica count needs in cores and memory, and what runs out first;
- :mod:`.replay`: a recorded fault trace replayed offline under a policy (what the exercises grade);
- :mod:`.semcache`: a semantic response cache on paraphrased questions: hits, wrong hits, stale hits, a TTL and
  invalidation on ingest.
"""
