"""The bounded, prioritised queue between the segmenters and the one ASR worker.

Customer utterances go first when both channels wait (the customer's words drive the ESS and the
cues), then the oldest. When full, `put(block=True)` waits (file replay: nothing is lost, the
reader just slows down); `put(block=False)` (live capture) makes room by dropping the least
useful waiting utterance — a provisional (speculative) copy first, then rep before customer, oldest
first — and returns it so the caller can report the drop.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable

from salesmind_desktop.events import Utterance


def priority(utt: Utterance) -> tuple[int, float, int]:
    return (0 if utt.channel == "customer" else 1, utt.start, utt.id)


class UtteranceQueue:
    def __init__(self, maxsize: int = 32) -> None:
        self.maxsize = max(1, maxsize)
        # (priority, arrival number, utterance): the number breaks ties (e.g. two provisional
        # copies of one utterance), so the heap never has to compare utterances
        self._heap: list[tuple[tuple[int, float, int], int, Utterance]] = []
        self._arrivals = itertools.count()
        self._cond = threading.Condition()
        self._closed = False
        self.dropped = 0

    def __len__(self) -> int:
        with self._cond:
            return len(self._heap)

    def put(self, utt: Utterance, block: bool = True,
            cancelled: Callable[[], bool] = lambda: False) -> Utterance | None:
        """Queue `utt`; returns the utterance dropped to make room (live mode), else None."""
        with self._cond:
            while block and len(self._heap) >= self.maxsize and not self._closed and not cancelled():
                self._cond.wait(0.1)
            if self._closed or (block and cancelled()):
                return utt
            victim = None
            if len(self._heap) >= self.maxsize:
                candidates = [u for _, _, u in self._heap] + [utt]
                victim = min(candidates, key=lambda u: (not u.provisional, u.channel == "customer", u.start, u.id))
                self.dropped += 1
                if victim is utt:
                    return utt
                self._heap = [(k, n, u) for k, n, u in self._heap if u is not victim]
                heapq.heapify(self._heap)
            heapq.heappush(self._heap, (priority(utt), next(self._arrivals), utt))
            self._cond.notify_all()
            return victim

    def get(self, timeout: float = 0.1) -> Utterance | None:
        """The most urgent utterance, or None after `timeout` (or when closed and empty)."""
        with self._cond:
            if not self._heap and not self._closed:
                self._cond.wait(timeout)
            if not self._heap:
                return None
            _, _, utt = heapq.heappop(self._heap)
            self._cond.notify_all()
            return utt

    def close(self) -> None:
        """No more puts; `get` drains what is left, then returns None."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed
