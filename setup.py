"""Package discovery: every ``safetyops`` package is found by setuptools (no hand-kept list);
the top-level templates/, static/ and migrations/ folders are mapped into the wheel as
safetyops/templates, safetyops/static and safetyops/migrations. Metadata is in pyproject.toml.

Building also compiles the translations (.po -> .mo, and static/i18n/<locale>.js for the
browser) into the wheel: they are build products, never committed."""

import importlib.util
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

RESOURCE_DIRS = {
    "safetyops.templates": "templates",
    "safetyops.static": "static",
    "safetyops.migrations": "migrations",
}
HERE = Path(__file__).resolve().parent


class BuildWithCatalogs(build_py):
    def run(self):
        super().run()
        # By file path: importing the safetyops package would need Flask at build time.
        spec = importlib.util.spec_from_file_location(
            "safetyops_catalogs", HERE / "safetyops" / "core" / "catalogs.py"
        )
        catalogs = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(catalogs)
        package = Path(self.build_lib) / "safetyops"
        catalogs.compile_all(
            HERE / "safetyops" / "translations",
            js_dir=package / "static" / "i18n",
            mo_dir=package / "translations",
        )


setup(
    packages=find_packages(include=["safetyops", "safetyops.*"]) + list(RESOURCE_DIRS),
    package_dir=RESOURCE_DIRS,
    cmdclass={"build_py": BuildWithCatalogs},
)
