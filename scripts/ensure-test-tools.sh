#!/usr/bin/env bash
# Installs the system tools the test suite drives, when they are missing and we may install them:
#   chromium          (Debian package; end-to-end tests drive it with playwright-core, never a downloaded browser)
#   moto_server       (pip: moto[server]; local AWS emulator for the terraform/buildspec tests)
#   aws               (pip: awscli; the buildspec harness and the delivery scripts call it)
# terraform (>= 1.11) and the hashicorp/aws 5.100.0 provider mirror cannot be installed offline;
# they are reported, and the suites that need them fail in CI (CI=true) or skip with a reason locally.
set -uo pipefail

say() { printf '\033[36m[tools]\033[0m %s\n' "$*"; }
is_root() { [ "$(id -u)" = "0" ]; }

if ! command -v chromium >/dev/null 2>&1; then
  if is_root && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian chromium for the browser tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || say "WARNING: apt-get install chromium failed; browser tests will report it"
  else
    say "chromium is missing: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH"
  fi
fi

if ! command -v moto_server >/dev/null 2>&1; then
  if command -v python3 >/dev/null 2>&1; then
    say "installing moto[server] 5.2.1 (local AWS emulator)"
    python3 -m pip install -q 'moto[server]==5.2.1' || say "WARNING: pip install moto failed"
  fi
fi

if ! command -v aws >/dev/null 2>&1; then
  if command -v python3 >/dev/null 2>&1; then
    say "installing awscli (the buildspec harness and delivery scripts call aws)"
    python3 -m pip install -q awscli || say "WARNING: pip install awscli failed"
  fi
fi

for tool in chromium terraform moto_server aws; do
  if command -v "$tool" >/dev/null 2>&1; then say "found $tool: $(command -v "$tool")"; else say "missing $tool"; fi
done
exit 0
