// Builds dist/ from src/ (npm run build runs buf generate first): a package
// with no runtime dependencies, because npm installs a local directory
// (`npm install ../tollgate/clients/node`) as a symlink and does not install
// that directory's own dependencies. So dist/ is self-contained:
//
//   dist/index.js             src/ with @grpc/grpc-js and @bufbuild/protobuf
//                             bundled in by esbuild (CommonJS, Node 20)
//   dist/index.d.ts           the declarations in one file, with the few
//                             @bufbuild/protobuf types they name inlined
//                             (dts-bundle-generator)
//   dist/THIRD_PARTY_NOTICES  the bundled packages and their licences
//
// The output depends on nothing but the sources and the locked tool
// versions (no dates, no absolute paths), so that .ci/node-client can check
// that the committed dist/ is this build's, byte for byte.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";

import { build } from "esbuild";

const packageDir = path.dirname(new URL(import.meta.url).pathname);
process.chdir(packageDir);
const bin = (name) => path.join("node_modules", ".bin", name);

// Required at run time, not bundled:
const EXTERNAL = [
  // VERSION is read from the package's own package.json.
  "../package.json",
  // grpc-js loads it only to serve channelz or ORCA, which a client never
  // does; bundling it would add protobufjs, long and lodash for nothing.
  "@grpc/proto-loader",
];

// 1. The sources type-check (strict), as tsconfig.json says.
execFileSync(bin("tsc"), ["-p", "tsconfig.json", "--noEmit"], { stdio: "inherit" });

fs.rmSync("dist", { recursive: true, force: true });
fs.mkdirSync("dist");

// 2. The JavaScript: one CommonJS file. Not minified, so that stack traces
// and reviews of dist/ stay readable. keepNames: esbuild renames clashing
// top-level names (this package's Client and grpc-js's), and error classes
// take their `name` from the class.
const { metafile } = await build({
  entryPoints: ["src/index.ts"],
  outfile: "dist/index.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  keepNames: true,
  external: EXTERNAL,
  metafile: true,
  logLevel: "warning",
  banner: {
    js: "// @tollgate/client, with the packages that dist/THIRD_PARTY_NOTICES names bundled in under their licences.",
  },
});

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const [output] = Object.values(metafile.outputs);
const unexpected = output.imports.filter((i) => i.external && !builtins.has(i.path) && !EXTERNAL.includes(i.path));
if (unexpected.length > 0) {
  throw new Error(`dist/index.js would require ${unexpected.map((i) => i.path).join(", ")} at run time`);
}

// 3. The declarations, in one file that imports nothing.
execFileSync(
  bin("dts-bundle-generator"),
  [
    "--project", "tsconfig.json",
    "--external-inlines", "@bufbuild/protobuf",
    "--export-referenced-types", "false",
    "--no-banner",
    "--silent",
    "-o", "dist/index.d.ts",
    "src/index.ts",
  ],
  { stdio: "inherit" },
);
const declarations = fs.readFileSync("dist/index.d.ts", "utf8");
const imported = [...declarations.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/gm)].map((m) => m[1]);
const referenced = [...declarations.matchAll(/^\/\/\/\s*<reference\s+types="([^"]+)"/gm)].map((m) => m[1]);
const outside = [...imported, ...referenced].filter((name) => name !== "node" && !builtins.has(name));
if (outside.length > 0) throw new Error(`dist/index.d.ts refers to ${outside.join(", ")}`);

// 4. The bundled packages' licences: each package's LICENSE file, or, when
// it ships none (@bufbuild/protobuf), the copyright headers of the files
// bundled from it.
const bundled = new Map(); // package directory -> the files bundled from it
for (const input of Object.keys(output.inputs).sort()) {
  const match = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  if (!match) continue;
  if (!bundled.has(match[1])) bundled.set(match[1], []);
  bundled.get(match[1]).push(input);
}
const notices = [
  "Third-party software in dist/index.js",
  "",
  "dist/index.js of @tollgate/client bundles the following packages. Each is",
  "given with its licence as it ships it.",
];
const packages = [...bundled].map(([dir, files]) => ({ dir, files, meta: JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) }));
packages.sort((a, b) => (a.meta.name < b.meta.name ? -1 : 1));
for (const { dir, files, meta } of packages) {
  const repository = typeof meta.repository === "string" ? meta.repository : meta.repository?.url;
  notices.push("", "=".repeat(78), `${meta.name} ${meta.version}`, `License: ${meta.license}`);
  if (repository) notices.push(`Source: ${repository}`);
  notices.push("=".repeat(78), "");
  const licenceFile = fs.readdirSync(dir).sort().find((name) => /^licen[cs]e(\.(md|txt))?$/i.test(name));
  if (licenceFile) {
    notices.push(fs.readFileSync(path.join(dir, licenceFile), "utf8").trimEnd());
    continue;
  }
  const headers = new Set(files.map((file) => leadingComment(fs.readFileSync(file, "utf8"))).filter((text) => /copyright/i.test(text)));
  if (headers.size === 0) throw new Error(`${meta.name}: no LICENSE file and no copyright header to reproduce`);
  notices.push(`(${meta.name} ships no LICENSE file; these are the licence headers of the files bundled from it.)`);
  for (const header of headers) notices.push("", header);
}
fs.writeFileSync("dist/THIRD_PARTY_NOTICES", `${notices.join("\n")}\n`);

// The comment lines a file starts with, without their comment markers.
function leadingComment(source) {
  const lines = [];
  for (const line of source.split("\n")) {
    if (!line.startsWith("//")) break;
    lines.push(line.replace(/^\/\/ ?/, ""));
  }
  return lines.join("\n").trim();
}

const sizes = ["index.js", "index.d.ts", "THIRD_PARTY_NOTICES"].map((name) => `${name} ${fs.statSync(path.join("dist", name)).size} bytes`);
console.log(`dist: ${sizes.join(", ")}; bundled: ${packages.map(({ meta }) => `${meta.name} ${meta.version}`).join(", ")}`);
