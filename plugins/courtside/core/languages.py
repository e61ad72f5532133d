"""The languages with built-in labels and sentences (one gettext catalog each): a list
read by the validation, the command's `--language` and the renderers alike."""

LANGUAGES = ("en", "es", "ru", "ar")
RIGHT_TO_LEFT = frozenset({"ar"})
