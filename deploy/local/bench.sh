#!/usr/bin/env bash
# Runs the on-demand benchmarks of BENCHMARKS.md against a freshly built LightMem.
# Usage: deploy/local/bench.sh [locomo|longmemeval|scale|embed|all] [--key=value ...]   (see io.lightmem.bench.Bench)
# Uses its own database (LIGHTMEM_PG_DB, default lightmem_retrieval_bench) so bulk data never slows the test
# database, and its own ports (gRPC 9100, HTTP 8180) so it does not clash with a running dev instance.
set -euo pipefail
cd "$(dirname "$0")/../.."
export LIGHTMEM_PG_DB=${LIGHTMEM_PG_DB:-lightmem_retrieval_bench}
bash deploy/local/postgres.sh up
eval "$(bash deploy/local/postgres.sh env)"
GRPC_PORT=${BENCH_GRPC_PORT:-9100}
# SKIP_BUILD=1 reuses target/quarkus-app (e.g. a second run in parallel on other ports).
[[ -n ${SKIP_BUILD:-} ]] || ./mvnw -B -q ${MVN_OFFLINE:+-o} -DskipTests package
mkdir -p target/bench
QUARKUS_GRPC_SERVER_PORT=$GRPC_PORT QUARKUS_HTTP_PORT=${BENCH_HTTP_PORT:-8180} \
  java -jar target/quarkus-app/quarkus-run.jar >target/bench/server-$GRPC_PORT.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  grep -q "Listening on\|started in" target/bench/server-$GRPC_PORT.log 2>/dev/null && break
  kill -0 $SERVER 2>/dev/null || { tail -n 30 target/bench/server-$GRPC_PORT.log; exit 1; }
  sleep 1
done
# exec:java only (no test-compile) when skipping the build, so parallel runs never compile into one target/.
./mvnw -B -q ${MVN_OFFLINE:+-o} -Pbench ${SKIP_BUILD:+-Dmaven.main.skip -Dmaven.test.skip.exec} $([[ -n ${SKIP_BUILD:-} ]] || echo test-compile) exec:java \
  -Dexec.args="${*:-all} --target=127.0.0.1:$GRPC_PORT"
