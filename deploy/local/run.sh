#!/usr/bin/env bash
# Builds and starts the service on its embedded defaults: the local PostgreSQL + pgvector cluster
# (provisioned on first use), the in-process all-MiniLM-L6-v2 embedder and, unless an LLM is
# configured (lightmem.memory-manager.*), the `none` memory manager. gRPC on :9000, HTTP on :8080.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/local/postgres.sh up
eval "$(bash deploy/local/postgres.sh env)"
./mvnw -B -q package -DskipTests
exec java ${JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar
