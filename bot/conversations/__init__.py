"""Conversations that belong to Mobilot: declared once here as steps, run by the engine,
rendered by each channel (Telegram, and later SMS) its own way."""
