"""The registry of import kinds. A KindSpec says which fields a kind reads (with synonyms and
required flags and the parser of each), how rows are checked and normalised as a DataFrame, and
how the clean rows are written. Each app registers its kinds from its AppConfig.ready() (the
built-in ones: CreatorsConfig); see the package docstring."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd


@dataclass(frozen=True)
class FieldSpec:
    name: str
    parser: Callable[[object], object] | None = None
    required: bool = False
    synonyms: tuple[str, ...] = ()
    help: str = ""
    # What its values look like (a content.VALUE_KINDS kind); "" = as its parser says.
    content: str = ""


@dataclass
class Rejection:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class ApplyResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    creator_ids: set[int] = field(default_factory=set)


@dataclass
class ImportContext:
    """What a kind's hooks may read: the job's platform, scope (e.g. campaign id) and user."""

    platform: str = ""
    scope: dict = field(default_factory=dict)
    user_id: int | None = None


class ChunkWriter(Protocol):
    """Writes a kind's rows chunk by chunk while the rest of the file is still being read, so
    parsing (in Python) and writing (in the database's own process) overlap.

    check(frame) -> (frame, [Rejection]): what validate does, for one parsed chunk, called in file
      order; it keeps what it needs across chunks (e.g. the keys seen, to reject duplicates).
    prepare(frame) -> payload: the Python work of writing clean rows (e.g. COPY text), done on the
      reading thread.
    write(payload): runs on a thread of its own, on that thread's database connection, inside
      the import's single transaction; only the database work.
    result() -> ApplyResult: after the last write, in the same transaction.
    """

    def check(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Rejection]]: ...

    def prepare(self, frame: pd.DataFrame) -> object: ...

    def write(self, payload: object) -> None: ...

    def result(self) -> ApplyResult: ...


@dataclass(frozen=True)
class KindSpec:
    """One import kind.

    reshape(raw_chunk, headers) -> raw_chunk: optional, turns another layout into the mapped
      columns before parsing (audience wide -> long).
    validate(frame, ctx) -> (frame, [Rejection]): row checks over the parsed frame (the index is
      the file row number), may read the database (resolve handles), never writes.
    apply(frame, ctx) -> ApplyResult: writes the clean rows inside the import's transaction,
      set-based (no per-row ORM saves), counting created/updated/unchanged.
    chunk_writer(ctx) -> ChunkWriter | None: optional, the same checks and writes chunk by chunk
      (None where the kind cannot for this job); the result must equal validate+apply.
    skip_invalid_offered: whether the pages importing this kind offer "skip invalid rows" (a
      failed job's message suggests it only then).
    writes: the models whose tables the kind writes, ANALYZEd after a bulk import
      (settings.IMPORT_ANALYZE_MIN_ROWS).
    """

    name: str
    label: str
    fields: tuple[FieldSpec, ...]
    validate: Callable[[pd.DataFrame, ImportContext], tuple[pd.DataFrame, list[Rejection]]]
    apply: Callable[[pd.DataFrame, ImportContext], ApplyResult]
    reshape: Callable[[pd.DataFrame, dict[str, str]], pd.DataFrame] | None = None
    detect_extra: Callable[[list[str]], dict[str, str]] | None = None
    chunk_writer: Callable[[ImportContext], ChunkWriter | None] | None = None
    skip_invalid_offered: bool = True
    writes: tuple[type, ...] = ()

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


_KINDS: dict[str, KindSpec] = {}


def register(spec: KindSpec) -> KindSpec:
    _KINDS[spec.name] = spec
    return spec


def get_kind(name: str) -> KindSpec:
    try:
        return _KINDS[name]
    except KeyError:
        raise ValueError(
            f"Unknown import kind {name!r}; known: {', '.join(sorted(_KINDS))}"
        ) from None


def kinds() -> dict[str, KindSpec]:
    return dict(_KINDS)
