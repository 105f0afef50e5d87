"""Plausible wrong answers to the exercises of 02_rag_customer_support: each must lose points."""

WRONG_ANSWERS = {
    "chunk_fixed": {
        "ignores the overlap": '''
def chunk_fixed(text, size, overlap=0):
    return [text[i:i + size] for i in range(0, len(text), size)]
''',
        "keeps stepping past the end (trailing tail chunks)": '''
def chunk_fixed(text, size, overlap=0):
    return [text[i:i + size] for i in range(0, len(text), size - overlap)]
''',
        "steps by the overlap instead of size - overlap": '''
def chunk_fixed(text, size, overlap=0):
    step = overlap or size
    chunks = []
    for start in range(0, len(text), step):
        chunks.append(text[start:start + size])
        if start + size >= len(text):
            break
    return chunks
''',
        "returns the whole text": '''
def chunk_fixed(text, size, overlap=0):
    return [text] if text else []
''',
    },
    "chunk_by_structure": {
        "para.strip() (removes code indentation)": '''
import re
is_heading = R.is_heading

def chunk_by_structure(text, max_chars):
    chunks, current = [], ""
    for para in re.split(r"\\n[ \\t]*\\n", text):
        para = para.strip()
        if not para:
            continue
        if is_heading(para) and current:
            chunks.append(current); current = ""
        for piece in (R.chunk_fixed(para, max_chars) if len(para) > max_chars else [para]):
            if current and len(current) + 2 + len(piece) <= max_chars:
                current += "\\n\\n" + piece
            else:
                if current:
                    chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks
''',
        "a long paragraph's pieces as chunks of their own": '''
import re
is_heading = R.is_heading

def chunk_by_structure(text, max_chars):
    chunks, current = [], ""
    for para in re.split(r"\\n[ \\t]*\\n", text):
        para = para.strip("\\n")
        if not para.strip():
            continue
        if is_heading(para) and current:
            chunks.append(current); current = ""
        if len(para) > max_chars:
            if current:
                chunks.append(current); current = ""
            chunks.extend(R.chunk_fixed(para, max_chars))
            continue
        if current and len(current) + 2 + len(para) <= max_chars:
            current += "\\n\\n" + para
        else:
            if current:
                chunks.append(current)
            current = para
    if current:
        chunks.append(current)
    return chunks
''',
        "ignores headings": '''
import re
is_heading = R.is_heading

def chunk_by_structure(text, max_chars):
    chunks, current = [], ""
    for para in re.split(r"\\n[ \\t]*\\n", text):
        para = para.strip("\\n")
        if not para.strip():
            continue
        for piece in (R.chunk_fixed(para, max_chars) if len(para) > max_chars else [para]):
            if current and len(current) + 2 + len(piece) <= max_chars:
                current += "\\n\\n" + piece
            else:
                if current:
                    chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks
''',
        "one chunk per paragraph, no packing": '''
import re
is_heading = R.is_heading

def chunk_by_structure(text, max_chars):
    out = []
    for para in re.split(r"\\n[ \\t]*\\n", text):
        para = para.strip("\\n")
        if para.strip():
            out.extend(R.chunk_fixed(para, max_chars) if len(para) > max_chars else [para])
    return out
''',
        "never cuts long paragraphs": '''
import re
is_heading = R.is_heading

def chunk_by_structure(text, max_chars):
    chunks, current = [], ""
    for para in re.split(r"\\n[ \\t]*\\n", text):
        para = para.strip("\\n")
        if not para.strip():
            continue
        if is_heading(para) and current:
            chunks.append(current); current = ""
        if current and len(current) + 2 + len(para) <= max_chars:
            current += "\\n\\n" + para
        else:
            if current:
                chunks.append(current)
            current = para
    if current:
        chunks.append(current)
    return chunks
''',
        "fixed windows instead of structure": '''
def chunk_by_structure(text, max_chars):
    return R.chunk_fixed(text, max_chars)
''',
    },
    "recall_at_k": {
        "divides by k (that is precision)": '''
def recall_at_k(retrieved, relevant, k):
    relevant = set(relevant)
    return len(set(retrieved[:k]) & relevant) / k
''',
        "ignores the cut-off k": '''
def recall_at_k(retrieved, relevant, k):
    relevant = set(relevant)
    return len(set(retrieved) & relevant) / len(relevant) if relevant else 0.0
''',
        "off by one: looks at k + 1 positions": '''
def recall_at_k(retrieved, relevant, k):
    relevant = set(relevant)
    return len(set(retrieved[:k + 1]) & relevant) / len(relevant) if relevant else 0.0
''',
        "counts duplicates": '''
def recall_at_k(retrieved, relevant, k):
    relevant = set(relevant)
    return sum(1 for d in retrieved[:k] if d in relevant) / len(relevant) if relevant else 0.0
''',
        "1.0 if anything relevant is found (a hit rate)": '''
def recall_at_k(retrieved, relevant, k):
    return float(any(d in set(relevant) for d in retrieved[:k]))
''',
    },
    "ndcg_at_k": {
        "no discount (that is a normalised gain sum)": '''
import math
def ndcg_at_k(retrieved, relevance, k):
    dcg = sum(relevance.get(d, 0) for d in retrieved[:k])
    ideal = sum(sorted((g for g in relevance.values() if g > 0), reverse=True)[:k])
    return dcg / ideal if ideal else 0.0
''',
        "discount log2(rank) instead of log2(rank + 1)": '''
import math
def ndcg_at_k(retrieved, relevance, k):
    dcg = sum(relevance.get(d, 0) / max(math.log2(r), 1.0) for r, d in enumerate(retrieved[:k], start=1))
    ideal = sorted((g for g in relevance.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / max(math.log2(r), 1.0) for r, g in enumerate(ideal, start=1))
    return dcg / idcg if idcg else 0.0
''',
        "binary gains (ignores the grades)": '''
import math
def ndcg_at_k(retrieved, relevance, k):
    dcg = sum((1 if relevance.get(d, 0) > 0 else 0) / math.log2(r + 1) for r, d in enumerate(retrieved[:k], start=1))
    ideal = [1 for g in relevance.values() if g > 0][:k]
    idcg = sum(1 / math.log2(r + 1) for r, _ in enumerate(ideal, start=1))
    return dcg / idcg if idcg else 0.0
''',
        "ideal DCG over the retrieved ids only": '''
import math
def ndcg_at_k(retrieved, relevance, k):
    gains = [relevance.get(d, 0) for d in retrieved[:k]]
    dcg = sum(g / math.log2(r + 1) for r, g in enumerate(gains, start=1))
    idcg = sum(g / math.log2(r + 1) for r, g in enumerate(sorted(gains, reverse=True), start=1))
    return dcg / idcg if idcg else 0.0
''',
        "unnormalised DCG": '''
import math
def ndcg_at_k(retrieved, relevance, k):
    return sum(relevance.get(d, 0) / math.log2(r + 1) for r, d in enumerate(retrieved[:k], start=1))
''',
    },
    "rrf": {
        # Escape routes around the grading (issue 23): each must score zero on every test of the exercise.
        "escape route: a copy of the reference's code made before grading": '''
import types
from aisd.toolkit.retrieval import fusion as _f
_copy = types.FunctionType(_f.rrf.__code__, _f.rrf.__globals__, "rrf", _f.rrf.__defaults__)
def rrf(rankings, k=60, weights=None):
    return _copy(rankings, k, weights)
''',
        "escape route: the reference imported by name at run time": '''
import importlib
def rrf(rankings, k=60, weights=None):
    return getattr(importlib.import_module("aisd.toolkit.retrieval." + "fusion"), "rrf")(rankings, k, weights)
''',
        "escape route: the reference's source read and run": '''
import inspect
from aisd.toolkit.retrieval import fusion as _f
_ns = {}
exec(inspect.getsource(_f), _ns)
def rrf(rankings, k=60, weights=None):
    return _ns["rrf"](rankings, k, weights)
''',
        "ranks from 0": '''
def rrf(rankings, k=60, weights=None):
    scores = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])
''',
        "ignores k": '''
def rrf(rankings, k=60, weights=None):
    scores = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (60 + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])
''',
        "keeps the best reciprocal rank instead of summing": '''
def rrf(rankings, k=60, weights=None):
    scores = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = max(scores.get(doc, 0.0), 1.0 / (k + rank))
    return sorted(scores.items(), key=lambda kv: -kv[1])
''',
        "sorted worst first": '''
def rrf(rankings, k=60, weights=None):
    scores = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: kv[1])
''',
        "ignores the weights": '''
def rrf(rankings, k=60, weights=None):
    scores = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])
''',
        "divides by the weight instead of multiplying": '''
def rrf(rankings, k=60, weights=None):
    rankings = list(rankings)
    weights = weights or [1.0] * len(rankings)
    scores = {}
    for ranking, w in zip(rankings, weights):
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (w * (k + rank))
    return sorted(scores.items(), key=lambda kv: -kv[1])
''',
    },
    "semantic_lookup": {
        "ignores the TTL": '''
def semantic_lookup(query_vec, entries, threshold, ttl, now):
    best, best_sim = None, -np.inf
    for e in entries:
        sim = float(np.dot(query_vec, e["vector"]))
        if sim >= threshold and sim > best_sim:
            best, best_sim = e["response"], sim
    return best
''',
        "returns the first match, not the best": '''
def semantic_lookup(query_vec, entries, threshold, ttl, now):
    for e in entries:
        if now - e["time"] <= ttl and float(np.dot(query_vec, e["vector"])) >= threshold:
            return e["response"]
    return None
''',
        "picks the best match, then checks it is fresh": '''
def semantic_lookup(query_vec, entries, threshold, ttl, now):
    if not entries:
        return None
    sims = [float(np.dot(query_vec, e["vector"])) for e in entries]
    i = int(np.argmax(sims))
    if sims[i] >= threshold and now - entries[i]["time"] <= ttl:
        return entries[i]["response"]
    return None
''',
        "strict inequalities at the boundaries": '''
def semantic_lookup(query_vec, entries, threshold, ttl, now):
    best, best_sim = None, -np.inf
    for e in entries:
        if now - e["time"] >= ttl:
            continue
        sim = float(np.dot(query_vec, e["vector"]))
        if sim > threshold and sim > best_sim:
            best, best_sim = e["response"], sim
    return best
''',
        "ignores the threshold": '''
def semantic_lookup(query_vec, entries, threshold, ttl, now):
    fresh = [e for e in entries if now - e["time"] <= ttl]
    if not fresh:
        return None
    return max(fresh, key=lambda e: float(np.dot(query_vec, e["vector"])))["response"]
''',
    },
    "retrieval_budget_ms": {
        "the whole first-token budget (nothing left for the LLM)": """
def retrieval_budget_ms():
    return 2000, "retrieval is the first step, it may take the whole budget"
""",
        "a budget the retriever cannot meet": """
def retrieval_budget_ms():
    return 0.5, "as fast as possible"
""",
        "no reason given": """
def retrieval_budget_ms():
    return 200, ""
""",
        "seconds instead of milliseconds": """
def retrieval_budget_ms():
    return 0.2, "a tenth of the 2 s first-token budget"
""",
    },
    "choose_rerank_depth": {
        "ignores the latency budget": """
def choose_rerank_depth(rows, budget_ms):
    return int(max(rows, key=lambda r: r["ndcg@10"])["depth"])
""",
        "budget checked on p50, not p95": """
def choose_rerank_depth(rows, budget_ms):
    fits = [r for r in rows if r.get("p50_ms", r["p95_ms"]) <= budget_ms]
    if not fits:
        return 0
    return int(min(fits, key=lambda r: (-r["ndcg@10"], r["depth"]))["depth"])
""",
        "strictly under the budget": """
def choose_rerank_depth(rows, budget_ms):
    fits = [r for r in rows if r["p95_ms"] < budget_ms]
    if not fits:
        return 0
    return int(min(fits, key=lambda r: (-r["ndcg@10"], r["depth"]))["depth"])
""",
        "the deepest depth that fits the budget": """
def choose_rerank_depth(rows, budget_ms):
    fits = [r["depth"] for r in rows if r["p95_ms"] <= budget_ms]
    return int(max(fits)) if fits else 0
""",
        "always re-ranks when something fits": """
def choose_rerank_depth(rows, budget_ms):
    fits = [r for r in rows if r["p95_ms"] <= budget_ms and r["depth"] > 0]
    if not fits:
        return 0
    return int(min(fits, key=lambda r: (-r["ndcg@10"], r["depth"]))["depth"])
""",
    },
    "choose_threshold": {
        "maximises accuracy (treats both mistakes as costing the same)": """
import math
def choose_threshold(top_scores, answer_ok, wrong_cost, escalation_cost):
    s, ok = np.asarray(top_scores, dtype=float), np.asarray(answer_ok, dtype=bool)
    cands = sorted(set(s.tolist())) + [math.inf]
    acc = [((s >= t) == ok).mean() for t in cands]
    return cands[int(np.argmax(acc))]
""",
        "maximises balanced accuracy": """
import math
def choose_threshold(top_scores, answer_ok, wrong_cost, escalation_cost):
    s, ok = np.asarray(top_scores, dtype=float), np.asarray(answer_ok, dtype=bool)
    cands = sorted(set(s.tolist()))
    bal = [(((s >= t) & ok).sum() / max(ok.sum(), 1) + ((s < t) & ~ok).sum() / max((~ok).sum(), 1)) / 2 for t in cands]
    return cands[int(np.argmax(bal))]
""",
        "the two costs swapped": """
import math
def choose_threshold(top_scores, answer_ok, wrong_cost, escalation_cost):
    s, ok = np.asarray(top_scores, dtype=float), np.asarray(answer_ok, dtype=bool)
    cands = sorted(set(s.tolist())) + [math.inf]
    costs = [((s < t) * wrong_cost + ((s >= t) & ~ok) * escalation_cost).mean() for t in cands]
    return cands[int(np.argmin(costs))]
""",
        "the median score (ignores outcomes and costs)": """
import math
def choose_threshold(top_scores, answer_ok, wrong_cost, escalation_cost):
    s = np.asarray(top_scores, dtype=float)
    return float(np.median(s))
""",
        "never escalates everything (forgets the math.inf candidate)": """
import math
def choose_threshold(top_scores, answer_ok, wrong_cost, escalation_cost):
    s, ok = np.asarray(top_scores, dtype=float), np.asarray(answer_ok, dtype=bool)
    cands = sorted(set(s.tolist()))
    costs = [((s < t) * escalation_cost + ((s >= t) & ~ok) * wrong_cost).mean() for t in cands]
    return cands[int(np.argmin(costs))]
""",
        "a fixed threshold from the old notebook": """
def choose_threshold(top_scores, answer_ok, wrong_cost, escalation_cost):
    return 0.36
""",
    },
    "choose_cache_threshold": {
        "wrong-hit rate per hit instead of per request": """
import math
def choose_cache_threshold(similarities, same_answer, max_wrong_rate):
    s, same = np.asarray(similarities, dtype=float), np.asarray(same_answer, dtype=bool)
    for t in sorted(set(s[~np.isnan(s)].tolist())):
        hits = s >= t
        if ((hits & ~same).sum() / max(hits.sum(), 1)) <= max_wrong_rate:
            return t
    return math.inf
""",
        "the highest threshold within budget (fewest hits)": """
import math
def choose_cache_threshold(similarities, same_answer, max_wrong_rate):
    s, same = np.asarray(similarities, dtype=float), np.asarray(same_answer, dtype=bool)
    ok = [t for t in set(s[~np.isnan(s)].tolist()) if ((s >= t) & ~same).mean() <= max_wrong_rate]
    return max(ok) if ok else math.inf
""",
        "ignores the budget (most hits)": """
def choose_cache_threshold(similarities, same_answer, max_wrong_rate):
    return float(np.nanmin(similarities))
""",
        "strictly under the budget": """
import math
def choose_cache_threshold(similarities, same_answer, max_wrong_rate):
    s, same = np.asarray(similarities, dtype=float), np.asarray(same_answer, dtype=bool)
    for t in sorted(set(s[~np.isnan(s)].tolist())):
        if ((s >= t) & ~same).mean() < max_wrong_rate:
            return t
    return math.inf
""",
        "a fixed 0.9": """
def choose_cache_threshold(similarities, same_answer, max_wrong_rate):
    return 0.9
""",
        "returns 1.0 instead of math.inf when nothing meets the budget": """
def choose_cache_threshold(similarities, same_answer, max_wrong_rate):
    s, same = np.asarray(similarities, dtype=float), np.asarray(same_answer, dtype=bool)
    for t in sorted(set(s[~np.isnan(s)].tolist())):
        if ((s >= t) & ~same).mean() <= max_wrong_rate:
            return t
    return 1.0
""",
    },
    "quiz_rag": {
        "every answer a": """
def quiz_rag():
    return {"q1": "a", "q2": "a", "q3": "a", "q4": "a"}
""",
        "trusts the held-out win and the simulated hit rate": """
def quiz_rag():
    return {"q1": "a", "q2": "c", "q3": "a", "q4": "a"}
""",
        "equal costs: answer above 50 %": """
def quiz_rag():
    return {"q1": "b", "q2": "a", "q3": "b", "q4": "a"}
""",
        "numbered keys": """
def quiz_rag():
    return {1: "b", 2: "c", 3: "b", 4: "a"}
""",
    },
}
