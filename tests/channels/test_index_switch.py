"""A running server notices a new index version (built by `regchat ingest` in another
process) and switches to it without a restart: every answer comes whole from the old
version or the new one."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time

from regchat.channels.engine import LazyEngine, engine_version
from regchat.settings import PROJECT_ROOT

TODAY = dt.date(2026, 11, 22)


def test_a_new_index_version_is_picked_up_without_a_restart(make_settings, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", corpus)
    settings = make_settings(corpus_dir=corpus)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGCHAT_")}
    env.update(REGCHAT_DATA_DIR=str(settings.data_dir), REGCHAT_CORPUS_DIR=str(corpus), REGCHAT_EMBEDDER="hashing")

    def ingest_elsewhere():
        done = subprocess.run([sys.executable, "-m", "regchat.cli", "ingest", "--no-progress"], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr

    ingest_elsewhere()
    lazy = LazyEngine(settings, check_every=0.0)
    before = lazy.answer("What does Article 95 of the Law say?", today=TODAY)
    assert "zebra" not in before.text
    first = engine_version(lazy.get())

    law = corpus / "cn-exit-entry-law.md"
    law.write_text(law.read_text(encoding="utf-8") + "\n\nArticle 95 Foreigners shall water the zebra plants "
                   "in the courtyard of the exit-entry administration.\n", encoding="utf-8")
    ingest_elsewhere()

    end = time.monotonic() + 60
    while engine_version(lazy.get()) == first:
        assert time.monotonic() < end, "the server did not switch to the new index version"
        time.sleep(0.1)
    after = lazy.answer("What does Article 95 of the Law say?", today=TODAY)
    assert "zebra plants" in after.text
    assert any(c.article == 95 for c in after.citations)
