from __future__ import annotations

from pathlib import Path

import pytest

from modules.content import TrainingModule, load_modules
from modules.policy import load_policy
from tests.modules.test_content import VALID_MODULE, write_module


@pytest.fixture
def tiny(tmp_path: Path) -> TrainingModule:
    """The small module of test_content.py, every step kind once, loaded with the policy."""
    write_module(tmp_path / "content", VALID_MODULE)
    return load_modules(load_policy().policy, tmp_path / "content")[0].module
