"""``python -m alsodds``: the same command line as the ``alsodds`` script."""

from alsodds.cli import main

if __name__ == "__main__":
    main()
