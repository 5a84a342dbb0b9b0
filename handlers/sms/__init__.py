"""The SMS adapter: texts in and out through the Kannel gateway."""
