"""One root exception; specific children. Messages never carry secrets."""

SHOWN_MAX = 40


def shown(value, limit: int = SHOWN_MAX) -> str:
    """A user-given value as an error message may quote it: repr, cut to a short prefix.

    >>> shown("abc")
    "'abc'"
    >>> shown("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (100 characters)"
    """
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}"[:-1] + f"...' ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= limit + 2 else text[:limit] + "..."


class GrectlError(Exception):
    """Root of every error grectl raises on purpose."""


class InventoryError(GrectlError):
    """The inventory or intent is invalid. ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class LabError(GrectlError):
    """The lab could not be built, reached or torn down."""


class DeviceError(GrectlError):
    """A device could not be reached or refused a change."""
