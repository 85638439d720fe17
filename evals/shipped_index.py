"""What the load benchmarks share: offline settings over an index of the shipped corpus."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from regchat.settings import Settings


def offline_settings(data_dir: Path | None, purpose: str) -> Settings:
    """Offline-mode settings whose index holds the shipped corpus: the one in ``data_dir``
    (default: the usual data folder), or one built now in a temporary folder if there is none."""
    from regchat.index import index_exists, ingest

    settings = Settings(llm=None)
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    if not index_exists(settings):
        tmp = Path(tempfile.mkdtemp(prefix=f"regchat-bench-{purpose}-"))
        settings = settings.model_copy(update={"data_dir": tmp, "chroma_host": None})
        print(f"no index found; building one in {tmp}", file=sys.stderr)
        ingest(None, settings, progress=False)
    return settings
