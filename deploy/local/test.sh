#!/usr/bin/env bash
# Runs every test against a real local PostgreSQL + pgvector (provisioned on first use), in a
# database of its own that starts empty on every run.
# Extra arguments go to Maven, e.g. deploy/local/test.sh -Dtest=QuickStartTest
#
# The Java client libraries (clients/java, a Maven project of their own) are tested after the service,
# against the service's packaged jar (target/quarkus-app) that the service's build just made. A full run
# always tests them; a run with Maven arguments is about the service and skips them unless
# LIGHTMEM_CLIENTS=1. `deploy/local/test.sh clients [maven arguments]` packages the service without its
# tests and runs only the clients' tests, e.g. deploy/local/test.sh clients -Dtest=RetryTest.
#
# A full run (no arguments; CI) first checks the native image of the api role, as far as these
# machines allow: its native sources (mvn package -Dnative -Dquarkus.native.sources-only=true on
# Temurin 25) and the GraalVM image builder's analysis of them (../shared/tools/native-analysis).
# The JVM build and tests follow, NativeSourcesTest among them, on those sources. A run with Maven
# arguments skips the native steps unless LIGHTMEM_NATIVE_CHECKS=1; LIGHTMEM_NATIVE_CHECKS=0 skips
# them in a full run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export LIGHTMEM_PG_DB=${LIGHTMEM_PG_DB:-lightmem_test}

clients_only=0
if [ "${1:-}" = clients ]; then clients_only=1; shift; fi
if [ $# -eq 0 ] && [ $clients_only = 0 ]; then full_run=1; else full_run=0; fi
if [ $full_run = 1 ]; then native_checks=${LIGHTMEM_NATIVE_CHECKS:-1}; else native_checks=${LIGHTMEM_NATIVE_CHECKS:-0}; fi
maven_native=()
if [ "$native_checks" = 1 ]; then
    analysis=../shared/tools/native-analysis/native-analysis.sh
    jdk25=${NA_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
    [ -f "$analysis" ] || { echo "test.sh: $analysis not found (set LIGHTMEM_NATIVE_CHECKS=0 to skip the native checks)" >&2; exit 2; }
    [ -x "$jdk25/bin/java" ] || { echo "test.sh: no JDK 25 at $jdk25 for the native build (set NA_JAVA_HOME, or LIGHTMEM_NATIVE_CHECKS=0)" >&2; exit 2; }
    # The native build runs first: it shares target/ with the JVM build, and drops the JVM classes
    # itself (pom.xml, profile native); the JVM build after it recompiles everything.
    started=$SECONDS
    NA_MVN="$PWD/mvnw" NA_JAVA_HOME="$jdk25" bash "$analysis" .
    echo "test.sh: native sources and image analysis of the api role passed in $((SECONDS - started)) s"
    maven_native=(-Dnative-sources-required=true)
fi

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
if [ $clients_only = 1 ]; then
    ./mvnw -B -q package -DskipTests
    exec ./mvnw -B -f clients/java/pom.xml verify "$@"
fi
./mvnw -B verify "${maven_native[@]}" "$@"
if [ $full_run = 1 ] || [ "${LIGHTMEM_CLIENTS:-0}" = 1 ]; then
    exec ./mvnw -B -f clients/java/pom.xml verify
fi
