"""One root exception; specific children. Messages never carry secrets."""


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
