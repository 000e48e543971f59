"""Pieces of the Telegram adapter: buttons, rendering, update handlers, network retries."""
