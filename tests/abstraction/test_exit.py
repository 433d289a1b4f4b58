"""The `lester` entry point leaves without the interpreter's teardown, where pyarrow's threads can
abort a finished command (exit -6); the command's exit code and output must survive that."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

_RUN = textwrap.dedent(
    """
    import atexit, sys
    atexit.register(lambda: print("teardown ran", file=sys.stderr))
    sys.argv = ["lester", *sys.argv[1:]]
    from lester.cli import main
    main()
    """
)


def _entry(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", _RUN, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("args", "code", "shown"),
    [
        (("--help",), 0, "Usage: lester"),
        (("forget", "/nonexistent", "--source", "x", "--where", "a == 1"), 2, "not a saved"),
        (("no-such-command",), 2, "No such command"),
    ],
)
def test_the_command_s_code_and_output_survive_and_teardown_is_skipped(args, code, shown):
    done = _entry(*args)
    assert done.returncode == code, done.stderr
    assert shown in done.stdout + done.stderr
    assert "teardown ran" not in done.stderr
