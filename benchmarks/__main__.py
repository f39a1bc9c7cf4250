"""``python -m benchmarks run …`` (the harness) and ``python -m benchmarks evaluate SNAPSHOT`` (one of its steps)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "evaluate":
        from benchmarks.evaluation import main as evaluate

        return evaluate(args[1:])
    if args and args[0] == "parsing":
        from benchmarks.parsing import main as parsing

        return parsing(args[1:])
    if args and args[0] == "run":
        args = args[1:]
    from benchmarks.harness import main as run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
