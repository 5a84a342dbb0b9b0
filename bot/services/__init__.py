"""Use cases: plain values in, plain results out (what happened, what to tell whom)."""
