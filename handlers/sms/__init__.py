"""The SMS adapter: texts in and out through a Kannel gateway."""
