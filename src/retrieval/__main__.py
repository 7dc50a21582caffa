"""``python -m retrieval``."""

from .cli import main

raise SystemExit(main())
