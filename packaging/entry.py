"""Entry script of the frozen app (PyInstaller): the same CLI as `salesmind-desktop`.

With no arguments the desktop app starts; `doctor`, `selftest`, `analyze`, ... work as in a
checkout. Kept tiny on purpose: everything lives in the `salesmind_desktop` package.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen app re-executes itself for child processes
    from salesmind_desktop.cli import main

    sys.exit(main())
