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
        "ignores headings": '''
import re
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
    "mrr": {
        "ranks from 0 (1 / (index + 1) written as 1 / index)": '''
def mrr(retrieved, relevant):
    relevant = set(relevant)
    for i, d in enumerate(retrieved):
        if d in relevant:
            return 1.0 / max(i, 1)
    return 0.0
''',
        "uses the last relevant id": '''
def mrr(retrieved, relevant):
    relevant = set(relevant)
    score = 0.0
    for rank, d in enumerate(retrieved, start=1):
        if d in relevant:
            score = 1.0 / rank
    return score
''',
        "sums the reciprocal ranks of all relevant ids": '''
def mrr(retrieved, relevant):
    relevant = set(relevant)
    return sum(1.0 / r for r, d in enumerate(retrieved, start=1) if d in relevant)
''',
        "returns the rank itself": '''
def mrr(retrieved, relevant):
    relevant = set(relevant)
    for rank, d in enumerate(retrieved, start=1):
        if d in relevant:
            return float(rank)
    return 0.0
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
        "ranks from 0": '''
def rrf(rankings, k=60):
    scores = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])
''',
        "ignores k": '''
def rrf(rankings, k=60):
    scores = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (60 + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])
''',
        "keeps the best reciprocal rank instead of summing": '''
def rrf(rankings, k=60):
    scores = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = max(scores.get(doc, 0.0), 1.0 / (k + rank))
    return sorted(scores.items(), key=lambda kv: -kv[1])
''',
        "sorted worst first": '''
def rrf(rankings, k=60):
    scores = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: kv[1])
''',
    },
    "should_abstain": {
        "the comparison the wrong way round": '''
def should_abstain(top_score, threshold):
    return top_score > threshold
''',
        "abstains at the threshold too": '''
def should_abstain(top_score, threshold):
    return top_score <= threshold
''',
        "never abstains": '''
def should_abstain(top_score, threshold):
    return False
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
    "precision_at_k": {
        "divides by the number retrieved, not by k": '''
def precision_at_k(retrieved, relevant, k):
    relevant = set(relevant)
    top = retrieved[:k]
    return sum(1 for d in top if d in relevant) / max(len(top), 1)
''',
        "divides by the number of relevant ids (that is recall)": '''
def precision_at_k(retrieved, relevant, k):
    relevant = set(relevant)
    return sum(1 for d in retrieved[:k] if d in relevant) / max(len(relevant), 1)
''',
        "off by one: looks at k + 1 positions": '''
def precision_at_k(retrieved, relevant, k):
    relevant = set(relevant)
    return sum(1 for d in retrieved[:k + 1] if d in relevant) / k
''',
        "returns a constant": '''
def precision_at_k(retrieved, relevant, k):
    return 0.5
''',
    },
}
