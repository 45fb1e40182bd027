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
# A full run (no arguments; CI) first builds the native executable of the api role (target/*-runner)
# with the probe toolchain of ../shared/tools/native-probe (set up once per machine and cached outside
# target/ by deploy/local/native-toolchain.sh; the build takes 11-35 min on 2 cores and ~7 GB of
# memory), then the JVM build and tests, whose integration tests tagged native (@ApiRoleArtifact) run
# against that executable in role api (profile native-its). A run with Maven arguments skips the native
# steps unless LIGHTMEM_NATIVE_CHECKS=1 (build and test) or =its (test the existing target/*-runner
# again, e.g. -Dtest=none -Dit.test='McpSdkIT' -Dsurefire.failIfNoSpecifiedTests=false);
# LIGHTMEM_NATIVE_CHECKS=0 skips them in a full run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export LIGHTMEM_PG_DB=${LIGHTMEM_PG_DB:-lightmem_test}

clients_only=0
if [ "${1:-}" = clients ]; then clients_only=1; shift; fi
if [ $# -eq 0 ] && [ $clients_only = 0 ]; then full_run=1; else full_run=0; fi
if [ $full_run = 1 ]; then native_checks=${LIGHTMEM_NATIVE_CHECKS:-1}; else native_checks=${LIGHTMEM_NATIVE_CHECKS:-0}; fi

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

maven_native=()
if [ "$native_checks" = 1 ]; then
    graalvm_home=$(bash deploy/local/native-toolchain.sh) || {
        echo "test.sh: no native toolchain (LIGHTMEM_NATIVE_CHECKS=0 skips the native steps)" >&2; exit 2; }
    # The native build runs first: it shares target/ with the JVM build, and drops the JVM classes
    # itself (pom.xml, profile native); the JVM build after it recompiles everything and leaves the
    # executable alone. It runs with the database environment above, so that its build-time
    # configuration (quarkus.datasource.devservices.enabled) is the JVM build's.
    started=$SECONDS
    rm -f target/*-runner
    ./mvnw -B package -Dnative -DskipTests -Dquarkus.native.graalvm-home="$graalvm_home"
    echo "test.sh: native executable of the api role built in $((SECONDS - started)) s"
fi
if [ "$native_checks" = 1 ] || [ "$native_checks" = its ]; then
    ls target/*-runner >/dev/null 2>&1 || { echo "test.sh: no target/*-runner to test" >&2; exit 2; }
    maven_native=(-Dnative-its -Dnative-sources-required=true)
fi
./mvnw -B verify "${maven_native[@]}" "$@"
if [ $full_run = 1 ] || [ "${LIGHTMEM_CLIENTS:-0}" = 1 ]; then
    exec ./mvnw -B -f clients/java/pom.xml verify
fi
