"""Unit tests of aisd.toolkit.design (design as data, drawing, review), aisd.estimation.estimate and aisd.toolkit.requirements."""
from __future__ import annotations

import math

import pytest

from aisd.toolkit import design

from aisd.estimation import estimate
from aisd.toolkit.design import Design, review
from aisd.toolkit.requirements import DEFAULTS, Requirements, RequirementsError, table


def complete() -> Design:
    """A design with everything the review asks for."""
    return Design(
        nodes={"user": "client", "api": "service", "emb": "model", "idx": "vector_store", "llm": "llm",
               "logs": "storage", "mon": "monitoring", "ev": "evaluation"},
        edges=[("user", "api"), ("api", "emb"), ("emb", "idx"), ("idx", "api"), ("api", "llm"), ("llm", "api"),
               ("api", "user", "answer"), ("api", "mon"), ("api", "logs"), ("logs", "ev"), ("ev", "api")])


def pieces(d) -> list[str]:
    return [p.piece for p in review(d)]


def test_a_complete_design_has_no_problems():
    assert review(complete()) == []
    assert design.report(complete()).empty


@pytest.mark.parametrize("change, piece", [
    (lambda d: d.nodes.pop("user"), "input"),
    (lambda d: d.nodes.update(llm=design.Node("service", "llm")) or d.nodes.update(emb=design.Node("service", "e")),
     "AI component"),
    (lambda d: d.edges.remove(("api", "llm")) or d.edges.remove(("api", "emb")), "request path"),
    (lambda d: d.edges.remove(("api", "user", "answer")), "output path"),
    (lambda d: d.nodes.pop("mon") and d.edges.remove(("api", "mon")), "monitoring"),
    (lambda d: d.edges.remove(("api", "mon")), "monitoring"),
    (lambda d: d.nodes.pop("ev") and [d.edges.remove(e) for e in [("logs", "ev"), ("ev", "api")]], "evaluation"),
    (lambda d: d.edges.remove(("ev", "api")), "feedback loop"),
])
def test_each_missing_piece_is_named_with_an_explanation(change, piece):
    d = complete()
    change(d)
    problems = review(d)
    if piece == "input":   # removing the client also leaves edges to a missing node
        assert {p.piece for p in problems} == {"structure"}
        d.edges = [e for e in d.edges if "user" not in e]
        problems = review(d)
    assert piece in [p.piece for p in problems], problems
    assert all(len(p.explanation.split()) >= 8 for p in problems), "each problem explains itself"


def test_evaluation_not_fed_by_outputs():
    d = complete()
    d.edges.remove(("logs", "ev"))
    d.connect("mon", "ev")          # monitoring is not fed by the AI's outputs through the request path...
    d.edges.remove(("api", "mon"))
    d.connect("llm", "mon")         # ...unless the LLM sends to it: then it is
    assert "evaluation" not in pieces(d)
    d2 = complete()
    d2.edges.remove(("logs", "ev"))
    assert "evaluation" in pieces(d2)


def test_storage_must_be_connected():
    d = Design(nodes={"u": "client", "m": "llm", "s": "storage"}, edges=[("u", "m"), ("m", "u")])
    assert "storage" in pieces(d)
    d.connect("m", "s")
    assert "storage" not in pieces(d)


def test_structure_errors_are_reported_not_raised():
    d = Design(nodes={"a": "robot", "end": "client", "my node": "llm"}, edges=[("a", "zzz"), ("a",)])
    text = " ".join(p.explanation for p in review(d))
    for expected in ("robot", "'zzz'", "'end'", "'my node'", "(source, target)"):
        assert expected in text


def test_render_is_a_mermaid_flowchart_with_shapes_by_kind():
    md = design.render(complete())
    assert md.data.startswith("```mermaid\nflowchart LR") and md.data.endswith("```")
    text = design.mermaid(complete())
    assert 'llm{{"llm"}}' in text and 'idx[("idx")]' in text and 'user(["user"])' in text
    assert 'api -->|"answer"| user' in text
    assert "api -.-> mon" in text, "edges into monitoring are dotted"
    assert complete()._repr_markdown_() == md.data


def test_render_refuses_a_broken_design():
    with pytest.raises(ValueError, match="not a node"):
        design.render(Design(nodes={"a": "client"}, edges=[("a", "b")]))


def test_labels_with_quotes_are_escaped():
    text = design.mermaid(Design(nodes={"a": ("client", 'say "hi"')}))
    assert '"say #quot;hi#quot;"' in text


def test_design_from_dict_copy_and_chaining():
    d = design.as_design({"nodes": {"u": "client", "m": ("llm", "GPT")}, "edges": [["u", "m"]]})
    assert d.nodes["m"].label == "GPT" and d.edges == [("u", "m")]
    c = d.copy().add("s", "storage").connect("m", "s")
    assert "s" not in d.nodes and ("m", "s") not in d.edges and ("m", "s") in c.edges
    with pytest.raises(TypeError):
        design.as_design([1, 2])


def test_reachable():
    d = Design(nodes={"a": "client", "b": "service", "c": "llm"}, edges=[("a", "b"), ("b", "c"), ("c", "b")])
    assert d.reachable("a") == {"b", "c"}
    assert d.reachable("c") == {"b", "c"}


# ---- estimate --------------------------------------------------------------------------------
def test_estimates_on_hand_checked_numbers():
    assert estimate.peak_qps(86_400, 1, 1) == 1.0
    assert estimate.tokens_per_month(60_000, 200, 30, 5, 250, 150) == {"input": 2_664_000_000, "output": 270_000_000}
    assert math.isclose(estimate.monthly_cost(2_000_000, 1_000_000, 0.5, 2.0), 3.0)
    assert math.isclose(estimate.optimised_cost(1000, 100, 0.2, 0.3), 196.0)
    assert estimate.vector_storage_bytes(40_000, 384, "float32", 256) == 71_680_000
    assert estimate.max_answer_tokens(4.0, 0.02, 0.03, 0.15, 0.3, 50) == 175
    assert estimate.max_answer_tokens(1.0, 0.5, 0.5, 0.5, 0.5, 50) == 0
    assert estimate.workers_needed(2, 300, 100, 0.75) == 8
    assert estimate.workers_needed(2, 301, 100, 0.75) == 9


def test_vector_storage_matches_faiss():
    """The flat-index estimate is what FAISS really stores (within its few bytes of header)."""
    faiss = pytest.importorskip("faiss")
    import numpy as np

    x = np.random.default_rng(0).normal(size=(1000, 64)).astype("float32")
    for dtype, index in [("float32", faiss.IndexFlatIP(64)),
                         ("int8", faiss.IndexScalarQuantizer(64, faiss.ScalarQuantizer.QT_8bit))]:
        index.train(x)
        index.add(x)
        size = faiss.serialize_index(index).nbytes
        want = estimate.vector_storage_bytes(1000, 64, dtype)
        assert want <= size < want + 4096


# ---- requirements -------------------------------------------------------------------------------
def test_requirements_table_and_derived_numbers():
    r = DEFAULTS.replace(daily_active_users=1000, requests_per_user=2, documents=10, chunks_per_document=3,
                         functional=["a", "b"])
    assert r.requests_per_day == 2000 and r.chunks == 30
    t = table(r).set_index("requirement")
    assert t.loc["functional 2", "value"] == "b" and t.loc["functional 1", "kind"] == "functional"
    assert t.loc["availability", "kind"] == "non-functional" and t.loc["chunks", "kind"] == "derived"
    assert DEFAULTS.functional == [] and r.daily_active_users == 1000 and DEFAULTS.daily_active_users == 20_000


def test_requirements_are_data_with_units():
    r = Requirements(prompt="p", qps=(120, "requests/s", "the evening peak"))
    assert r["qps"].unit == "requests/s" and r["qps"].why == "the evening peak"
    assert r.replace(qps=240)["qps"].unit == "requests/s", "a changed value keeps its unit"
    with pytest.raises(RequirementsError, match="give its unit"):
        r.replace(new_number=3)
    with pytest.raises(RequirementsError, match="replace"):
        r.qps = 5
    with pytest.raises(AttributeError, match="qps"):
        r.qsp


# ---- labels that name real parts, and the completed draft ---------------------------------------------
def test_labels_must_name_a_part_of_their_kind():
    d = complete()
    assert design.label_problems(d) == [] or all(p.piece == "label" for p in design.label_problems(d))
    named = Design(nodes={"user": ("client", "customer"), "m": ("monitoring", "m"), "e": ("evaluation", "e"),
                          "x": ("storage", "conversation logs"), "y": ("storage", "Conversation logs")})
    text = " ".join(p.explanation for p in design.label_problems(named))
    assert "'m'" in text and "'e'" in text and "share the label" in text
    assert "'user'" not in text and "'x' (storage)" not in text


def test_complete_design_completes_without_touching_the_draft():
    draft = Design(nodes={"customer": ("client", "customer"), "api": ("service", "support API"),
                          "emb": ("model", "embedder"), "idx": ("vector_store", "vector index"), "llm": ("llm", "LLM")},
                   edges=[("customer", "api"), ("api", "emb"), ("emb", "idx"), ("idx", "api"), ("api", "llm"),
                          ("llm", "api"), ("api", "customer")])
    before = (dict(draft.nodes), list(draft.edges))
    done = design.complete_design(draft)
    assert review(done) == [] and design.label_problems(done) == []
    assert (dict(draft.nodes), list(draft.edges)) == before


# ---- break-even ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_break_even_is_where_self_hosting_stays_cheaper(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    for _ in range(40):
        c, h, r = rng.uniform(1e-5, 3e-3), rng.uniform(0.2, 5), rng.uniform(0.5, 30)
        p, u, m = rng.uniform(1, 8), rng.uniform(0.3, 0.9), int(rng.integers(1, 4))
        v = estimate.break_even_requests_per_day(c, h, r, p, u, m)
        cheaper = lambda x: estimate.self_host_usd_per_day(x, h, r, p, u, m) <= x * c + 1e-9
        if v is None:
            assert 24 * h >= r * u * 86_400 / p * c
            continue
        assert cheaper(v) and (v == 0 or not cheaper(v - 1))
        assert all(cheaper(x) for x in [*range(v, v + 3000, 7), 2 * v, 10 * v])


def test_break_even_refuses_nonsense():
    with pytest.raises(estimate.EstimationError):
        estimate.break_even_requests_per_day(0.001, -1, 10, 2)
