"""Plausible wrong answers for 12_mock_interview (each replaces the whole answer cell)."""

_REQ = '''
def search_requirements():
    return Requirements(
        prompt="Enterprise search",
        functional=[{functional}],
        daily_active_users=8_000, requests_per_user=6, peak_factor={peak},
        documents=1_200_000, chunks_per_document=10,
        retrieval_budget_ms={retrieval}, first_token_budget_s=2.0, answer_budget_s=5.0,
        max_staleness_hours={staleness}, monthly_budget_usd=6_000,
        availability={availability}, accuracy_target=0.9)
'''
_GOOD = dict(functional='"search Confluence, Drive and Slack", "answer with links", "show only what the person may access"',
             peak="6", retrieval="300", staleness="0.25", availability="0.999")


def _req(**change) -> str:
    return _REQ.format(**{**_GOOD, **change})


# A design in the shape of the reference's, with switches for what a candidate forgets.
_DESIGN = '''
def search_design():
    d = Design()
    d.add("person", "client", "employee (web app)").add("api", "service", "search API")
    d.add("embed", "model", "embedder (MiniLM)")
    d.add("acls", "storage", "ACL store: user groups, document permissions")
    d.add("allowed", "service", "access filter service: ids this user may see")
    d.add("index", "vector_store", "vector index + BM25")
    d.add("main_llm", "llm", "hosted LLM (primary)")
    d.add("sources", "service", "ingest connectors (chunk, embed, ACL sync)")
    for node, label in {sources}:
        d.add(node, "storage", label).connect(node, "sources", "changed items")
    d.connect("sources", "index", "chunks").connect("sources", "acls", "permissions")
    d.connect("person", "api", "query")
    if {cache}:
        d.add("cache", "cache", "answer cache").connect("api", "cache", "lookup").connect("cache", "api", "hit")
    if {pre_filter}:
        d.connect("api", "allowed", "user id").connect("acls", "allowed", "groups").connect("allowed", "embed", "query")
        d.connect("embed", "index", "vector + allowed ids").connect("index", "api", "top-k")
    else:    # filter after ranking: the index ranks everything, forbidden results dropped afterwards
        d.connect("api", "embed", "query").connect("embed", "index", "vector").connect("index", "allowed", "top-k")
        d.connect("acls", "allowed", "groups").connect("allowed", "api", "permitted top-k")
    d.connect("api", "main_llm", "prompt").connect("main_llm", "api", "answer")
    if {fallback}:
        d.add("small_llm", "llm", "self-hosted small LLM (fallback)")
        d.connect("api", "small_llm", "prompt").connect("small_llm", "api", "answer")
    d.connect("api", "person", "answer with links")
    d.add("mon", "monitoring", "metrics: p95 latency, errors, cost").connect("api", "mon", "traces")
    d.add("logs", "storage", "answer logs").connect("api", "logs", "query, answer")
    d.add("evals", "evaluation", "evaluation: labelled queries + thumbs")
    d.connect("logs", "evals", "samples").connect("evals", "api", "new ranking")
    return d
'''
_ALL = '(("wiki", "Confluence docs"), ("gdrive", "Google Drive files"), ("chat", "Slack history"))'
_OK = dict(sources=_ALL, cache="True", pre_filter="True", fallback="True")


def _design(**change) -> str:
    return _DESIGN.format(**{**_OK, **change})


_FALLBACK_HEAD = "def has_fallback(design):\n"

WRONG_ANSWERS = {
    "search_requirements": {
        "only the users changed, the rest left at the defaults": '''
def search_requirements():
    return DEFAULTS.replace(prompt="Enterprise search", daily_active_users=8_000, requests_per_user=6)
''',
        "peak factor against an 8-hour working day (2)": _req(peak="2"),
        "peak factor as half the day over one hour (0.5 x 24 = 12)": _req(peak="12"),
        "freshness of 15 written in the hours field": _req(staleness="15"),
        "freshness in days": _req(staleness="15 / 60 / 24"),
        "the results budget in seconds in the milliseconds field": _req(retrieval="0.3"),
        "availability as a percent": _req(availability="99.9"),
        "no functional requirement about permissions": _req(functional='"search Confluence, Drive and Slack", "answer with links", "be fast"'),
    },
    "search_design": {
        "filters permissions after ranking (post-filter)": _design(pre_filter="False"),
        "no fallback LLM": _design(fallback="False"),
        "no cache": _design(cache="False"),
        "forgets the Slack connector": _design(sources='(("wiki", "Confluence docs"), ("gdrive", "Google Drive files"))'),
        "notebook 01's completion of the first draft (no permissions, cache or fallback)": '''
def search_design():
    d = design.as_design(SEARCH.first_draft).copy()
    d.add("metrics", "monitoring", "metrics: latency p95, errors, cost/request")
    d.add("logs", "storage", "conversation logs")
    d.add("evals", "evaluation", "evaluation: labelled questions + thumbs up/down")
    d.connect("api", "metrics", "traces").connect("llm", "metrics", "tokens, latency")
    d.connect("api", "logs", "question, chunks, answer").connect("user", "evals", "thumbs up/down")
    d.connect("logs", "evals", "sampled answers").connect("evals", "api", "new prompt")
    return d
''',
    },
    "has_fallback": {
        "counts the LLMs": _FALLBACK_HEAD + '    return len(design.of_kind("llm")) >= 2\n',
        "trusts the labels": _FALLBACK_HEAD + (
            '    return any("fallback" in n.label.lower() or "backup" in n.label.lower()\n'
            '               for n in design.nodes.values() if n.kind == "llm")\n'),
        "only checks that each LLM is reached, not that its answer gets back": _FALLBACK_HEAD + '''
    clients = design.of_kind("client")
    reached = [n for n in design.of_kind("llm") if n in design.reachable(clients)]
    return len(reached) >= 2
''',
        "says a design with no LLM has no fallback": _FALLBACK_HEAD + '''
    clients = set(design.of_kind("client"))
    llms = [n for n in design.of_kind("llm") if n in design.reachable(clients) and clients & design.reachable(n)]
    return len(llms) >= 2
''',
        "counts LLMs reached and answering, but not through one another": _FALLBACK_HEAD + '''
    clients = set(design.of_kind("client"))
    back = [n for n in design.of_kind("llm") if n in design.reachable(clients) and clients & design.reachable(n)]
    return len(back) >= 2 or not design.of_kind("llm")
''',
    },
    "quiz_interview": {
        "draws first": '''
def quiz_interview():
    return {"q1": "a", "q2": "c", "q3": "a", "q4": "d"}
''',
        "answers the outage with retries": '''
def quiz_interview():
    return {"q1": "b", "q2": "b", "q3": "a", "q4": "d"}
''',
        "filters after the top-k": '''
def quiz_interview():
    return {"q1": "b", "q2": "c", "q3": "c", "q4": "d"}
''',
        "finishes the design past its box": '''
def quiz_interview():
    return {"q1": "b", "q2": "c", "q3": "a", "q4": "a"}
''',
    },
}
