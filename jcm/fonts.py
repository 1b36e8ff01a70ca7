"""Finding a font that covers Hangul, so Korean names never print as empty boxes."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

INSTALL_HINT = "Install one, e.g. `apt-get install fonts-nanum` (`make run` does this)."


@lru_cache(maxsize=1)
def hangul_fonts() -> tuple[str, ...]:
    """The font families fontconfig knows that cover Korean, as the PDF renderer will find them."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    try:
        result = subprocess.run([fc_list, ":lang=ko", "family"], capture_output=True, text=True, timeout=20,
                                check=False)
    except (OSError, subprocess.SubprocessError):
        return ()
    families = {line.split(",")[0].strip() for line in result.stdout.splitlines() if line.strip()}
    return tuple(sorted(families))


def hangul_font_report() -> tuple[bool, str]:
    fonts = hangul_fonts()
    if fonts:
        return True, f"Hangul font: {', '.join(fonts[:3])}."
    return False, f"No font with Hangul was found: Korean text in documents would print as empty boxes. {INSTALL_HINT}"
