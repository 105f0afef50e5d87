"""Right answers to the exercises of 03_research_agent written another valid way: each must earn every point,
hidden tests included (run by tests/notebooks/test_discrimination.py in its exercise's place): the mirror of
``tests/wrong_answers/``. The decisions get different methods each: for the step budget a vectorised grid with
the opposite tie rule, a marginal (break-even) walk, and "the smallest budget within 1 % of the cheapest"; for the
token budget the requirements' own step size times the step budget, and a percentile of the tuning runs with a
margin; the failure taxonomy as a lookup table; the quiz in capitals."""

RIGHT_ANSWERS = {
    "ex_choose_step_budget": {
        "a vectorised grid, the largest of equally cheap budgets": '''
def choose_step_budget(runs, step_cost, escalation_cost):
    steps = np.array([r["steps"] for r in runs])
    solved = np.array([r["solved"] for r in runs], dtype=bool)
    budgets = np.arange(1, 8)
    within = steps[None, :] <= budgets[:, None]
    paid = np.where(within, steps[None, :], budgets[:, None]) * step_cost
    person = np.where(within & solved[None, :], 0.0, escalation_cost)
    cost = (paid + person).mean(axis=1)
    return int(budgets[np.flatnonzero(cost <= cost.min() + 1e-12)[-1]])
''',
        "a marginal walk: each extra step pays for the runs still going, and saves the runs that finish then": '''
def choose_step_budget(runs, step_cost, escalation_cost):
    n = len(runs)
    total, best, best_total = 0.0, 1, None
    for b in range(1, 8):
        if b == 1:
            total = sum(step_cost + (0 if (r["steps"] <= 1 and r["solved"]) else escalation_cost) for r in runs)
        else:
            still_going = sum(r["steps"] >= b for r in runs)            # they pay one more step
            finish_solved = sum(r["steps"] == b and r["solved"] for r in runs)
            total += still_going * step_cost - finish_solved * escalation_cost
        if best_total is None or total < best_total - 1e-9 * max(1, n):
            best, best_total = b, total
    return best
''',
        "the smallest budget within 1 % of the cheapest (a margin for a noisy estimate)": '''
def choose_step_budget(runs, step_cost, escalation_cost):
    def cost(b):
        return np.mean([r["steps"] * step_cost + (0 if r["solved"] else escalation_cost) if r["steps"] <= b
                        else b * step_cost + escalation_cost for r in runs])
    costs = {b: cost(b) for b in range(1, 8)}
    cheapest = min(costs.values())
    return min(b for b, c in costs.items() if c <= cheapest * 1.01 + 1e-12)
''',
    },
    "ex_token_budget": {
        "the requirements' step (8,000 in, 300 out) times the 7 LLM calls a task may make": '''
def token_budget():
    per_step = REQ.context_tokens_per_step + REQ.completion_tokens_per_step
    return 7 * per_step, "seven steps at the context size the requirements assume: a run that fits the step budget is never cut by tokens"
''',
        "the 90th percentile of the tuning runs with a 50 % margin": '''
def token_budget():
    tokens = evaluate.per_task({"react": STORED["react"]}, TUNING)["tokens"]
    return int(1.5 * np.percentile(tokens, 90)), "the 90th percentile of tuning runs plus half again, so the long successful runs still fit; worst case a few cents"
''',
    },
    "ex_failure_kind": {
        "a lookup table for the stop reasons and a set for what was read": '''
from aisd.agents.trace import is_abstention

NO_ANSWER = {"loop": "no answer: loop", "steps": "no answer: budget", "tokens": "no answer: budget",
             "deadline": "no answer: budget"}


def failure_kind(trace, task) -> str:
    if task.solved_by(trace.answer):
        return "solved"
    if trace.answer is None:
        return NO_ANSWER.get(trace.stop_reason, "no answer: broken")
    if is_abstention(trace.answer):
        if task.answerable:
            return "abstained wrongly"
    if not task.answerable:
        return "answered the unanswerable"
    read = {str(s.arguments["doc_id"]) for s in trace.steps
            if s.tool == "read_document" and isinstance((s.arguments or {}).get("doc_id"), str)}
    read |= {p for s in trace.steps for p in ((s.arguments or {}).get("passages") or [])}
    return "wrong, evidence read" if read.intersection(task.supporting_ids) else "wrong, evidence missed"
''',
    },
    "ex_quiz_agents": {
        "capitals and spaces": '''
def quiz_agents():
    return {"q1": " C", "q2": "A", "q3": "B ", "q4": "C"}
''',
    },
}
