#!/usr/bin/env bash
# Measures what each app's image copies in on top of the Node base image, without Docker: the
# app's build output and the production dependencies its package.json (tools/app-package.mjs)
# installs from the root lockfile, as docker/Dockerfile's prod-deps stage does; and, to compare,
# every production dependency of the workspace. Also starts each app from that folder alone, so
# a dependency missing from its package.json shows. Needs the apps built and network access
# to the npm registry.   bash tools/image-contents.sh [out-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/projectionist-image-contents}
rm -rf "$out" && mkdir -p "$out"
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
size() { du -sb "$1" | cut -f1; }

mkdir -p "$out/all" && cp package.json package-lock.json "$out/all/"
(cd "$out/all" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >/dev/null)
(cd "$out/all" && npm ls --omit=dev --all --parseable 2>/dev/null | tail -n +2 | wc -l) > "$out/all/count"
echo "| app | build output (MiB) | its production dependencies (MiB, packages) | all production dependencies (MiB, packages) | starts from that alone |"
echo "| --- | --- | --- | --- | --- |"
for app in gateway coordinator projector-worker admin-ui; do
  node tools/app-package.mjs "$app" >/dev/null
  dir="$out/$app"
  mkdir -p "$dir/dist/apps" && cp -r "dist/apps/$app" "$dir/dist/apps/$app"
  cp "dist/apps/$app/package.json" package-lock.json "$dir/"
  (cd "$dir" && npm install --omit=dev --no-audit --no-fund --loglevel=error >/dev/null)
  packages=$(cd "$dir" && npm ls --omit=dev --all --parseable 2>/dev/null | tail -n +2 | wc -l)
  # Started from the image's layout alone; any HTTP answer on /health means it loaded and listens.
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  (cd "$dir/dist/apps/$app" && NAMESPACE=image_contents PORT=$port NODE_PATH= exec node main.js >"$out/$app.log" 2>&1) &
  pid=$!
  status=000
  for _ in $(seq 1 60); do
    status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" || true)
    [ "$status" != 000 ] && break
    sleep 0.5
  done
psql -h 127.0.0.1 -U postgres -qc 'DROP SCHEMA IF EXISTS image_contents CASCADE' >/dev/null 2>&1 || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "| $app | $(mib "$(size "$dir/dist/apps/$app")") | $(mib "$(size "$dir/node_modules")") ($packages) | $(mib "$(size "$out/all/node_modules")") ($(cat "$out/all/count")) | /health $status |"
done
psql -h 127.0.0.1 -U postgres -qc 'DROP SCHEMA IF EXISTS image_contents CASCADE' >/dev/null 2>&1 || true
