"""An LLM's advisory review of a design answer against its rubric (``aisd check --review``).

Kept apart from the self-check so that grading never needs the runtime: only ``--review`` imports it.
"""
from __future__ import annotations

from aisd.course.feedback import DesignAnswer


def review(answer: DesignAnswer) -> str:
    """An LLM's advisory review of one answer against its rubric (needs ``AISD_LLM_BASE_URL``: the bundled
    135M model is too small to judge a design, so this refuses to use it)."""
    from aisd.runtime import llm

    if llm.is_local():
        return ("(no review: set AISD_LLM_BASE_URL, AISD_LLM_MODEL and AISD_LLM_API_KEY to have a hosted model "
                "review your answer; the bundled local model is too small to judge a design)")
    if not answer.answered:
        return "(no review: the answer is empty)"
    prompt = ("You review a candidate's answer in an AI system design interview against a rubric. For each "
              "rubric point say met / partly / not met, quoting the answer; then the two most useful "
              f"improvements. Be brief and strict.\n\nRUBRIC:\n{answer.rubric}\n\nANSWER:\n{answer.answer}")
    reply = llm.client().chat.completions.create(model=llm.model_name(), max_tokens=500, temperature=0,
                                                 messages=[{"role": "user", "content": prompt}])
    return reply.choices[0].message.content or ""
