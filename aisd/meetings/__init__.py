"""A meeting assistant, piece by piece (notebook 10): speech to text, who spoke when, speaker turns,
transcript chunks under a token budget, action items checked against a schema, and redaction.

One idea per module:

- :mod:`~aisd.meetings.data`: the scripted meetings of ``datasets/meetings/`` (scripts, references, audio);
- :mod:`~aisd.meetings.synth`: the generator that spoke them with espeak-ng (maintainer tool);
- :mod:`~aisd.meetings.asr`: speech to text with word and segment timings, real-time factor, streaming;
- :mod:`~aisd.meetings.wer`: word error rate by edit distance;
- :mod:`~aisd.meetings.diarize`: speech segments, speaker embeddings, clustering;
- :mod:`~aisd.meetings.der`: diarization error rate against the reference turns;
- :mod:`~aisd.meetings.turns`: words to speaker turns by time overlap;
- :mod:`~aisd.meetings.chunking`: a transcript in chunks under a token budget, with overlap;
- :mod:`~aisd.meetings.actions`: the action-item schema, validation, and matching against references;
- :mod:`~aisd.meetings.redact`: personal data out before anything leaves the machine;
- :mod:`~aisd.meetings.streaming`: live-caption runs (fixed chunks, overlapping windows) timed in CPU seconds;
- :mod:`~aisd.meetings.captions`: what a streaming setup shows, its WER, caption delay and compute;
- :mod:`~aisd.meetings.notes`: summaries (one pass or map-reduce) and action items with the LLM, stored;
- :mod:`~aisd.meetings.precompute`: the slow steps for all meetings, saved for the notebook;
- :mod:`~aisd.meetings.evaluate`: WER, DER and who was confused with whom, per meeting, from the saved results;
- :mod:`~aisd.meetings.system`: the requirements (one :class:`~aisd.toolkit.requirements.Requirements`), the
  design and the cost per meeting hour;
- :mod:`~aisd.meetings.decisions`: the notebook's decisions (the caption budget and setup).
"""
