"""What the last build of an output folder knew, so the next build can skip work.

One pickle per output folder, in the cache folder (SAGE_CACHE_PATH, default
`.cache/sage/` beside the settings file). It holds, for the next build:

- `sources`: each post's facts for the content rules, keyed by path, valid while
  the file's size and modification time are unchanged;
- `themes`: the tagger's choice, keyed by a hash of the post's title and text;
- `outputs`: a fingerprint of the inputs of every page written (a page whose
  fingerprint is unchanged is not rendered again), and the set of files the build
  produced, so files of deleted or renamed posts can be removed;
- `search`: a fingerprint of each search-index shard;
- `measures`: each post's word count, description and law text, keyed by a hash
  of its text and summary.

Nothing here is trusted across versions of the code or settings: `key` hashes
both, and a mismatch starts from an empty state. Deleting the folder is always
safe; the next build is just a full one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)
FORMAT = 5  # bump when the shape of the state changes


@dataclass
class BuildState:
    key: str = ""
    sources: dict = field(default_factory=dict)
    themes: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    produced: set = field(default_factory=set)
    measures: dict = field(default_factory=dict)
    path: Path | None = field(default=None, repr=False)
    valid_until: float | None = field(default=None, repr=False)  # see sage/freshness.py
    # This build's record, committed by save() once the build succeeded.
    next_outputs: dict = field(default_factory=dict, repr=False)
    next_produced: set = field(default_factory=set, repr=False)

    def produce(self, path: str | Path) -> None:
        """Record that this build produced `path` (written now, or kept as it was)."""
        self.next_produced.add(os.path.abspath(path))

    def stale_files(self) -> list[str]:
        """Files the last build produced that this one did not: delete them."""
        return sorted(self.produced - self.next_produced)

    def save(self) -> None:
        """Commit this build's record and write the state (atomically)."""
        self.outputs, self.next_outputs = self.next_outputs, {}
        self.produced, self.next_produced = self.next_produced, set()
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".state-")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(self._payload(), stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)

    def _payload(self) -> dict:
        return {
            "format": FORMAT,
            "key": self.key,
            "sources": self.sources,
            "themes": self.themes,
            "outputs": self.outputs,
            "produced": self.produced,
            "measures": self.measures,
        }


# Functions and objects in settings (Jinja filters) repr with their memory address,
# which differs on every run; their code is covered by the code version instead.
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")
# Settings that change how a build runs, not what it produces.
UNKEYED = {
    "SAGE_BUILD_STATE", "SAGE_INPUTS", "SAGE_WORKERS", "SAGE_BACKGROUND_SEARCH", "CACHE_PATH",
}  # fmt: skip


def state_key(settings: dict, code_version: str) -> str:
    """A hash of what makes cached results valid: our code, and the settings."""
    relevant = sorted(
        (key, _ADDRESS.sub("", repr(value)))
        for key, value in settings.items()
        if key.isupper() and key not in UNKEYED
    )
    return hashlib.sha256(repr((code_version, relevant)).encode()).hexdigest()


def state_path(settings: dict) -> Path:
    """Where the state of this output folder lives."""
    folder = settings.get("SAGE_CACHE_PATH") or os.path.join(settings["CACHE_PATH"], "sage")
    output = os.path.abspath(settings["OUTPUT_PATH"])
    name = hashlib.sha256(output.encode()).hexdigest()[:16]
    return Path(folder) / f"state-{name}.pickle"


def load_state(settings: dict, code_version: str) -> BuildState:
    """The last build's state for this output folder, or an empty one."""
    path = state_path(settings)
    key = state_key(settings, code_version)
    state = BuildState(key=key, path=path)
    try:
        with path.open("rb") as stream:
            payload = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return state
    if payload.get("format") != FORMAT or payload.get("key") != key:
        logger.info("build cache: settings or code changed; full build")
        return state
    for name in ("sources", "themes", "outputs", "produced", "measures"):
        setattr(state, name, payload[name])
    return state
