"""The catalogs are complete: every string wrapped in the Python code, the templates and the
browser's scripts (extracted afresh, as `make messages` does) is in each locale's catalog,
translated, not fuzzy, with the same placeholders; and they compile (.mo and the scripts'
static/i18n/<locale>.js)."""

from __future__ import annotations

import json
import re

import pytest
from babel.messages.pofile import read_po

from safetyops.core import catalogs

PLACEHOLDER = re.compile(r"%\(\w+\)[sdifg]|\{\w*\}")
LOCALES = catalogs.locales()


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = catalogs.extract(tmp_path_factory.mktemp("pot") / "messages.pot")
    with pot.open("rb") as handle:
        return read_po(handle)


def _catalog(locale):
    path = catalogs.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _key(message):
    return message.id if isinstance(message.id, str) else message.id[0]


def test_spanish_and_vietnamese_have_catalogs():
    assert {"es", "vi"} <= set(LOCALES)


def test_extraction_finds_python_templates_and_scripts(extracted):
    places = {path.split("/")[0] for m in extracted for path, _ in m.locations}
    assert {"safetyops", "templates", "static"} <= places, places
    assert extracted.get("Sign in to SafetyOps") is not None  # a template
    assert extracted.get("Unknown campus.") is not None  # Python


def problems(extracted, catalog) -> dict[str, list[str]]:
    """What keeps ``catalog`` from covering the ``extracted`` strings."""
    found: dict[str, list[str]] = {"missing": [], "untranslated": [], "fuzzy": []}
    for message in extracted:
        if not message.id:
            continue
        entry = catalog.get(message.id)
        if entry is None:
            found["missing"].append(_key(message))
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings):
            found["untranslated"].append(_key(message))
        if entry.fuzzy:
            found["fuzzy"].append(_key(message))
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_is_translated(extracted, locale):
    found = problems(extracted, _catalog(locale))
    hint = "run `make messages`, then translate (see safetyops/translations/GLOSSARY.md)"
    for kind, ids in found.items():
        assert not ids, f"{len(ids)} strings {kind} in {locale} ({hint}): {ids[:20]}"


def test_the_check_catches_missing_untranslated_and_fuzzy(extracted):
    from babel.messages.catalog import Catalog

    ids = [m.id for m in extracted if m.id and isinstance(m.id, str)][:3]
    catalog = Catalog(locale="es")
    catalog.add(ids[0], "traducido")
    catalog.add(ids[1], "")
    catalog.add(ids[2], "dudoso", flags=["fuzzy"])
    found = problems(
        [m for m in extracted if m.id in ids[:3]] + [extracted.get("Sign in")], catalog
    )
    assert found == {"missing": ["Sign in"], "untranslated": [ids[1]], "fuzzy": [ids[2]]}


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_are_kept(locale):
    wrong = []
    for message in _catalog(locale):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for text in strings:
            found = set(PLACEHOLDER.findall(text))
            # A plural form may leave the count out ("Quedan días" is still a sentence),
            # but nothing may be renamed or invented.
            if found - expected or (expected - {"%(num)d"}) - found:
                wrong.append((_key(message), text))
    assert not wrong, wrong[:10]


def test_the_placeholder_check_catches_a_renamed_placeholder():
    expected = set(PLACEHOLDER.findall("Edit %(name)s"))
    assert set(PLACEHOLDER.findall("Editar a %(nombre)s")) != expected
    assert set(PLACEHOLDER.findall("Editar a %(name)s")) == expected


def test_compiled_catalogs_and_the_scripts_catalog(tmp_path):
    written = catalogs.compile_all(js_dir=tmp_path / "js", mo_dir=tmp_path / "mo")
    for locale in LOCALES:
        assert (tmp_path / "mo" / locale / "LC_MESSAGES" / "messages.mo").stat().st_size > 1000
    assert tmp_path / "js" / "en.js" in written
    es = (tmp_path / "js" / "es.js").read_text(encoding="utf-8")
    assert es.startswith("// Generated")
    strings = json.loads(es.split("window.SAFETYOPS_CATALOG = ", 1)[1].rstrip().rstrip(";"))
    # Only what the scripts use: a script string is in, a template-only string is not.
    script_ids = {
        _key(m) for m in _catalog("es") if any(p.startswith("static/") for p, _ in m.locations)
    }
    assert script_ids and set(strings) == script_ids
    assert "Sign in to SafetyOps" not in strings
