"""Mobilot: covoiturage solidaire through a chat bot.

The core lives here: settings, domain models, places, use cases. Only the assembly
(`bot.app`) and the command-line entry (`bot.__main__`) import `telegram`.
"""
