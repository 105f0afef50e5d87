"""Plausible wrong answers to the exercises of 06_legal_document_qa: each must lose points."""

WRONG_ANSWERS = {
    "citation_to_id": {
        "goes round the guard through the package find_references (it reads the article, paragraphs and point)": r'''
import re

from aisd.legal import citations

LAW_ALIASES = citations.ALIASES


def citation_to_id(text, default_law=None):
    names = sorted(((n.lower(), law) for law, ns in LAW_ALIASES.items() for n in ns), key=lambda p: -len(p[0]))
    law = next((l for n, l in names if re.search(r"(?<![\w/])" + re.escape(n) + r"(?![\w/])", text.lower())),
               default_law)
    if law is None:
        raise ValueError(f"no known law in {text!r}")
    refs = citations.find_references(re.sub(r"(?i)\b(?:article|art)\b\.?\s*(?=\d)", "Article ", text), law)
    if not refs:
        raise ValueError(f"no article in {text!r}")
    return refs[0].citation.id
''',
        "drops the point given as ', point (x)'": r'''
import re
LAW_ALIASES = citations.ALIASES

def citation_to_id(text, default_law=None):
    m = re.search(r"(?:Article|Art\.?)\s*(\d+)((?:\s?\([0-9a-z]+\))*)", text, flags=re.IGNORECASE)
    if not m:
        raise ValueError("no article")
    rest = (text[:m.start()] + " " + text[m.end():]).lower()
    names = sorted(((n.lower(), law) for law, ns in LAW_ALIASES.items() for n in ns), key=lambda p: -len(p[0]))
    law = next((law for n, law in names if re.search(r"(?<![\w/])" + re.escape(n) + r"(?![\w/])", rest)), default_law)
    if law is None:
        raise ValueError("no law")
    return "/".join([law, str(int(m.group(1))), *re.findall(r"\(([0-9a-z]+)\)", m.group(2))])
''',
        "matches law names case-sensitively": r'''
import re
LAW_ALIASES = citations.ALIASES

def citation_to_id(text, default_law=None):
    m = re.search(r"(?:Article|Art\.?)\s*(\d+)((?:\s?\([0-9a-z]+\))*)(?:,?\s*points?\s*\(([0-9a-z]+)\))?", text, flags=re.IGNORECASE)
    if not m:
        raise ValueError("no article")
    rest = text[:m.start()] + " " + text[m.end():]
    names = sorted(((n, law) for law, ns in LAW_ALIASES.items() for n in ns), key=lambda p: -len(p[0]))
    law = next((law for n, law in names if re.search(r"(?<![\w/])" + re.escape(n) + r"(?![\w/])", rest)), default_law)
    if law is None:
        raise ValueError("no law")
    path = re.findall(r"\(([0-9a-z]+)\)", m.group(2)) + ([m.group(3)] if m.group(3) else [])
    return "/".join([law, str(int(m.group(1))), *path])
''',
        "prefers default_law over the law the text names": r'''
import re
LAW_ALIASES = citations.ALIASES

def citation_to_id(text, default_law=None):
    m = re.search(r"(?:Article|Art\.?)\s*(\d+)((?:\s?\([0-9a-z]+\))*)(?:,?\s*points?\s*\(([0-9a-z]+)\))?", text, flags=re.IGNORECASE)
    if not m:
        raise ValueError("no article")
    rest = (text[:m.start()] + " " + text[m.end():]).lower()
    names = sorted(((n.lower(), law) for law, ns in LAW_ALIASES.items() for n in ns), key=lambda p: -len(p[0]))
    law = default_law or next((law for n, law in names if re.search(r"(?<![\w/])" + re.escape(n) + r"(?![\w/])", rest)), None)
    if law is None:
        raise ValueError("no law")
    path = re.findall(r"\(([0-9a-z]+)\)", m.group(2)) + ([m.group(3)] if m.group(3) else [])
    return "/".join([law, str(int(m.group(1))), *path])
''',
        "finds law names inside other words (no word boundary)": r'''
import re
LAW_ALIASES = citations.ALIASES

def citation_to_id(text, default_law=None):
    m = re.search(r"(?:Article|Art\.?)\s*(\d+)((?:\s?\([0-9a-z]+\))*)(?:,?\s*points?\s*\(([0-9a-z]+)\))?", text, flags=re.IGNORECASE)
    if not m:
        raise ValueError("no article")
    rest = (text[:m.start()] + " " + text[m.end():]).lower()
    names = sorted(((n.lower(), law) for law, ns in LAW_ALIASES.items() for n in ns), key=lambda p: -len(p[0]))
    law = next((law for n, law in names if n in rest), default_law)
    if law is None:
        raise ValueError("no law")
    path = re.findall(r"\(([0-9a-z]+)\)", m.group(2)) + ([m.group(3)] if m.group(3) else [])
    return "/".join([law, str(int(m.group(1))), *path])
''',
        "returns None instead of raising on bad input": r'''
def citation_to_id(text, default_law=None):
    try:
        return citations.parse_citation(text, default_law).id
    except Exception:
        return None
''',
    },
    "choose_retriever": {
        "always 02's recipe (hybrid)": '''
def choose_retriever(results, budget_ms):
    return "hybrid"
''',
        "ignores the latency budget": '''
def choose_retriever(results, budget_ms):
    return max(results, key=lambda c: np.mean(results[c]["ndcg@10"]))
''',
        "the fastest configuration": '''
def choose_retriever(results, budget_ms):
    return min(results, key=lambda c: results[c]["p95_ms"])
''',
        "best single question instead of the mean": '''
def choose_retriever(results, budget_ms):
    fits = {c: r for c, r in results.items() if r["p95_ms"] <= budget_ms}
    if not fits:
        raise ValueError("none fits")
    return max(fits, key=lambda c: (max(fits[c]["ndcg@10"]), -fits[c]["p95_ms"]))
''',
        "the best recall@10 instead of ranking quality": '''
def choose_retriever(results, budget_ms):
    fits = {c: r for c, r in results.items() if r["p95_ms"] <= budget_ms}
    if not fits:
        raise ValueError("none fits")
    return max(fits, key=lambda c: np.mean(fits[c]["recall@10"]))
''',
        "budget strict (a p95 equal to the budget counts as over)": '''
def choose_retriever(results, budget_ms):
    fits = {c: r for c, r in results.items() if r["p95_ms"] < budget_ms}
    if not fits:
        raise ValueError("none fits")
    return max(fits, key=lambda c: (np.mean(fits[c]["ndcg@10"]), fits[c]["p95_ms"]))
''',
    },
    "search_as": {
        "goes round the guard through the package EntitledRetriever.search": '''
from aisd.legal import access


def search_as(user, question, k, index, cache):
    key = (access.scope_key(user), question)
    if key in cache:
        return list(cache[key])
    retriever = index._retriever
    rows = retriever.allowed_rows(user)
    if not len(rows):
        return []
    index.score(question, rows)                # only so the index records what was scored
    cache[key] = retriever.search(user, question, index.config, k).ids
    return list(cache[key])
''',
        "filters after ranking": '''
def search_as(user, question, k, index, cache):
    key = (frozenset(user.matters), question)
    if key in cache:
        return cache[key]
    rows = np.arange(len(index.ids))
    scores = index.score(question, rows)
    ranked = [index.ids[i] for i in np.argsort(-scores)[:k]]
    found = [c for c, m in zip(ranked, [index.matter[index.ids.index(c)] for c in ranked]) if m in user.matters]
    cache[key] = found
    return found
''',
        "cache keyed by the question alone": '''
def search_as(user, question, k, index, cache):
    if question in cache:
        return cache[question]
    rows = np.flatnonzero(np.isin(index.matter, list(user.matters)))
    if len(rows) == 0:
        return []
    scores = index.score(question, rows)
    cache[question] = [index.ids[rows[i]] for i in np.argsort(-scores, kind="stable")[:k]]
    return cache[question]
''',
        "cache keyed by the user's name": '''
def search_as(user, question, k, index, cache):
    key = (user.name, question)
    if key in cache:
        return cache[key]
    rows = np.flatnonzero(np.isin(index.matter, list(user.matters)))
    if len(rows) == 0:
        return []
    scores = index.score(question, rows)
    cache[key] = [index.ids[rows[i]] for i in np.argsort(-scores, kind="stable")[:k]]
    return cache[key]
''',
        "no cache at all": '''
def search_as(user, question, k, index, cache):
    rows = np.flatnonzero(np.isin(index.matter, list(user.matters)))
    if len(rows) == 0:
        return []
    scores = index.score(question, rows)
    return [index.ids[rows[i]] for i in np.argsort(-scores, kind="stable")[:k]]
''',
        "ranks worst first": '''
def search_as(user, question, k, index, cache):
    key = (frozenset(user.matters), question)
    if key in cache:
        return cache[key]
    rows = np.flatnonzero(np.isin(index.matter, list(user.matters)))
    if len(rows) == 0:
        return []
    scores = index.score(question, rows)
    cache[key] = [index.ids[rows[i]] for i in np.argsort(scores, kind="stable")[:k]]
    return cache[key]
''',
        "only the user's first matter": '''
def search_as(user, question, k, index, cache):
    key = (frozenset(user.matters), question)
    if key in cache:
        return cache[key]
    if not user.matters:
        return []
    rows = np.flatnonzero(index.matter == sorted(user.matters)[0])
    scores = index.score(question, rows)
    cache[key] = [index.ids[rows[i]] for i in np.argsort(-scores, kind="stable")[:k]]
    return cache[key]
''',
    },
    "sentence_problems": {
        "checks quotes only, not the numbers a paraphrase states": r'''
cited_ids = verify.cited_ids
verbatim_form = verify.verbatim_form
QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")


def sentence_problems(sentence, retrieved):
    problems, holders = [], []
    cited = cited_ids(sentence)
    for cid in cited:
        parts = cid.split("/")
        holder = next(("/".join(parts[:n]) for n in range(len(parts), 1, -1) if "/".join(parts[:n]) in retrieved), None)
        if holder is None:
            problems.append(f"cites {cid}, which was not retrieved")
        else:
            holders.append(holder)
    if not cited:
        problems.append("no citation")
    for a, b in QUOTE.findall(sentence):
        if not any(verbatim_form(a or b) in verbatim_form(retrieved[h]) for h in holders):
            problems.append(f"quote not in the cited text: {a or b}")
    return problems
''',
        "checks numbers against every retrieved chunk, not the cited ones": r'''
cited_ids = verify.cited_ids
verbatim_form = verify.verbatim_form
numbers = verify.numbers
unquoted = verify.unquoted
QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")


def sentence_problems(sentence, retrieved):
    problems, holders = [], []
    cited = cited_ids(sentence)
    for cid in cited:
        parts = cid.split("/")
        holder = next(("/".join(parts[:n]) for n in range(len(parts), 1, -1) if "/".join(parts[:n]) in retrieved), None)
        if holder is None:
            problems.append(f"cites {cid}, which was not retrieved")
        else:
            holders.append(holder)
    if not cited:
        problems.append("no citation")
    for a, b in QUOTE.findall(sentence):
        if not any(verbatim_form(a or b) in verbatim_form(retrieved[h]) for h in holders):
            problems.append(f"quote not in the cited text: {a or b}")
    stated = set().union(*(numbers(t) for t in retrieved.values())) if retrieved else set()
    problems += [f"number {n} not found" for n in sorted(numbers(unquoted(sentence)) - stated)]
    return problems
''',
        "checks the numbers inside quotes a second time": r'''
cited_ids = verify.cited_ids
verbatim_form = verify.verbatim_form
numbers = verify.numbers
QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")


def sentence_problems(sentence, retrieved):
    problems, holders = [], []
    cited = cited_ids(sentence)
    for cid in cited:
        parts = cid.split("/")
        holder = next(("/".join(parts[:n]) for n in range(len(parts), 1, -1) if "/".join(parts[:n]) in retrieved), None)
        if holder is None:
            problems.append(f"cites {cid}, which was not retrieved")
        else:
            holders.append(holder)
    if not cited:
        problems.append("no citation")
    for a, b in QUOTE.findall(sentence):
        if not any(verbatim_form(a or b) in verbatim_form(retrieved[h]) for h in holders):
            problems.append(f"quote not in the cited text: {a or b}")
    if holders:
        stated = set().union(*(numbers(retrieved[h]) for h in holders))
        problems += [f"number {n} not found" for n in sorted(numbers(sentence) - stated)]
    return problems
''',
        "goes round the guard through the package verify.covering (the retrieved chunk that holds a cited point)": r'''
import re

from aisd.legal import verify

cited_ids = verify.cited_ids
verbatim_form = verify.verbatim_form
QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")


def sentence_problems(sentence, retrieved):
    problems, holders = [], []
    cited = cited_ids(sentence)
    for cid in cited:
        holder = verify.covering(cid, list(retrieved))
        if holder is None:
            problems.append(f"cites {cid}, which was not retrieved")
        else:
            holders.append(holder)
    if not cited:
        problems.append("no citation")
    for pair in QUOTE.findall(sentence):
        quote = pair[0] or pair[1]
        if not any(verbatim_form(quote) in verbatim_form(retrieved[h]) for h in holders):
            problems.append(f'quote not in the cited text: "{quote}"')
    return problems
''',
        "checks quotes against every retrieved chunk, not the cited ones": r'''
cited_ids, verbatim_form = verify.cited_ids, verify.verbatim_form
QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")

def sentence_problems(sentence, retrieved):
    problems = []
    cited = cited_ids(sentence)
    for cid in cited:
        parts = cid.split("/")
        if not any("/".join(parts[:n]) in retrieved for n in range(len(parts), 1, -1)):
            problems.append(f"{cid} not retrieved")
    if not cited:
        problems.append("no citation")
    for a, b in QUOTE.findall(sentence):
        if not any(verbatim_form(a or b) in verbatim_form(t) for t in retrieved.values()):
            problems.append("quote not found")
    return problems
''',
        "a cited point is covered only by itself (no ancestors)": r'''
cited_ids, verbatim_form = verify.cited_ids, verify.verbatim_form
QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")

def sentence_problems(sentence, retrieved):
    problems = []
    cited = cited_ids(sentence)
    holders = [c for c in cited if c in retrieved]
    problems += [f"{c} not retrieved" for c in cited if c not in retrieved]
    if not cited:
        problems.append("no citation")
    for a, b in QUOTE.findall(sentence):
        if not any(verbatim_form(a or b) in verbatim_form(retrieved[h]) for h in holders):
            problems.append("quote not found")
    return problems
''',
        "forgets sentences that cite nothing": r'''
cited_ids, verbatim_form = verify.cited_ids, verify.verbatim_form
QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")

def sentence_problems(sentence, retrieved):
    problems, holders = [], []
    for cid in cited_ids(sentence):
        parts = cid.split("/")
        holder = next(("/".join(parts[:n]) for n in range(len(parts), 1, -1) if "/".join(parts[:n]) in retrieved), None)
        if holder is None:
            problems.append(f"{cid} not retrieved")
        else:
            holders.append(holder)
    for a, b in QUOTE.findall(sentence):
        if not any(verbatim_form(a or b) in verbatim_form(retrieved[h]) for h in holders):
            problems.append("quote not found")
    return problems
''',
        "no normalising (curly quotes and spaces break exact quotes)": r'''
cited_ids = verify.cited_ids

def sentence_problems(sentence, retrieved):
    problems, holders = [], []
    cited = cited_ids(sentence)
    for cid in cited:
        parts = cid.split("/")
        holder = next(("/".join(parts[:n]) for n in range(len(parts), 1, -1) if "/".join(parts[:n]) in retrieved), None)
        if holder is None:
            problems.append(f"{cid} not retrieved")
        else:
            holders.append(holder)
    if not cited:
        problems.append("no citation")
    for quote in re.findall(r'"([^"]+)"', sentence):
        if not any(quote in retrieved[h] for h in holders):
            problems.append("quote not found")
    return problems
''',
        "case-insensitive quote match": r'''
cited_ids, verbatim_form = verify.cited_ids, verify.verbatim_form
QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")

def sentence_problems(sentence, retrieved):
    problems, holders = [], []
    cited = cited_ids(sentence)
    for cid in cited:
        parts = cid.split("/")
        holder = next(("/".join(parts[:n]) for n in range(len(parts), 1, -1) if "/".join(parts[:n]) in retrieved), None)
        if holder is None:
            problems.append(f"{cid} not retrieved")
        else:
            holders.append(holder)
    if not cited:
        problems.append("no citation")
    for a, b in QUOTE.findall(sentence):
        if not any(verbatim_form(a or b).lower() in verbatim_form(retrieved[h]).lower() for h in holders):
            problems.append("quote not found")
    return problems
''',
        "one problem at most per sentence": r'''
cited_ids, verbatim_form = verify.cited_ids, verify.verbatim_form
QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")

def sentence_problems(sentence, retrieved):
    cited = cited_ids(sentence)
    if not cited:
        return ["no citation"]
    holders = []
    for cid in cited:
        parts = cid.split("/")
        holder = next(("/".join(parts[:n]) for n in range(len(parts), 1, -1) if "/".join(parts[:n]) in retrieved), None)
        if holder is None:
            return [f"{cid} not retrieved"]
        holders.append(holder)
    for a, b in QUOTE.findall(sentence):
        if not any(verbatim_form(a or b) in verbatim_form(retrieved[h]) for h in holders):
            return ["quote not found"]
    return []
''',
    },
    "quiz_legal": {
        "all a": '''
def quiz_legal():
    return {"q1": "a", "q2": "a", "q3": "a", "q4": "a", "q5": "a"}
''',
        "trusts 02's recipe, the post-filter and the verifier": '''
def quiz_legal():
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "c", "q5": "b"}
''',
        "the common b-c-a-b pattern": '''
def quiz_legal():
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "b", "q5": "a"}
''',
    },
    "unsupported_budget": {
        "anything goes (the check lets every claim through)": '''
def unsupported_budget():
    return 1.0, "the lawyer checks every citation anyway, so the verifier need not drop anything"
''',
        "the firm's ceiling itself, no margin for tuning noise": '''
def unsupported_budget():
    return 0.3, "exactly the ceiling the firm set for unsupported claims reaching lawyers"
''',
        "a number without a reason": '''
def unsupported_budget():
    return 0.1, ""
''',
        "a percentage instead of a share": '''
def unsupported_budget():
    return 10, "one unsupported claim in ten may get through to a lawyer"
''',
    },
}
