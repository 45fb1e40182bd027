#!/usr/bin/env bash
# Runs every test against a real local PostgreSQL + pgvector (provisioned on first use).
# Extra arguments go to Maven, e.g. deploy/local/test.sh -Dtest=QuickStartTest
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/local/postgres.sh up
eval "$(bash deploy/local/postgres.sh env)"
exec ./mvnw -B verify "$@"
