"""The contact file formats by name, apart from their readers (metrics/contacts/formats.py), so
that the command line can offer them without loading the readers first."""

from __future__ import annotations

from typing import Literal

Format = Literal["generic", "zendesk", "freshdesk", "asterisk"]
FORMATS: tuple[Format, ...] = ("generic", "zendesk", "freshdesk", "asterisk")
FORMAT_TITLES: dict[Format, str] = {
    "generic": "generic contacts file (CSV or Parquet)",
    "zendesk": "Zendesk ticket export",
    "freshdesk": "Freshdesk ticket export",
    "asterisk": "Asterisk queue_log",
}
