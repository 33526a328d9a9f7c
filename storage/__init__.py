"""Storage: SQLAlchemy 2 models, engine and sessions. Stores; decides nothing."""
