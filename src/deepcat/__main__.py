"""``python -m deepcat``: the same command as the ``deepcat`` console script."""

from deepcat.cli import main

if __name__ == "__main__":
    main()
