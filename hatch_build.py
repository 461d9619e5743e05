"""Build hook: the compiled view, when this machine can build it.

A wheel (``pip install .``, or an editable install) gets the extension
``_clean_reports_view`` compiled from ``src/clean_reports/_view.c`` and the tables
:func:`clean_reports._compiled_view.derive` makes from this Python's Unicode data,
``regex`` and OpenCC, and requires the very ``regex`` and OpenCC it was built with.
Anything that stops it, a missing or failing C compiler first of all, leaves a
pure-Python wheel, which gives the same outputs; the build says why.
``CLEAN_REPORTS_PURE_PYTHON=1`` builds the pure-Python wheel on purpose.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

EXTENSION = "_clean_reports_view"
# What the extension's tables are derived from, besides this Python's Unicode data.
BUILT_WITH = ("regex", "opencc")


class CompiledViewHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        if os.environ.get("CLEAN_REPORTS_PURE_PYTHON", "") not in ("", "0"):
            self.app.display_info(
                "clean-reports: CLEAN_REPORTS_PURE_PYTHON is set: no compiled view"
            )
            return
        self._work = Path(tempfile.mkdtemp(prefix="clean-reports-view-"))
        try:
            built = self._build(self._work)
        except Exception as error:  # no compiler, or no OpenCC tool: the Python view
            self.app.display_warning(
                f"clean-reports: the compiled view was not built ({type(error).__name__}: "
                f"{error}); the pure-Python view, with the same outputs, will be used"
            )
            return
        name = EXTENSION + (sysconfig.get_config_var("EXT_SUFFIX") or ".so")
        key = "force_include_editable" if version == "editable" else "force_include"
        build_data.setdefault(key, {})[str(built)] = name
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        # The extension is used only with the very regex and OpenCC its tables came from:
        # without these pins an environment that kept an older one (pip leaves a
        # dependency that meets the project's own floor) got the Python view however
        # often it reinstalled, and so would a built wheel installed beside a newer one.
        pins = [f"{project}=={importlib.metadata.version(project)}" for project in BUILT_WITH]
        build_data.setdefault("dependencies", []).extend(pins)
        self.app.display_info(f"clean-reports: compiled view built ({name}, for {', '.join(pins)})")

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        work = getattr(self, "_work", None)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)

    def _build(self, work: Path) -> Path:
        root = Path(self.root)
        source = root / "src"
        sys.path.insert(0, str(source))
        try:
            for name in [m for m in sys.modules if m.split(".")[0] == "clean_reports"]:
                del sys.modules[name]
            tables = importlib.import_module("clean_reports._compiled_view")
            if not Path(tables.__file__).is_relative_to(source):
                raise RuntimeError(f"imported {tables.__file__}, not this source tree's")
            view = importlib.import_module("clean_reports.view")
            header = tables.c_source(tables.derive(view))
        finally:
            sys.path.remove(str(source))
        (work / "_view_tables.h").write_text(header, encoding="utf-8")

        from setuptools import Distribution, Extension
        from setuptools.command.build_ext import build_ext

        extension = Extension(
            EXTENSION,
            [str((source / "clean_reports" / "_view.c").relative_to(root))],
            include_dirs=[str(work)],
        )
        distribution = Distribution({"name": "clean-reports", "ext_modules": [extension]})
        command = build_ext(distribution)
        command.build_lib = str(work / "lib")
        command.build_temp = str(work / "temp")
        command.ensure_finalized()
        cwd = Path.cwd()
        os.chdir(root)
        try:
            command.run()
        finally:
            os.chdir(cwd)
        built = Path(command.get_ext_fullpath(EXTENSION))
        if not built.is_absolute():
            built = root / built
        # The compiled view must give the Python view's views, or it is not shipped.
        spec = importlib.util.spec_from_file_location(EXTENSION, built)
        if spec is None or spec.loader is None:
            raise RuntimeError(f"cannot load {built}")
        native = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(native)
        sys.path.insert(0, str(source))
        try:
            difference = tables.self_check(native, view)
        finally:
            sys.path.remove(str(source))
        if difference is not None:
            raise RuntimeError(f"it differs from view.py's view, for instance on {difference}")
        return built
