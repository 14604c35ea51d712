"""Personal API tokens: created once, stored only as a hash, scoped, expiring, revocable."""
