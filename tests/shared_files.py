"""Files the tests read from ``../shared`` beside the checkout (evaluation sets, the seed
article). They are not part of the repository: in CI (``CI=true``) a missing one fails the
run; elsewhere the test is skipped with a reason naming the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_file(relative: str, override: str | None = None) -> Path:
    """The path of ``../shared/<relative>`` (or of the environment variable ``override`` when
    set), failing in CI and skipping elsewhere when there is no such file."""
    overridden = bool(override and os.environ.get(override))
    path = Path(os.environ[override]) if overridden else SHARED / relative
    if not path.is_file():
        where = f"set by {override}" if overridden else f"../shared/{relative} beside the checkout"
        reason = f"{path} not found ({where})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return path
