"""What a proof may be: a JPEG, PNG or PDF file, told by its first bytes, never its name."""

from __future__ import annotations

from bot.aids.model import MAX_PROOF_BYTES, ProofKind

_MAGIC = (
    (b"\xff\xd8\xff", ProofKind.JPEG),
    (b"\x89PNG\r\n\x1a\n", ProofKind.PNG),
    (b"%PDF-", ProofKind.PDF),
)


def kind_of(content: bytes) -> ProofKind | None:
    """The kind of file these bytes begin, or None for anything else (a program, a zip…)."""
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    return None


def too_big(size: int | None) -> bool:
    return size is not None and size > MAX_PROOF_BYTES
