"""Format overrides (settings.FORMAT_MODULE_PATH); each module only names what it changes and
Django falls back to its own locale formats for the rest."""
