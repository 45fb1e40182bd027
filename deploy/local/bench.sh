#!/usr/bin/env bash
# Runs the on-demand benchmarks of BENCHMARKS.md against a freshly built LightMem.
# Usage: deploy/local/bench.sh [dev|compare|ablation|thresholds|padding|periods|latency|load|locomo|longmemeval|scale|embed|construction|consolidation|auth|native|all] [--key=value ...]
#   (options: see io.lightmem.bench.Bench; construction and consolidation take none, auth "calls rounds"; native: NativeStartBench)
# `dev` judges retrieval on the three development sets at once (BENCHMARKS.md, "Retrieval that generalizes"):
# LoCoMo dev and REALTALK dev turns, LongMemEval-S dev with messages-use=hybrid, each beside the naive
# LangChain4j baseline, then one comparison table (dev.md); the service's settings come from the environment,
# e.g. LIGHTMEM_TEXT_EMBEDDER_MODEL=bge-small-en-v15 deploy/local/bench.sh dev --out=target/bench/bge.
# It then runs the ablation (function ablation below; ABLATION=0 skips it): LoCoMo and REALTALK again with each
# lever alone, the other model (ABLATION_MODEL, default all-minilm-l6-v2, in the database ${LIGHTMEM_PG_DB}_<model>)
# alone and with both boosts, and the old default (MiniLM, name in the text), results in --out/ablation/<row>/,
# and writes ablation.md.
# `compare` and `ablation` alone rewrite dev.md / ablation.md from the results already in --out. `thresholds`
# measures where each built-in model puts LightMem's similarity thresholds (io.lightmem.bench.ThresholdCalibration;
# no service; --sample-questions=4 took 6-23 min per model on 2 busy cores).
# LongMemEval-S under messages-use=hybrid embeds every assistant answer (minutes per question on 2 busy
# cores): --sample-questions=12 scores 2 questions of each type; results are written after every question.
# `all` reproduces every table of BENCHMARKS.md, one step after the other (about 1.5-2 h on 2 cores):
# embed, locomo (service defaults, with the LangChain4j baseline), locomo turns with the service's
# verbatim-speaker off, longmemeval (all questions), scale (10k through AddMemory, 100k replicated),
# construction and consolidation (each in a database of its own, starting their own services).
# Uses its own database (LIGHTMEM_PG_DB, default lightmem_retrieval_bench) so bulk data never slows the test
# database, and its own ports (gRPC 9100, HTTP 8180) so it does not clash with a running dev instance.
# Environment passed on to the service (e.g. LIGHTMEM_CONTEXT_RETRIEVER_MAX_CANDIDATES=...) changes what is
# measured; the JSON results record the service's configuration where it matters.
set -euo pipefail
cd "$(dirname "$0")/../.."
export LIGHTMEM_PG_DB=${LIGHTMEM_PG_DB:-lightmem_retrieval_bench}
COMMAND=${1:-all}
[[ $# -gt 0 ]] && shift
# Results and the service's log go to --out (default target/bench).
OUT=target/bench
for arg in "$@"; do [[ $arg == --out=* ]] && OUT=${arg#--out=}; done
GRPC_PORT=${BENCH_GRPC_PORT:-9100}
HTTP_PORT=${BENCH_HTTP_PORT:-8180}
MVN=(./mvnw -B -q ${MVN_OFFLINE:+-o})
SERVER=

stop_server() {
  [[ -n $SERVER ]] || return 0
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  SERVER=
}
trap stop_server EXIT

# The service authenticates, as in production: it starts with this bootstrap key, which the client
# (io.lightmem.bench.ServiceClient) sends; the per-credential rate limit is off, since the benchmarks
# measure the service, not the limiter (BENCHMARKS.md, Authentication, measures what authenticating costs).
export LIGHTMEM_KEY=${LIGHTMEM_KEY:-bench-$(head -c 24 /dev/urandom | base64 | tr -d '=+/\n')}

# start_server [NAME=VALUE ...]: the packaged app on the bench ports, with extra environment.
start_server() {
  bash deploy/local/postgres.sh up
  eval "$(bash deploy/local/postgres.sh env)"
  mkdir -p "$OUT"
  local log=$OUT/server-$GRPC_PORT-$(date -u +%Y%m%dT%H%M%S).log
  echo "bench.sh: service log $log" >&2
  env "$@" QUARKUS_GRPC_SERVER_PORT=$GRPC_PORT QUARKUS_HTTP_PORT=$HTTP_PORT LIGHTMEM_AUTH_BOOTSTRAP_KEY=$LIGHTMEM_KEY \
    LIGHTMEM_AUTH_RATE_LIMIT_REQUESTS_PER_SECOND=0 \
    java -jar target/quarkus-app/quarkus-run.jar >"$log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 600); do
    grep -q "Listening on\|started in" "$log" 2>/dev/null && return 0
    kill -0 "$SERVER" 2>/dev/null || { tail -n 30 "$log"; exit 1; }
    sleep 1
  done
  echo "the service did not start within 600 s, see $log" >&2
  exit 1
}

# client ARGS...: the benchmark client (io.lightmem.bench.Bench) against the running service.
client() {
  "${MVN[@]}" -Pbench exec:java -Dexec.args="$* --target=127.0.0.1:$GRPC_PORT --server-pid=$SERVER --metrics=http://127.0.0.1:$HTTP_PORT/q/metrics"
}

# served [NAME=VALUE ...] -- ARGS...: one client run against a service started for it.
served() {
  local settings=()
  while [[ $1 != -- ]]; do settings+=("$1"); shift; done
  shift
  start_server "${settings[@]}"
  client "$@"
  stop_server
}

# ablation_row NAME [NAME=VALUE ...] -- ARGS...: LoCoMo and REALTALK dev turns, without the baseline (it does
# not depend on the service), against one service with these settings; results and log in $OUT/ablation/NAME.
ablation_row() {
  local row=$1 settings=()
  shift
  while [[ $1 != -- ]]; do settings+=("$1"); shift; done
  shift
  local OUT=$OUT/ablation/$row # start_server writes the service log here too
  start_server "${settings[@]}"
  client locomo --modes=turns --fusion-sweep=false "$@" --baseline=false --out="$OUT"
  client locomo --file=../shared/data/realtalk/realtalk-dev.json --name=realtalk --modes=turns \
    --fusion-sweep=false "$@" --baseline=false --out="$OUT"
  stop_server
  uptime
}

# ablation ARGS...: the rows of dev's ablation table beside its comparison run, which is the row "both boosts"
# (the service's settings) and is not run again. A row turns levers off (0) or changes the model; everything
# else is what the comparison ran with. Boosts are query-side, but every row ingests again (~20 s LoCoMo,
# ~20 s REALTALK when quiet): simpler than carrying provenance across services. Another model needs a
# database of its own (EmbeddingModelGuard). LongMemEval-S gets the model lever only (the boosts cannot change
# it: no speaker names, no dated questions), with the comparison's arguments (e.g. --sample-questions=12).
# Cost (2026-12-06, --sample-questions=12, 2 cores under load average 7.7-9.2 from others' builds, not quiet):
# the six LoCoMo + REALTALK rows took 29 min (4.5-5.1 min each) and the model's LongMemEval sample takes about
# what the comparison's took (15.5 min there), against ~26 min for dev's comparison in the same run. Ingest ran
# 3.5-4x slower than in a quiet run (LoCoMo 67-83 s against 21 s), so on a quiet machine expect roughly
# 12-15 min in all, about twice dev's 7 min (an estimate: not measured quiet).
ablation() {
  local model=${ABLATION_MODEL:-all-minilm-l6-v2}
  local off=(LIGHTMEM_EMBEDDING_RETRIEVER_SPEAKER_BOOST=0 LIGHTMEM_EMBEDDING_RETRIEVER_TIME_BOOST=0)
  ablation_row none "${off[@]}" -- "$@"
  ablation_row speaker-boost LIGHTMEM_EMBEDDING_RETRIEVER_TIME_BOOST=0 -- "$@"
  ablation_row time-boost LIGHTMEM_EMBEDDING_RETRIEVER_SPEAKER_BOOST=0 -- "$@"
  ablation_old_default "${off[@]}" -- "$@"
  ablation_model "$model" "${off[@]}" -- "$@"
  client ablation "$@" --out="$OUT"
}

# ablation_model MODEL LEVERS_OFF... -- ARGS...: the model's rows, in a database of its own named after it.
ablation_model() {
  local model=$1 off=()
  shift
  while [[ $1 != -- ]]; do off+=("$1"); shift; done
  shift
  local LIGHTMEM_PG_DB=${LIGHTMEM_PG_DB}_${model//-/_} # stays exported, for this function only
  ablation_row model LIGHTMEM_TEXT_EMBEDDER_MODEL="$model" "${off[@]}" -- "$@"
  ablation_row model-both-boosts LIGHTMEM_TEXT_EMBEDDER_MODEL="$model" -- "$@"
  local OUT=$OUT/ablation/model-both-boosts
  served LIGHTMEM_TEXT_EMBEDDER_MODEL="$model" LIGHTMEM_MESSAGES_USE=hybrid -- longmemeval --fusion-sweep=false \
    "$@" --baseline=false --out="$OUT"
  uptime
}

# ablation_old_default LEVERS_OFF... -- ARGS...: the first defaults (all-MiniLM-L6-v2, the speaker's name in the
# memory text, no boosts), in the MiniLM database.
ablation_old_default() {
  local LIGHTMEM_PG_DB=${LIGHTMEM_PG_DB}_all_minilm_l6_v2 # stays exported, for this function only
  ablation_row old-default LIGHTMEM_TEXT_EMBEDDER_MODEL=all-minilm-l6-v2 LIGHTMEM_MEMORY_MANAGER_VERBATIM_SPEAKER=true \
    "$@"
}

# own_database NAME MAIN_CLASS [ARGS...]: a bench that starts its own services, in a database of its own
# (kept between runs: each run uses new user ids; ConsolidationBench reuses its earlier 10k vectors).
own_database() {
  local database=$1 main=$2
  shift 2
  (
    export LIGHTMEM_PG_DB=$database
    bash deploy/local/postgres.sh up
    eval "$(bash deploy/local/postgres.sh env)"
    "${MVN[@]}" -Pbench exec:java -Dexec.mainClass="$main" ${1:+-Dexec.args="$*"}
  )
}

# native: the api role's native executable against its JVM jar (io.lightmem.bench.NativeStartBench). It
# builds the executable first with the probe toolchain (deploy/local/native-toolchain.sh; 15-35 min on
# 2 cores) unless target/*-runner exists and NATIVE_BUILD is not 1. Not part of `all`.
if [[ $COMMAND == native && -z ${SKIP_BUILD:-} ]] && { [[ ${NATIVE_BUILD:-} == 1 ]] || ! ls target/*-runner >/dev/null 2>&1; }; then
  # Before the JVM package below: the native build drops the JVM build's classes. With the database
  # environment, as deploy/local/test.sh builds it (the same build-time configuration).
  (eval "$(bash deploy/local/postgres.sh env)"
   "${MVN[@]}" package -Dnative -DskipTests -Dquarkus.native.graalvm-home="$(bash deploy/local/native-toolchain.sh)")
fi

# SKIP_BUILD=1 reuses target/quarkus-app and the compiled benchmark classes (e.g. a second run in
# parallel on other ports), so parallel runs never compile into one target/. exec:java compiles nothing.
[[ -n ${SKIP_BUILD:-} ]] || "${MVN[@]}" -DskipTests package

case $COMMAND in
  locomo|longmemeval|scale|embed|latency|load)
    served -- "$COMMAND" "$@"
    ;;
  dev)
    uptime
    served -- locomo --modes=turns --fusion-sweep=false "$@"
    uptime
    served -- locomo --file=../shared/data/realtalk/realtalk-dev.json --name=realtalk --modes=turns \
      --fusion-sweep=false "$@"
    uptime
    served LIGHTMEM_MESSAGES_USE=hybrid -- longmemeval --fusion-sweep=false "$@"
    uptime
    client compare "$@"
    [[ ${ABLATION:-1} == 0 ]] || ablation "$@"
    ;;
  compare|padding|periods|ablation|thresholds)
    client "$COMMAND" "$@"
    ;;
  construction)
    own_database lightmem_construction_bench io.lightmem.bench.ConstructionBench "$@"
    ;;
  consolidation)
    own_database lightmem_consolidation io.lightmem.bench.ConsolidationBench "$@"
    ;;
  auth)
    own_database lightmem_auth_bench io.lightmem.bench.AuthOverheadBench "$@"
    ;;
  native)
    own_database lightmem_native_bench io.lightmem.bench.NativeStartBench "$@"
    ;;
  all)
    served -- embed --rounds=5 "$@"
    served -- locomo "$@"
    served LIGHTMEM_MEMORY_MANAGER_VERBATIM_SPEAKER=false -- locomo --modes=turns --baseline=false \
      --out=target/bench/unnamed "$@"
    served -- longmemeval "$@"
    served -- scale --sizes=10000,100000 --fill=replicate "$@"
    own_database lightmem_construction_bench io.lightmem.bench.ConstructionBench
    own_database lightmem_consolidation io.lightmem.bench.ConsolidationBench
    own_database lightmem_auth_bench io.lightmem.bench.AuthOverheadBench
    ;;
  *)
    echo "usage: $0 [dev|compare|ablation|thresholds|padding|periods|latency|load|locomo|longmemeval|scale|embed|construction|consolidation|auth|native|all] [--key=value ...]" >&2
    exit 2
    ;;
esac
