"""The one error type for values a user gave that the science cannot use."""


class InvalidSetting(ValueError):
    """A value a user gave that the science cannot use. `field` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
