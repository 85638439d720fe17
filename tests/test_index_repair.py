"""An index that can be repaired: a damaged store gives one clear line and the fix
(`regchat ingest --rebuild`), a doc id already indexed from another file is refused unless
``--replace``, and the vector folders of old versions do not pile up."""

from __future__ import annotations

import logging
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from regchat import index as index_module
from regchat.channels.engine import LazyEngine
from regchat.cli import main as cli
from regchat.errors import IndexNotReady
from regchat.index import ingest, open_index, rebuild
from regchat.settings import PROJECT_ROOT

CORPUS_DIR = PROJECT_ROOT / "corpus"


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, folder)
    return folder


@pytest.fixture
def built(make_settings, corpus):
    settings = make_settings(corpus_dir=corpus)
    assert ingest(None, settings, progress=False).ok
    return settings


def damage(settings) -> None:
    """Garbage over the start of Chroma's database file, as a bad disk or a half copy leaves it."""
    index_module.forget_client(settings)  # as a new process would, open the store afresh
    path = settings.chroma_path / "chroma.sqlite3"
    with open(path, "r+b") as f:
        f.write(b"\x00garbage" * 512)


def test_a_damaged_index_is_one_line_naming_the_fix(built):
    damage(built)
    with pytest.raises(IndexNotReady) as caught:
        open_index(built)
    message = str(caught.value)
    assert "regchat ingest --rebuild" in message and "\n" not in message
    assert str(built.chroma_path) in message


def test_the_health_check_reports_a_damaged_index_once_not_a_traceback_per_poll(built, caplog):
    damage(built)
    caplog.set_level(logging.INFO)
    engine = LazyEngine(built)
    statuses = [engine.status() for _ in range(5)]
    assert all(not s["ready"] and "regchat ingest --rebuild" in s["error"] for s in statuses)
    assert "Traceback" not in caplog.text
    assert caplog.text.count("regchat ingest --rebuild") == 1


def test_rebuild_repairs_a_damaged_index_without_reading_it(built):
    damage(built)
    report = rebuild(built, progress=False)
    assert report.ok and report.provisions > 0 and sorted(report.added) == sorted(
        {p.name.split(".")[0] for p in built.corpus_dir.glob("*.md")})
    assert len(open_index(built).provisions) == report.provisions
    assert not list(built.chroma_path.parent.glob("chroma.damaged-*"))


def test_cli_rebuild(built, monkeypatch):
    damage(built)
    monkeypatch.setattr("regchat.cli.get_settings", lambda: built)
    broken = CliRunner().invoke(cli, ["search", "residence permit"])
    assert broken.exit_code == 1 and "regchat ingest --rebuild" in broken.output
    assert "Traceback" not in broken.output
    fixed = CliRunner().invoke(cli, ["ingest", "--rebuild", "--no-progress"])
    assert fixed.exit_code == 0, fixed.output
    assert CliRunner().invoke(cli, ["search", "residence permit"]).exit_code == 0


def test_a_user_document_reusing_a_shipped_doc_id_is_refused_unless_replace(built, tmp_path):
    before = {p.doc_id: 0 for p in open_index(built).provisions}
    for p in open_index(built).provisions:
        before[p.doc_id] += 1
    mine = tmp_path / "mine.md"
    mine.write_text("---\ndoc_id: cn-exit-entry-law\ntitle: My notes\nshort_title: My notes\njurisdiction: CN\n---\n\n"
                    "Article 1 My own note about residence permits.\n", encoding="utf-8")
    refused = ingest([mine], built, progress=False)
    assert not refused.ok and "already in the index" in refused.errors[0] and "--replace" in refused.errors[0]
    assert refused.updated == [] and refused.added == []
    after = {}
    for p in open_index(built).provisions:
        after[p.doc_id] = after.get(p.doc_id, 0) + 1
    assert after == before  # the Law keeps all its provisions
    replaced = ingest([mine], built, progress=False, replace=True)
    assert replaced.ok and replaced.updated == ["cn-exit-entry-law"]
    assert sum(1 for p in open_index(built).provisions if p.doc_id == "cn-exit-entry-law") == 1


def test_old_vector_folders_are_removed_once_a_new_version_is_live(built):
    law = built.corpus_dir / "cn-exit-entry-law.md"
    for n in range(3):
        law.write_text(law.read_text(encoding="utf-8") + f"\n\nArticle 9{n} An added article.\n", encoding="utf-8")
        assert ingest(None, built, progress=False).updated == ["cn-exit-entry-law"]
    with sqlite3.connect(built.chroma_path / "chroma.sqlite3") as db:
        live = {row[0] for row in db.execute("SELECT id FROM segments")}
    folders = {p.name for p in built.chroma_path.iterdir() if p.is_dir()}
    assert folders and folders <= live


@pytest.fixture
def read_only_copy(built, tmp_path, unavailable):
    """The built data folder, bind-mounted read-only elsewhere (as a read-only volume would be)."""
    import subprocess

    mount_point = tmp_path / "ro"
    mount_point.mkdir()
    done = subprocess.run(["mount", "--bind", str(built.data_dir), str(mount_point)], capture_output=True)
    if done.returncode != 0:
        unavailable(f"cannot bind-mount here: {done.stderr.decode().strip()}")
    try:
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(mount_point)], capture_output=True)
        if remount.returncode != 0:
            unavailable(f"cannot remount read-only here: {remount.stderr.decode().strip()}")
        yield built.model_copy(update={"data_dir": mount_point})
    finally:
        index_module.forget_client(built.model_copy(update={"data_dir": mount_point}))
        subprocess.run(["umount", str(mount_point)], check=True)


def test_an_index_on_a_read_only_mount_opens_for_reading(built, read_only_copy):
    with pytest.raises(OSError):
        (read_only_copy.chroma_path / "probe").write_text("x")
    expected = [p.key for p in open_index(built).provisions]
    assert [p.key for p in open_index(read_only_copy).provisions] == expected
    with pytest.raises(IndexNotReady, match="read-only"):
        ingest(None, read_only_copy, progress=False)
