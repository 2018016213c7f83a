#!/usr/bin/env bash
# Stand-in for the docker CLI in the buildspec harness (no Docker engine here). Appends each
# invocation to $DOCKER_RECORD as one line: the arguments separated by the unit separator \x1f,
# then \x1e and what came on stdin (for `login`). Pure bash: it runs a dozen times per build.
#   DOCKER_FAIL_BUILD=1   `docker build` fails (exit 1), as a broken Dockerfile would
#   `docker pull`         fails (no previous image: the first build of a repository)
set -uo pipefail
record="${DOCKER_RECORD:?DOCKER_RECORD must name the record file}"
stdin=""
if [ "${1:-}" = "login" ]; then stdin="$(cat)"; fi
{
  IFS=$'\x1f'
  printf '%s\x1e%s\n' "$*" "${stdin//$'\n'/ }"
} >>"$record"
case "${1:-}" in
  login) echo "Login Succeeded" ;;
  pull) echo "Error response from daemon: manifest for ${*: -1} not found" >&2; exit 1 ;;
  build)
    if [ "${DOCKER_FAIL_BUILD:-0}" = "1" ]; then echo "ERROR: failed to solve (DOCKER_FAIL_BUILD=1)" >&2; exit 1; fi
    echo "naming to ${*: -1} done" ;;
  push) echo "pushed" ;;
  *) ;;
esac
exit 0
