"""Entry point: `python main.py COMMAND` (see `python main.py --help`)."""

import logging
import os
import sys

from automation.cli import main


def exit_now(code: int) -> None:
    """End the one-shot process without tearing its heap down object by object.

    After a run over 100,000s of rows the interpreter's own clean-up at exit (freeing every
    module's objects, a last collection) took longer than some stages: at 1,000,000 responses
    about 50 s. Everything the command promised is done by now; what is buffered is flushed
    (logs, stdout, stderr) and the process ends. Only here, in the command-line entry: code
    that calls automation.cli.main in-process (tests, the scheduler) returns normally."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (output into `head`) is not an error
            pass
    os._exit(code)


if __name__ == "__main__":
    code = main()
    exit_now(code if isinstance(code, int) else 0 if code is None else 1)
