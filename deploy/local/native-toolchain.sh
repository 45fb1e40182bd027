#!/usr/bin/env bash
# Prints the GRAALVM_HOME of the probe native toolchain (../shared/tools/native-probe), setting it
# up first if this machine has none for the tool's current content.
#
# The toolchain (a copy of Temurin 25 plus the GraalVM 25.0.2 image-builder jars, ~60 MB from
# Maven Central the first time, about 2 min) is cached outside target/ so that clean builds and
# other checkouts reuse it: ${XDG_CACHE_HOME:-~/.cache}/lightmem/native-probe-<key>, where the key
# is a hash of the tool's files, the JDK's release file and the svm version, so a changed tool or
# JDK gets a toolchain of its own. The executables it links find the JDK's shared libraries
# through their RPATH in that directory: keep it while they are in use.
#
# Environment: LIGHTMEM_NATIVE_TOOL (default ../shared/tools/native-probe), NATIVE_JAVA_HOME
# (Temurin 25, default /usr/lib/jvm/temurin-25-jdk-amd64), SVM_VERSION (default 25.0.2).
set -euo pipefail
cd "$(dirname "$0")/../.."
tool=${LIGHTMEM_NATIVE_TOOL:-../shared/tools/native-probe}
jdk25=${NATIVE_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
svm=${SVM_VERSION:-25.0.2}
[ -f "$tool/setup-native-toolchain.sh" ] || { echo "native-toolchain.sh: no probe toolchain at $tool" >&2; exit 2; }
[ -x "$jdk25/bin/java" ] || { echo "native-toolchain.sh: no JDK 25 at $jdk25 (set NATIVE_JAVA_HOME)" >&2; exit 2; }
for c in gcc python3 unzip; do
  command -v "$c" >/dev/null || { echo "native-toolchain.sh: $c is required" >&2; exit 2; }
done

key=$( { (cd "$tool" && find . -type f ! -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum)
         cat "$jdk25/release"; echo "$svm"; } | sha256sum | cut -c1-16)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/lightmem
kit=$cache/native-probe-$key
mkdir -p "$cache"
# One set-up at a time per machine: other checkouts may ask for the same toolchain concurrently.
exec 9>"$cache/native-probe.lock"
flock 9
if [ ! -x "$kit/jdk/bin/native-image" ]; then
  echo "native-toolchain.sh: setting up the probe toolchain in $kit" >&2
  partial=$kit.partial
  # The tool calls `mvn`; without one on PATH, the project's wrapper stands in.
  shim=()
  if ! command -v mvn >/dev/null; then
    bin=$(mktemp -d); printf '#!/bin/sh\nexec "%s/mvnw" "$@"\n' "$PWD" > "$bin/mvn"; chmod +x "$bin/mvn"
    shim=(env "PATH=$bin:$PATH")
  fi
  "${shim[@]}" env JAVA_HOME="$jdk25" SVM_VERSION="$svm" bash "$tool/setup-native-toolchain.sh" "$partial" >&2
  rm -rf "$kit"; mv "$partial" "$kit"
fi
echo "$kit/jdk"
