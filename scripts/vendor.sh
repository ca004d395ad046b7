#!/usr/bin/env bash
# Vendors third-party browser files into static/vendor/ (no CDN at run time).
# Repeatable: `make vendor` fetches the pinned npm package and copies only what the pages use.
set -euo pipefail
cd "$(dirname "$0")/.."
SWAGGER_UI_VERSION="5.35.0"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "swagger-ui-dist@${SWAGGER_UI_VERSION}" --silent >/dev/null && tar xzf swagger-ui-dist-*.tgz)
target=static/vendor/swagger-ui
rm -rf "$target" && mkdir -p "$target"
for file in swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE; do
  cp "$work/package/$file" "$target/"
done
echo "swagger-ui-dist ${SWAGGER_UI_VERSION}" > "$target/VERSION"
echo "vendored swagger-ui-dist ${SWAGGER_UI_VERSION} into $target"
