"""Storage every package shares: the Redis connection (``connection``), the key prefix and schema
version under which each package declares its keys (``keys``), short leases (``leases``) and the
migration runner (``migrations``)."""
