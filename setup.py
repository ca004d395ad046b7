"""Package discovery: every ``safetyops`` package is found by setuptools (no hand-kept list);
the top-level templates/, static/ and migrations/ folders are mapped into the wheel as
safetyops/templates, safetyops/static and safetyops/migrations. Metadata is in pyproject.toml."""

from setuptools import find_packages, setup

RESOURCE_DIRS = {
    "safetyops.templates": "templates",
    "safetyops.static": "static",
    "safetyops.migrations": "migrations",
}

setup(
    packages=find_packages(include=["safetyops", "safetyops.*"]) + list(RESOURCE_DIRS),
    package_dir=RESOURCE_DIRS,
)
