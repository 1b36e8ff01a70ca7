"""What the build adds to the package beyond its Python modules and package data (pyproject.toml has the rest).

JCM reads at run time its templates and migrations, which live at the top of the source tree (`templates/`,
`migrations/`), and the compiled translations (`messages.mo`), which are not kept in version control. A wheel must
carry all three, so the build copies the two folders into the package (as `jcm/templates` and `jcm/migrations`, where
`jcm.bundled_folder` finds them) and compiles each catalog next to its `.po`. An editable install copies nothing: the
app finds the folders beside the package, and the catalogs are compiled in place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
FOLDERS = ("templates", "migrations")  # top-level folders the package reads at run time


def compile_catalogs(source: Path, target: Path) -> list[str]:
    """Compile every `<lang>/LC_MESSAGES/messages.po` under source into a `messages.mo` at the same place under
    target; return the files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as stream:
            catalog = read_po(stream)
        with mo.open("wb") as stream:
            write_mo(stream, catalog)
        written.append(str(mo))
    return written


class BuildWithResources(build_py):
    """build_py, plus the top-level folders copied into the package and the catalogs compiled."""

    def run(self) -> None:
        super().run()
        self._added = []
        translations = ROOT / "jcm" / "translations"
        if getattr(self, "editable_mode", False):
            compile_catalogs(translations, translations)
            return
        package = Path(self.build_lib) / "jcm"
        for name in FOLDERS:
            target = package / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            self._added += [str(path) for path in sorted(target.rglob("*")) if path.is_file()]
        self._added += compile_catalogs(translations, package / "translations")

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return super().get_outputs(include_bytecode) + getattr(self, "_added", [])


setup(cmdclass={"build_py": BuildWithResources})
