"""Build hook: compile the translation catalogues into the wheel.

The compiled `.mo` files are not committed; without this hook a wheel built from a fresh
checkout would carry only the `.po` sources and show every page in English.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

CATALOGUES = "portal/translations"


class CompileCatalogues(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":  # a checkout compiles its own (make translations)
            return
        self._out = tempfile.TemporaryDirectory()
        for source in sorted(Path(self.root, CATALOGUES).glob("*/LC_MESSAGES/*.po")):
            relative = source.relative_to(self.root).with_suffix(".mo")
            target = Path(self._out.name, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            with source.open("rb") as po, target.open("wb") as mo:
                # Like `pybabel compile`: fuzzy entries stay out.
                write_mo(mo, read_po(po, locale=source.parent.parent.name))
            build_data["force_include"][str(target)] = relative.as_posix()

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if version != "editable":
            self._out.cleanup()
