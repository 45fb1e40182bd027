#!/usr/bin/env bash
# Runs every test against a real local PostgreSQL + pgvector (provisioned on first use), in a
# database of its own that starts empty on every run.
# Extra arguments go to Maven, e.g. deploy/local/test.sh -Dtest=QuickStartTest
set -euo pipefail
cd "$(dirname "$0")/../.."
export LIGHTMEM_PG_DB=${LIGHTMEM_PG_DB:-lightmem_test}
bash deploy/local/postgres.sh fresh
# The MCP end-to-end test (McpSdkTest) drives the service with the official MCP SDK, a Node.js package.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "test.sh: installing nodejs and npm (Debian packages) for the MCP SDK test"
  sudo=(); [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends nodejs npm; } ||
    echo "test.sh: could not install nodejs and npm; McpSdkTest will fail"
fi
eval "$(bash deploy/local/postgres.sh env)"
exec ./mvnw -B verify "$@"
