"""Right answers to 12_mock_interview written another valid way (another design's shape, a library's path
search, upper-case quiz letters): each runs in its exercise's place in the discrimination kernel and must earn
every point."""

RIGHT_ANSWERS = [{
    "ex_search_requirements": '''
def search_requirements():
    said = dict(daily_active_users=8000, requests_per_user=6.0, documents=1.2e6, chunks_per_document=10,
                retrieval_budget_ms=300.0, first_token_budget_s=2, answer_budget_s=5, monthly_budget_usd=6000.0)
    busiest_share, busiest_hours = 0.5, 2
    return Requirements(prompt="search", realtime=True,
                        functional=["one search box over three sources", "short answers with links",
                                    "access control per source: results respect each user's rights"],
                        peak_factor=busiest_share / busiest_hours * 24, max_staleness_hours=0.25,
                        availability=0.995, accuracy_target=0.85, **said)
''',
    "ex_search_design": '''
def search_design():
    nodes = {"staff": ("client", "staff member (browser)"), "gw": ("service", "API gateway"),
             "qcache": ("cache", "redis cache of answers, keyed by user entitlements"),
             "ent": ("service", "entitlement service: which documents this user may access"),
             "grants": ("storage", "grants database (permission sync)"),
             "retr": ("service", "retriever"), "vec": ("vector_store", "FAISS index"),
             "enc": ("model", "query encoder model"), "router": ("service", "LLM router with failover"),
             "gpt": ("llm", "GPT (hosted)"), "local": ("llm", "local llama generator"),
             "cf": ("storage", "Confluence database"), "gd": ("storage", "Google Drive file store"),
             "sl": ("storage", "Slack archive"), "cf_job": ("service", "Confluence ingest job"),
             "gd_job": ("service", "Drive ingest job"), "sl_job": ("service", "Slack ingest job"),
             "dash": ("monitoring", "Grafana dashboard: p99 latency, error rate"),
             "judge": ("evaluation", "offline eval with golden queries and user ratings")}
    edges = [("staff", "gw"), ("gw", "qcache"), ("qcache", "gw"), ("gw", "ent"), ("grants", "ent"),
             ("ent", "retr"), ("retr", "enc"), ("enc", "retr"), ("retr", "vec"), ("vec", "gw"),
             ("gw", "router"), ("router", "gpt"), ("router", "local"), ("gpt", "router"), ("local", "router"),
             ("router", "gw"), ("gw", "staff"), ("cf", "cf_job"), ("gd", "gd_job"), ("sl", "sl_job"),
             ("cf_job", "vec"), ("gd_job", "vec"), ("sl_job", "vec"), ("cf_job", "grants"), ("gd_job", "grants"),
             ("sl_job", "grants"), ("router", "dash"), ("gw", "dash"), ("gpt", "judge"), ("staff", "judge"),
             ("judge", "router")]
    return Design(nodes=nodes, edges=edges)
''',
    "ex_has_fallback": '''
import networkx as nx

def has_fallback(design):
    g = nx.DiGraph()
    g.add_nodes_from(design.nodes)
    g.add_edges_from(e[:2] for e in design.edges)
    clients = [n for n, node in design.nodes.items() if node.kind == "client"]

    def answers(graph, llm):
        return any(nx.has_path(graph, c, llm) for c in clients) and any(nx.has_path(graph, llm, c) for c in clients)

    serving = [n for n, node in design.nodes.items() if node.kind == "llm" and answers(g, n)]
    for down in serving:
        rest = g.subgraph(n for n in g if n != down)
        if not any(answers(rest, other) for other in serving if other != down):
            return False
    return True
''',
    "ex_quiz_interview": '''
def quiz_interview():
    return {"q1": "B", "q2": " c", "q3": "A ", "q4": "D"}
''',
}
]
