"""Plausible wrong answers to the exercises of 03_research_agent: each must lose points."""

WRONG_ANSWERS = {
    "calculate": {
        "goes round the guard through the package's private evaluator (calculator._evaluate)": '''
import ast

from aisd.agents import calculator


def calculate(expression):
    return calculator._evaluate(ast.parse(expression.strip(), mode="eval"))
''',
        "eval with empty builtins (an attribute chain still escapes; no exponent limit)": '''
def calculate(expression):
    return eval(expression, {"__builtins__": {}}, {"sqrt": math.sqrt, "abs": abs, "round": round, "max": max,
                "min": min, "floor": math.floor, "ceil": math.ceil, "log10": math.log10, "log": math.log,
                "exp": math.exp, "pi": math.pi, "e": math.e})
''',
        "ast walk that allows attributes and any call": '''
import ast, math, operator
OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
       ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}

def calculate(expression):
    def value(node):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.UnaryOp):
            return -value(node.operand) if isinstance(node.op, ast.USub) else value(node.operand)
        if isinstance(node, ast.BinOp):
            left, right = value(node.left), value(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > 1000:
                raise ValueError("exponent too large")
            return OPS[type(node.op)](left, right)
        if isinstance(node, ast.Name):
            return getattr(math, node.id, None) or {"abs": abs, "max": max, "min": min, "round": round}[node.id]
        if isinstance(node, ast.Attribute):
            return getattr(value(node.value), node.attr)
        if isinstance(node, ast.Call):
            return value(node.func)(*[value(a) for a in node.args], **{k.arg: value(k.value) for k in node.keywords})
        raise ValueError("not allowed")
    return value(ast.parse(expression, mode="eval").body)
''',
        "safe, but no exponent limit": '''
import ast, math, operator
OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
       ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}
FUNCS = {"abs": abs, "ceil": math.ceil, "exp": math.exp, "floor": math.floor, "log": math.log, "log10": math.log10,
         "max": max, "min": min, "round": round, "sqrt": math.sqrt}

def calculate(expression):
    def value(node):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return node.value
        if isinstance(node, ast.Name) and node.id in ("pi", "e"):
            return getattr(math, node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return -value(node.operand) if isinstance(node.op, ast.USub) else value(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in OPS:
            return OPS[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCS and not node.keywords:
            return FUNCS[node.func.id](*[value(a) for a in node.args])
        raise ValueError("not allowed")
    return value(ast.parse(expression, mode="eval").body)
''',
        "no unary minus (a common omission)": '''
import ast, math, operator
OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
       ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}
FUNCS = {"abs": abs, "ceil": math.ceil, "exp": math.exp, "floor": math.floor, "log": math.log, "log10": math.log10,
         "max": max, "min": min, "round": round, "sqrt": math.sqrt}

def calculate(expression):
    def value(node):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return node.value
        if isinstance(node, ast.Name) and node.id in ("pi", "e"):
            return getattr(math, node.id)
        if isinstance(node, ast.BinOp) and type(node.op) in OPS:
            left, right = value(node.left), value(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > 1000:
                raise ValueError("exponent too large")
            return OPS[type(node.op)](left, right)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCS and not node.keywords:
            return FUNCS[node.func.id](*[value(a) for a in node.args])
        raise ValueError("not allowed")
    return value(ast.parse(expression, mode="eval").body)
''',
    },
    "failure_kind": {
        "goes round the guard through the package's diagnose.passages_read": '''
from aisd.agents.diagnose import passages_read
from aisd.agents.trace import is_abstention


def failure_kind(trace, task):
    if task.solved_by(trace.answer):
        return "solved"
    if trace.answer is None:
        if trace.stop_reason == "loop":
            return "no answer: loop"
        return "no answer: budget" if trace.stop_reason in ("steps", "tokens", "deadline") else "no answer: broken"
    if task.answerable and is_abstention(trace.answer):
        return "abstained wrongly"
    if not task.answerable:
        return "answered the unanswerable"
    return "wrong, evidence read" if passages_read(trace) & set(task.supporting_ids) else "wrong, evidence missed"
''',
        "counts the cited sources as read": '''
from aisd.agents.trace import is_abstention

def failure_kind(trace, task):
    if task.solved_by(trace.answer):
        return "solved"
    if trace.answer is None:
        return {"loop": "no answer: loop"}.get(trace.stop_reason, "no answer: budget" if trace.stop_reason in ("steps", "tokens", "deadline") else "no answer: broken")
    if task.answerable and is_abstention(trace.answer):
        return "abstained wrongly"
    if not task.answerable:
        return "answered the unanswerable"
    seen = set(trace.sources)
    for step in trace.steps:
        if step.tool == "read_document":
            seen.add((step.arguments or {}).get("doc_id"))
    return "wrong, evidence read" if seen & set(task.supporting_ids) else "wrong, evidence missed"
''',
        "every run without an answer is a budget stop": '''
from aisd.agents.trace import is_abstention

def failure_kind(trace, task):
    if task.solved_by(trace.answer):
        return "solved"
    if trace.answer is None:
        return "no answer: loop" if trace.stop_reason == "loop" else "no answer: budget"
    if task.answerable and is_abstention(trace.answer):
        return "abstained wrongly"
    if not task.answerable:
        return "answered the unanswerable"
    read = {(s.arguments or {}).get("doc_id") for s in trace.steps if s.tool == "read_document"}
    for s in trace.steps:
        read.update((s.arguments or {}).get("passages", []) or [])
    return "wrong, evidence read" if read & set(task.supporting_ids) else "wrong, evidence missed"
''',
        "checks abstention before success (an unanswerable task's right answer looks wrong)": '''
from aisd.agents.trace import is_abstention

def failure_kind(trace, task):
    if trace.answer is None:
        return {"loop": "no answer: loop"}.get(trace.stop_reason, "no answer: budget" if trace.stop_reason in ("steps", "tokens", "deadline") else "no answer: broken")
    if is_abstention(trace.answer):
        return "abstained wrongly"
    if task.solved_by(trace.answer):
        return "solved"
    if not task.answerable:
        return "answered the unanswerable"
    read = {(s.arguments or {}).get("doc_id") for s in trace.steps if s.tool == "read_document"}
    for s in trace.steps:
        read.update((s.arguments or {}).get("passages", []) or [])
    return "wrong, evidence read" if read & set(task.supporting_ids) else "wrong, evidence missed"
''',
        "ignores the passages a retrieve-then-answer run was given": '''
from aisd.agents.trace import is_abstention

def failure_kind(trace, task):
    if task.solved_by(trace.answer):
        return "solved"
    if trace.answer is None:
        return {"loop": "no answer: loop"}.get(trace.stop_reason, "no answer: budget" if trace.stop_reason in ("steps", "tokens", "deadline") else "no answer: broken")
    if task.answerable and is_abstention(trace.answer):
        return "abstained wrongly"
    if not task.answerable:
        return "answered the unanswerable"
    read = {(s.arguments or {}).get("doc_id") for s in trace.steps if s.tool == "read_document"}
    return "wrong, evidence read" if read & set(task.supporting_ids) else "wrong, evidence missed"
''',
    },
    "choose_step_budget": {
        "maximises success and ignores cost": '''
def choose_step_budget(runs, step_cost, escalation_cost):
    return max(range(1, 8), key=lambda b: (sum(r["solved"] and r["steps"] <= b for r in runs), -b))
''',
        "a run that gives up early is charged the whole budget": '''
def choose_step_budget(runs, step_cost, escalation_cost):
    def cost(b):
        return sum(r["steps"] * step_cost if r["solved"] and r["steps"] <= b else b * step_cost + escalation_cost
                   for r in runs) / len(runs)
    return min(range(1, 8), key=lambda b: (round(cost(b), 12), b))
''',
        "forgets that a cut run still paid its steps": '''
def choose_step_budget(runs, step_cost, escalation_cost):
    def cost(b):
        return sum(r["steps"] * step_cost + (0 if r["solved"] else escalation_cost) if r["steps"] <= b
                   else escalation_cost for r in runs) / len(runs)
    return min(range(1, 8), key=lambda b: (round(cost(b), 12), b))
''',
        "ships the largest budget the runs allow": '''
def choose_step_budget(runs, step_cost, escalation_cost):
    return max(r["steps"] for r in runs) if runs else 7
''',
    },
    "token_budget": {
        "no real limit (the worst case costs more than the person)": '''
def token_budget():
    return 10 ** 9, "never cut a run"
''',
        "the median tuning run (cuts the successful runs that read more)": '''
def token_budget():
    tuning = evaluate.per_task({"react": STORED["react"]}, TUNING)
    return int(tuning["tokens"].median() / 2), "half the typical run keeps costs down"
''',
        "no reason given": '''
def token_budget():
    return 20_000, ""
''',
    },
    "quiz_agents": {
        "believes a zero rate is exactly zero": '''
def quiz_agents():
    return {"q1": "c", "q2": "a", "q3": "b", "q4": "a"}
''',
        "blames the loop": '''
def quiz_agents():
    return {"q1": "b", "q2": "a", "q3": "b", "q4": "c"}
''',
        "the old key of the other notebooks": '''
def quiz_agents():
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "b"}
''',
    },
}
