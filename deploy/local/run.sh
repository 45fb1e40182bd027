#!/usr/bin/env bash
# Builds and starts the service on its embedded defaults: the local PostgreSQL + pgvector cluster
# (provisioned on first use), the in-process all-MiniLM-L6-v2 embedder and, unless an LLM is
# configured (lightmem.memory-manager.*), the `none` memory manager. gRPC on :9000, HTTP on :8080.
#
# Authentication is on, as in every production start: the first run generates a local admin key
# (the bootstrap key of tenant default) beside the local cluster's data, readable by its owner only,
# and every run prints it. `deploy/local/run.sh key` prints only the key (for
# `export LIGHTMEM_KEY=$(bash deploy/local/run.sh key)`). LIGHTMEM_AUTH_BOOTSTRAP_KEY, when set,
# is used instead. gRPC reflection is on here, for grpcurl; its calls need the key too.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/local/postgres.sh up >&2

key_file="$(bash deploy/local/postgres.sh home)/admin-key"
key_source="kept in $key_file, mode 0600"
if [[ -n ${LIGHTMEM_AUTH_BOOTSTRAP_KEY:-} ]]; then
  key_source="from LIGHTMEM_AUTH_BOOTSTRAP_KEY"
else
  if [[ ! -s $key_file ]]; then
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '=\n' | tr '+/' '-_' > "$key_file")
    echo "run.sh: generated the local admin key in $key_file" >&2
  fi
  chmod 600 "$key_file"
  LIGHTMEM_AUTH_BOOTSTRAP_KEY=$(<"$key_file")
  export LIGHTMEM_AUTH_BOOTSTRAP_KEY
fi
if [[ ${1:-} = key ]]; then
  printf '%s\n' "$LIGHTMEM_AUTH_BOOTSTRAP_KEY"
  exit 0
fi

eval "$(bash deploy/local/postgres.sh env)"
./mvnw -B -q package -DskipTests
cat >&2 <<MSG
run.sh: admin key of tenant default ($key_source):

    $LIGHTMEM_AUTH_BOOTSTRAP_KEY

  Send it as 'Authorization: Bearer <key>', e.g. in another shell:
    export LIGHTMEM_KEY=\$(bash deploy/local/run.sh key)
    grpcurl -plaintext -H "authorization: Bearer \$LIGHTMEM_KEY" localhost:9000 list
MSG
exec java ${JAVA_OPTS:-} -Dquarkus.grpc.server.enable-reflection-service=true -jar target/quarkus-app/quarkus-run.jar
