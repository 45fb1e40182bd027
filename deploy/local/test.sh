#!/usr/bin/env bash
# Runs every test against a real local PostgreSQL + pgvector (provisioned on first use), in a
# database of its own that starts empty on every run.
# Extra arguments go to Maven, e.g. deploy/local/test.sh -Dtest=QuickStartTest
set -euo pipefail
cd "$(dirname "$0")/../.."
export LIGHTMEM_PG_DB=${LIGHTMEM_PG_DB:-lightmem_test}
bash deploy/local/postgres.sh fresh
eval "$(bash deploy/local/postgres.sh env)"
exec ./mvnw -B verify "$@"
