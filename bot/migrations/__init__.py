"""Alembic migrations for the happytalk database (applied at start-up by ``bot.store``)."""
