"""The research agent's tools, all local and real: search a document collection, read a document, calculate,
run Python in the sandbox, and save notes.

>>> tools = ResearchTools.from_collection(paths.DATASETS / "pydoc_qa")
>>> print(tools.search("what does __exit__ return", k=2).splitlines()[0][:40])
[with/1] The "with" statement: The "with
>>> registry = tools.registry()
>>> sorted(registry.tools)
['calculate', 'read_document', 'run_python', 'save_note', 'search']
>>> registry["run_python"].risky
True
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from aisd.core import paths
from aisd.core.errors import AisdError
from aisd.toolkit.datasets import load_beir
from aisd.toolkit.retrieval import Retriever
from aisd.agents.calculator import calculate as _calculate
from aisd.agents.sandbox import run_python as _run_python
from aisd.agents.tools import ToolRegistry

class ToolInputError(AisdError):
    """A research tool was called with an input it cannot use (the agent shows the message to the model)."""


SNIPPET = 160            # characters of each search hit shown to the model
READ_LIMIT = 600         # characters of a document shown to the model by read_document


class ResearchTools:
    """Tools over one collection ``{id: {"title", "text"}}``; the notes live as long as this object.

    ``config`` is the retrieval configuration of :class:`aisd.toolkit.retrieval.Retriever` (``"bm25"`` needs no
    embedding model; ``"hybrid"`` loads it, ~4 s and ~0.5 GB the first time).
    """

    def __init__(self, corpus: dict[str, dict], config: str = "bm25", embed=None):
        if not corpus:
            raise ToolInputError("the collection is empty: nothing to search")
        self.corpus, self.config = corpus, config
        texts = {i: (d.get("title", "") + "\n" + d.get("text", "")).strip() for i, d in corpus.items()}
        if config == "bm25":
            self.retriever = Retriever(texts, embed=None)
        elif embed is None:
            self.retriever = Retriever(texts)
        else:
            self.retriever = Retriever(texts, embed=embed)
        self.notes: list[str] = []
        self.read_ids: list[str] = []

    @classmethod
    def from_collection(cls, folder: str | Path, config: str = "bm25") -> "ResearchTools":
        """Tools over the documents of a collection in the BEIR layout (e.g. ``datasets/pydoc_qa``); the
        documents are the same whichever split's judgements come with them."""
        return cls(load_beir(folder).corpus, config=config)

    def search(self, query: str, k: Literal[1, 2, 3, 4, 5] = 3) -> str:
        """Search the documentation; returns the ids and titles of the best passages with a snippet.

        Args:
            query: what to look for, in a few words
            k: how many passages to return (1 to 5)
        """
        if not query.strip():
            raise ToolInputError("the query is empty: say what to look for")
        k = max(1, min(int(k), 5))
        hits = self.retriever.search(query, self.config, k=k).ids
        lines = []
        for doc_id in hits:
            doc = self.corpus[doc_id]
            snippet = " ".join(doc["text"].split())[:SNIPPET]
            lines.append(f"[{doc_id}] {doc['title']}: {snippet}")
        return "\n".join(lines) if lines else "no passage found"

    def read_document(self, doc_id: str) -> str:
        """Read one passage of the documentation by its id (as shown by search, e.g. "with/1").

        Args:
            doc_id: the passage id, in the form topic/number
        """
        doc_id = doc_id.strip().strip("[]")
        if doc_id not in self.corpus:
            near = [i for i in self.corpus if i.split("/")[0] == doc_id.split("/")[0]][:5]
            raise ToolInputError(f"no document {doc_id!r}" + (f"; ids of that topic: {near}" if near else
                                                       "; use search to find ids"))
        self.read_ids.append(doc_id)
        doc = self.corpus[doc_id]
        text = " ".join(doc["text"].split())
        return f"{doc['title']}\n{text[:READ_LIMIT]}" + (" ...(cut)" if len(text) > READ_LIMIT else "")

    def calculate(self, expression: str) -> str:
        """Compute an arithmetic expression exactly, e.g. "2**10 - 24" or "sqrt(2) * 3".

        Args:
            expression: numbers, + - * / // % ** and parentheses
        """
        return str(_calculate(expression))

    def run_python(self, code: str) -> str:
        """Run a short Python program in a sandbox (no network, no files outside its folder, 5 s) and
        return what it printed.

        Args:
            code: the program; print what you want to see
        """
        return _run_python(code).observation()

    def save_note(self, text: str) -> str:
        """Save a note to remember for later steps; returns all notes so far.

        Args:
            text: the fact to remember, with the id of the document it came from
        """
        if not text.strip():
            raise ToolInputError("the note is empty")
        self.notes.append(text.strip())
        return "notes: " + " | ".join(self.notes)

    def registry(self, python_is_risky: bool = True) -> ToolRegistry:
        """A :class:`~aisd.agents.tools.ToolRegistry` of the five tools; ``run_python`` needs approval."""
        registry = ToolRegistry()
        for fn in (self.search, self.read_document, self.calculate, self.save_note):
            registry.add(fn)
        registry.add(self.run_python, risky=python_is_risky)
        return registry
