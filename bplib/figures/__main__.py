"""python -m bplib.figures [--out DIR] [NAME ...]: regenerate the course's figures."""

import sys

from .registry import main

sys.exit(main())
