"""A built wheel carries what the app needs at run time besides Python code: templates,
static files, migrations and rule packs, and every area package (found, not listed)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_carries_templates_static_migrations_and_rule_packs(tmp_path):
    built = subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("safetyops-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    def carries(path: str) -> bool:
        return path in names

    for template in (ROOT / "templates").rglob("*.html"):
        assert carries(f"safetyops/templates/{template.relative_to(ROOT / 'templates')}")
    for static in (ROOT / "static").rglob("*"):
        if static.is_file():
            assert carries(f"safetyops/static/{static.relative_to(ROOT / 'static')}")
    for migration in (ROOT / "migrations" / "versions").glob("*.py"):
        assert carries(f"safetyops/migrations/versions/{migration.name}")
    assert carries("safetyops/migrations/alembic.ini")
    assert carries("safetyops/migrations/env.py")
    packs = list((ROOT / "safetyops" / "compliance" / "rulepacks").glob("*.toml"))
    assert packs and all(carries(f"safetyops/compliance/rulepacks/{p.name}") for p in packs)
    for package in (ROOT / "safetyops").rglob("__init__.py"):
        assert carries(str(package.relative_to(ROOT)))
    # Translations: the .po files, and the .mo and scripts' catalogs the build compiles
    # from them (never committed).
    locales = [p.name for p in (ROOT / "safetyops" / "translations").iterdir() if p.is_dir()]
    assert {"es", "vi"} <= set(locales)
    for locale in locales:
        assert carries(f"safetyops/translations/{locale}/LC_MESSAGES/messages.po")
        assert carries(f"safetyops/translations/{locale}/LC_MESSAGES/messages.mo")
        assert carries(f"safetyops/static/i18n/{locale}.js")
    assert carries("safetyops/static/i18n/en.js")
