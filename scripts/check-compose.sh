#!/usr/bin/env bash
# Validates docker-compose.yml (and the GPU override) without a Docker engine, and checks that every
# service with a build has a context folder and a Dockerfile that exist.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v docker-compose >/dev/null || { echo "check-compose: docker-compose is not installed (apt-get install -y --no-install-recommends docker-compose)" >&2; exit 2; }
docker-compose -f docker-compose.yml config -q
docker-compose -f docker-compose.yml -f docker-compose.gpu.yml config -q
docker-compose -f docker-compose.yml -f docker-compose.gpu.yml config | /usr/bin/python3 -c '
import os, sys, yaml
config = yaml.safe_load(sys.stdin)
bad, built = [], []
for name, svc in config["services"].items():
    build = svc.get("build")
    if build is None:
        if "image" not in svc:
            bad.append(f"{name}: neither build nor image")
        continue
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    if not os.path.isdir(context):
        bad.append(f"{name}: build context {context} does not exist")
    elif not os.path.isfile(os.path.join(context, dockerfile)):
        bad.append(f"{name}: {dockerfile} missing in {context}")
    module = (build.get("args") or {}).get("MODULE") if isinstance(build, dict) else None
    if module and not os.path.isfile(os.path.join(context, module, "pom.xml")):
        bad.append(f"{name}: MODULE={module} is not a Maven module")
    built.append(name)
gpu = [n for n, s in config["services"].items()
       if any(d.get("driver") == "nvidia" for d in (((s.get("deploy") or {}).get("resources") or {}).get("reservations") or {}).get("devices", []))]
if sorted(gpu) != ["fast-path", "reasoning-path"]:
    bad.append(f"GPU override should reserve a GPU for fast-path and reasoning-path, found {gpu}")
if bad:
    print("check-compose: " + "; ".join(bad), file=sys.stderr); sys.exit(1)
n = len(config["services"])
print("check-compose: ok (%d services; built here: %s; GPU: %s)" % (n, ", ".join(built), ", ".join(gpu)))
'
# The image build runs Maven on the root reactor: every module the root pom lists, and the default model the path
# services name, must be copied into the build (a missing module fails the build with "Child module … does not exist").
/usr/bin/python3 - <<'PY'
import re, sys
pom = open("pom.xml").read()
modules = re.findall(r"<module>([^<]+)</module>", pom)
docker = open("Dockerfile").read()
copied = set(re.findall(r"^COPY (\S+) \1\s*$", docker, re.M))
missing = [m for m in modules if m not in copied]
if "COPY model/ /opt/rr/model/" not in docker:
    missing.append("model/ (the default model)")
if missing:
    print("check-compose: the Dockerfile does not copy: " + ", ".join(missing), file=sys.stderr); sys.exit(1)
print("check-compose: Dockerfile copies all %d modules and the default model" % len(modules))
PY
