#!/usr/bin/env bash
# Adds up the Surefire and Failsafe XML reports of every module into one closing line.
cd "$(dirname "$0")/.."
/usr/bin/env python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
tests = failures = errors = skipped = 0
per_module = {}
for f in glob.glob("*/target/surefire-reports/TEST-*.xml") + glob.glob("*/target/failsafe-reports/TEST-*.xml"):
    root = ET.parse(f).getroot()
    t, fa, e, s = (int(root.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    tests += t; failures += fa; errors += e; skipped += s
    m = per_module.setdefault(f.split("/")[0], [0, 0, 0])
    m[0] += t - fa - e - s; m[1] += fa + e; m[2] += s
for module, (p, f, s) in sorted(per_module.items()):
    print(f"  {module:16s} {p} passed, {f} failed, {s} skipped")
print(f"Tests: {tests - failures - errors - skipped} passed, {failures + errors} failed, {skipped} skipped")
PY
