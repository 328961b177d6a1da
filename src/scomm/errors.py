"""User-facing errors: bad input exits 2 with one line naming the culprit."""


class UserError(Exception):
    """Invalid input from the user (a flag, a file, a scenario, a record).

    The message names the file, field or value at fault and what was expected.
    The CLI prints it as one ``scomm: error:`` line and exits with status 2.
    """
