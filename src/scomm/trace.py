"""The engine's trace: for chosen people, every stage's inputs, probability, uniform draw and
outcome, recorded by the engine as it decides them (``engine.trace``).

Stages are named as declared in rules/pipeline.py. The engine calls ``Recorder.step`` once per
stage and block; a full run passes ``OFF``, whose ``step`` does nothing, so tracing costs
nothing unless asked for. A trace runs the engine on the chosen people alone: every draw is
keyed by (seed, stream, entity), so a person's trace is exactly their fate in a full run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scomm.cohort import Cohort
from scomm.rules import pipeline


@dataclass(frozen=True)
class Record:
    """One stage's arrays for the traced people in ``rows`` (positions in the trace)."""

    stage: str
    rows: np.ndarray
    inputs: Mapping[str, np.ndarray]
    probability: np.ndarray | None
    draw: np.ndarray | None
    outcome: Mapping[str, np.ndarray]


class Recorder:
    """Collects the engine's stage arrays for the people at ``rows`` of a trace."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = np.asarray(rows, dtype=np.intp)
        self.records: list[Record] = []

    def step(
        self,
        stage: str,
        *,
        inputs: Mapping[str, np.ndarray],
        outcome: Mapping[str, np.ndarray],
        probability: np.ndarray | None = None,
        draw: np.ndarray | None = None,
    ) -> None:
        """Keep a copy of one stage's inputs, probability, draw and outcome."""

        def keep(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else np.array(a, copy=True)

        self.records.append(
            Record(
                stage,
                self.rows,
                {k: keep(v) for k, v in inputs.items()},
                keep(probability),
                keep(draw),
                {k: keep(v) for k, v in outcome.items()},
            )
        )


class _Off(Recorder):
    """The recorder of an ordinary run: records nothing."""

    def __init__(self) -> None:
        super().__init__(np.zeros(0, dtype=np.intp))

    def step(self, stage: str, **_: Any) -> None:
        return None


OFF = _Off()


def _plain(a: np.ndarray) -> Any:
    """A NumPy value as plain Python (bool, int, float, or a list for a row of shares)."""
    return a.tolist()


@dataclass(frozen=True)
class Step:
    """One stage as it happened to one person."""

    stage: pipeline.Stage
    inputs: dict[str, Any]
    probability: float | None
    draw: float | None
    outcome: dict[str, Any]
    reached: bool  # the person got this far (``stage.requires`` held)


@dataclass(frozen=True)
class Trace:
    """Traced people (entity ``keys``), their stage records, and the cohort rows of those the
    engine matched (``cohort``, same columns and dtypes as a run's cohort)."""

    keys: np.ndarray
    records: tuple[Record, ...]
    cohort: Cohort
    seed: int
    _at: tuple[np.ndarray, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # for each record, every traced person's position in it (-1: not recorded)
        at = []
        for rec in self.records:
            pos = np.full(len(self.keys), -1, dtype=np.intp)
            pos[rec.rows] = np.arange(len(rec.rows))
            at.append(pos)
        object.__setattr__(self, "_at", tuple(at))

    def __len__(self) -> int:
        return len(self.keys)

    def index_of(self, key: int) -> int:
        """Position of an entity key in the trace."""
        found = np.flatnonzero(self.keys == np.uint64(key))
        if not len(found):
            raise KeyError(f"entity key {key} is not in this trace")
        return int(found[0])

    def steps(self, i: int) -> list[Step]:
        """Person ``i``'s stages in pipeline order, as far as the engine took them (people
        never matched have no stages after the match)."""
        out = []
        for rec, at in zip(self.records, self._at, strict=True):
            k = int(at[i])
            if k < 0:
                continue
            inputs = {n: _plain(v[k]) for n, v in rec.inputs.items()}
            decl = pipeline.stage(rec.stage)
            out.append(
                Step(
                    decl,
                    inputs,
                    None if rec.probability is None else float(rec.probability[k]),
                    None if rec.draw is None else float(rec.draw[k]),
                    {n: _plain(v[k]) for n, v in rec.outcome.items()},
                    decl.requires is None or bool(inputs[decl.requires]),
                )
            )
        return out

    def outcome(self, i: int) -> dict[str, Any]:
        """Everything decided for person ``i``: every output of every stage they got to."""
        merged: dict[str, Any] = {}
        for s in self.steps(i):
            merged.update(s.outcome)
        return merged
