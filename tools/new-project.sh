#!/usr/bin/env bash
# Scaffolds an Nx project folder with the workspace's standard targets.
# usage: tools/new-project.sh lib|app NAME "type:…,scope:…" (one of each: docs/architecture.md, Boundaries)
set -euo pipefail
kind=$1 name=$2 tags=${3:-}
root=$([ "$kind" = lib ] && echo "libs/$name" || echo "apps/$name")
mkdir -p "$root/src"
tags_json=$(printf '%s' "$tags" | awk -F, '{for(i=1;i<=NF;i++){printf "%s\"%s\"", (i>1?", ":""), $i}}')
if [ "$kind" = lib ]; then
  build="tsc -p $root/tsconfig.lib.json --noEmit"
  cat > "$root/tsconfig.lib.json" <<JSON
{ "extends": "../../tsconfig.base.json", "compilerOptions": { "types": ["node", "jest"] }, "include": ["src/**/*.ts"] }
JSON
  extra=""
else
  build="tsc -p $root/tsconfig.app.json && tsc-alias -p $root/tsconfig.app.json && node tools/write-entry.mjs $name"
  cat > "$root/tsconfig.app.json" <<JSON
{ "extends": "../../tsconfig.base.json", "compilerOptions": { "outDir": "../../dist/apps/$name", "types": ["node"] }, "include": ["src/**/*.ts"], }
JSON
  extra=",
    \"serve\": { \"executor\": \"nx:run-commands\", \"options\": { \"command\": \"ts-node --transpile-only -r tsconfig-paths/register $root/src/main.ts\" } }"
fi
cat > "$root/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "../../node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "$([ "$kind" = lib ] && echo library || echo application)",
  "tags": [$tags_json],
  "targets": {
    "build": { "executor": "nx:run-commands", "options": { "command": "$build" } },
    "test": { "executor": "nx:run-commands", "options": { "command": "jest -c $root/jest.config.js" } },
    "lint": { "executor": "nx:run-commands", "options": { "command": "eslint $root" } }$extra
  }
}
JSON
cat > "$root/jest.config.js" <<JS
module.exports = { ...require('../../jest.preset.js'), displayName: '$name', rootDir: __dirname };
JS
