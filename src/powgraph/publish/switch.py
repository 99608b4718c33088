"""The one way something new becomes visible: a symlink renamed over the old one (an atomic
step), then the directory fsynced. Builds switch ``build/current``, releases ``releases/latest``;
a failure before the rename leaves the previous target served."""

from __future__ import annotations

import os
from pathlib import Path


def switch(directory: Path, name: str, target: str) -> None:
    """Point ``directory/name`` at ``target`` (a sibling), atomically."""
    link = directory / f".{name}-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(target)
    os.replace(link, directory / name)
    fsync_dir(directory)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
