"""A second, public test collection from another domain, converted to the BEIR layout.

The Lee news-similarity corpus (Lee, Pincombe & Welsh, 2005) ships inside the ``gensim`` wheel on
PyPI (``gensim/test/test_data/``): 50 short Australian news articles whose every pair was rated for
similarity by about ten people (the mean, scaled to 0.2-1.0, in ``similarities0-1.txt``), and 300
more articles of the same source (``lee_background.cor``). Nothing downloads at run time: get the
wheel with ``pip download gensim==4.4.0 --no-deps -d /tmp/gensim`` (or install gensim) and run::

    python -m aisd.toolkit.retrieval.collections /tmp/gensim/gensim-4.4.0-*.whl datasets/lee_news

The conversion ("more like this": find the articles people rated as similar to a given one):

- corpus: the 50 rated articles (``lee00`` ... ``lee49``) and the 300 background ones (``bg000`` ...);
- queries: the 50 rated articles, whole, each with the id of its own document. As in BEIR's
  ArguAna and Quora, a query's own document is not a result: ``evaluate_configs`` drops it
  (``ignore_identical_ids=True``, BEIR's default);
- judgements: article i against article j, graded from the raters' mean similarity s:
  3 if s >= 0.8, 2 if s >= 0.65, 1 if s >= 0.5 (on the 1-5 scale: 4, 3.25 and 2.5); the background
  articles were never rated and count as not relevant, as unjudged documents do in BEIR;
- queries with no article at s >= 0.5 are left out of the qrels (no relevant document to find);
- split: even articles in ``qrels/dev.tsv`` (tuning: fusion weights, re-ranker), odd ones in
  ``qrels/test.tsv`` (scored only).

>>> grade(0.84), grade(0.7), grade(0.5), grade(0.3)
(3, 2, 1, 0)
"""
from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np

from aisd.core.errors import AisdError

LEE_FILES = ("lee.cor", "lee_background.cor", "similarities0-1.txt")
THRESHOLDS = ((0.8, 3), (0.65, 2), (0.5, 1))


class CollectionError(AisdError):
    """The source of a collection is missing or not what was expected; the message says what to do."""


def grade(similarity: float) -> int:
    """Relevance grade of a mean human similarity (0.2-1.0): 3, 2, 1 at 0.8, 0.65, 0.5, else 0.

    >>> [grade(s) for s in (1.0, 0.66, 0.52, 0.49)]
    [3, 2, 1, 0]
    """
    for threshold, g in THRESHOLDS:
        if similarity >= threshold - 1e-9:
            return g
    return 0


def read_lee_files(source: str | Path) -> dict[str, str]:
    """The three Lee files as text, from a gensim wheel (``.whl``) or a folder holding them
    (e.g. an installed ``gensim/test/test_data``). The articles are Latin-1 (pound signs).

    >>> read_lee_files("/nowhere")
    Traceback (most recent call last):
    ...
    aisd.toolkit.retrieval.collections.CollectionError: /nowhere is neither a gensim wheel nor a folder with lee.cor, lee_background.cor, similarities0-1.txt (get one: pip download gensim==4.4.0 --no-deps -d /tmp/gensim)
    """
    source = Path(source)
    out = {}
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as z:
            names = {Path(n).name: n for n in z.namelist() if "/test_data/" in n}
            for f in LEE_FILES:
                if f not in names:
                    raise CollectionError(f"{source} has no gensim/test/test_data/{f}: is it a gensim wheel?")
                out[f] = z.read(names[f]).decode("latin-1")
        return out
    if source.is_dir() and all((source / f).is_file() for f in LEE_FILES):
        return {f: (source / f).read_bytes().decode("latin-1") for f in LEE_FILES}
    raise CollectionError(f"{source} is neither a gensim wheel nor a folder with {', '.join(LEE_FILES)} "
                          f"(get one: pip download gensim==4.4.0 --no-deps -d /tmp/gensim)")


def lee_to_beir(files: dict[str, str]) -> tuple[list[dict], list[dict], list[tuple[str, str, str, int]]]:
    """``(corpus rows, query rows, qrels)`` of the BEIR collection built from the Lee files (see the
    module); a judgement is ``(split, query id, doc id, grade)``.

    >>> sims = "1\\t0.9\\t0.3\\t0.2\\n0\\t1\\t0.6\\t0.2\\n0\\t0\\t1\\t0.7\\n0\\t0\\t0\\t1"
    >>> corpus, queries, qrels = lee_to_beir({"lee.cor": "a\\nb\\nc\\nd", "lee_background.cor": "x",
    ...                                       "similarities0-1.txt": sims})
    >>> [r["_id"] for r in corpus], len(queries)
    (['lee00', 'lee01', 'lee02', 'lee03', 'bg000'], 4)
    >>> qrels[:3]
    [('dev', 'lee00', 'lee01', 3), ('test', 'lee01', 'lee00', 3), ('test', 'lee01', 'lee02', 1)]
    """
    articles = [a.strip() for a in files["lee.cor"].strip("\n").split("\n")]
    background = [a.strip() for a in files["lee_background.cor"].strip("\n").split("\n") if a.strip()]
    sims = np.loadtxt(io.StringIO(files["similarities0-1.txt"]))
    n = len(articles)
    if sims.shape != (n, n):
        raise CollectionError(f"similarities0-1.txt is {sims.shape[0]}x{sims.shape[1]}, "
                              f"but lee.cor has {n} articles")
    upper = np.triu(sims, 1)
    sims = upper + upper.T               # the file fills the upper triangle only
    corpus = [{"_id": f"lee{j:02d}", "title": "", "text": a} for j, a in enumerate(articles)]
    corpus += [{"_id": f"bg{j:03d}", "title": "", "text": t} for j, t in enumerate(background)]
    queries = [{"_id": f"lee{i:02d}", "text": a} for i, a in enumerate(articles)]
    qrels = [("dev" if i % 2 == 0 else "test", f"lee{i:02d}", f"lee{j:02d}", grade(sims[i, j]))
             for i in range(n) for j in range(n) if j != i and grade(sims[i, j])]
    return corpus, queries, qrels


def write_beir(folder: str | Path, corpus: list[dict], queries: list[dict],
               qrels: list[tuple[str, str, str, int]]) -> Path:
    """Write ``corpus.jsonl``, ``queries.jsonl`` and one ``qrels/<split>.tsv`` per split named in ``qrels``.

    >>> import tempfile
    >>> out = write_beir(tempfile.mkdtemp(), [{"_id": "d", "text": "t"}], [{"_id": "q", "text": "t"}],
    ...                  [("test", "q", "d", 1)])
    >>> (out / "qrels" / "test.tsv").read_text()
    'query-id\\tcorpus-id\\tscore\\nq\\td\\t1\\n'
    """
    folder = Path(folder)
    (folder / "qrels").mkdir(parents=True, exist_ok=True)
    for name, rows in (("corpus.jsonl", corpus), ("queries.jsonl", queries)):
        with open(folder / name, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    for split in sorted({s for s, _, _, _ in qrels}):
        with open(folder / "qrels" / f"{split}.tsv", "w", encoding="utf-8") as f:
            f.write("query-id\tcorpus-id\tscore\n")
            f.writelines(f"{q}\t{d}\t{g}\n" for s, q, d, g in qrels if s == split)
    return folder


def convert_lee(source: str | Path, folder: str | Path) -> Path:
    """Build the Lee collection in BEIR layout under ``folder`` from a gensim wheel or test_data folder.

    >>> convert_lee("/nowhere", "/tmp/x")                      # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    aisd.toolkit.retrieval.collections.CollectionError: /nowhere is neither a gensim wheel ...
    """
    return write_beir(folder, *lee_to_beir(read_lee_files(source)))


def main(argv: list[str] | None = None) -> int:
    """``python -m aisd.toolkit.retrieval.collections SOURCE FOLDER``: convert, print what was written.

    >>> main(["only-one-argument"])
    usage: python -m aisd.toolkit.retrieval.collections GENSIM_WHEEL_OR_TEST_DATA_DIR OUT_FOLDER
    2
    """
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m aisd.toolkit.retrieval.collections GENSIM_WHEEL_OR_TEST_DATA_DIR OUT_FOLDER")
        return 2
    try:
        corpus, queries, qrels = lee_to_beir(read_lee_files(argv[0]))
    except CollectionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = write_beir(argv[1], corpus, queries, qrels)
    for split in sorted({s for s, _, _, _ in qrels}):
        judged = {q for s, q, _, _ in qrels if s == split}
        print(f"{out}: qrels/{split}.tsv judges {len(judged)} queries "
              f"({sum(s == split for s, _, _, _ in qrels)} judgements)")
    print(f"{out}: {len(corpus)} documents, {len(queries)} queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
