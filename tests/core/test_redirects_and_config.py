"""Open-redirect guard and the production config refusal, without an app."""

import pytest

from safetyops.config import DEFAULT_SECRET_KEY, ConfigError, check_production_config
from safetyops.core.redirects import is_local_path


@pytest.mark.parametrize("target", ["/", "/campuses/AVE", "/admin/users?page=2"])
def test_local_paths_are_allowed(target):
    assert is_local_path(target)


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "http://evil.example/",
        "https://evil.example",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example/path",
        "/\tevil",
        "///evil.example",
    ],
)
def test_other_targets_are_refused(target):
    assert not is_local_path(target)


@pytest.mark.parametrize("key", [None, "", DEFAULT_SECRET_KEY, "short-key"])
def test_production_refuses_weak_secret_keys(key):
    with pytest.raises(ConfigError):
        check_production_config({"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "postgresql://x"})


def test_production_needs_a_database_and_accepts_a_strong_key():
    strong = "x" * 48
    with pytest.raises(ConfigError):
        check_production_config({"SECRET_KEY": strong, "SQLALCHEMY_DATABASE_URI": None})
    check_production_config({"SECRET_KEY": strong, "SQLALCHEMY_DATABASE_URI": "postgresql://x"})
