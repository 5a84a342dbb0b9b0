"""Mobility aids: the catalogue, who may get what, funders and proofs (no Telegram)."""
