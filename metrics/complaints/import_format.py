"""The complaint register's import format by name, apart from its reader
(metrics/complaints/imports.py), so that the command line can offer it without loading it."""

from __future__ import annotations

from typing import Literal

ComplaintsFormat = Literal["complaints"]
COMPLAINTS_FORMAT: ComplaintsFormat = "complaints"
COMPLAINTS_TITLE = "complaint register (CSV or Parquet)"
