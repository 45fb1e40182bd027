#!/usr/bin/env bash
# Prints the name of one of the images the build defines (pom.xml, lightmem.image.*):
#   bash deploy/knative/image-name.sh jvm|native|gpu
# Override the registry or tag the same way for the build and the push, e.g.
#   bash deploy/knative/image-name.sh jvm -Dlightmem.image.registry=registry.example.com/team
set -euo pipefail
cd "$(dirname "$0")/../.."
kind=${1:?usage: image-name.sh jvm|native|gpu [maven -D options]}
shift
case "$kind" in jvm | native | gpu) ;; *) echo "unknown image kind: $kind (jvm, native or gpu)" >&2; exit 2 ;; esac
./mvnw -B -q help:evaluate -Dexpression="lightmem.image.$kind" -DforceStdout "$@"
echo
