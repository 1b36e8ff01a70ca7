"""What the meetings have recorded about each of the MOU's areas, read across meetings, as the reader may see it."""

from __future__ import annotations
