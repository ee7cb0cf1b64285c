"""Integration tests of the services (fresh database per test, SQLite and PostgreSQL)."""
