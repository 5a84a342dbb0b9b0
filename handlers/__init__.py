"""The Telegram adapter: parse the update, call a service, render through i18n."""
