"""Test doubles shared by the test modules."""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Sequence

import numpy as np


class FakeEmbedder:
    """Bag of crc32-hashed words, L2-normalised: offline, deterministic, and similar texts are similar."""

    model_id = "fake-bag-of-words-64"

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay  # seconds of blocking work per call, to stand in for a real model
        self.calls = 0
        self.texts = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self.delay:
            time.sleep(self.delay)  # blocks its thread, as a model would: the event loop must not care
        self.calls += 1
        self.texts += len(texts)
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, zlib.crc32(word.encode()) % 64] += 1.0  # crc32, not hash(): stable across runs
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)
