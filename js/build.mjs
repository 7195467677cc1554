// Builds the kit's page (src/) into one minified script and one stylesheet in the template's
// static folder, shipped as package data: users never run this. Each output's first line names
// the sha256 of src/, this script and package-lock.json, which tests/apps/test_light_page.py
// recomputes, so a committed bundle that is not the build of the committed sources fails the
// tests.
//
//   cd js && npm ci && npm run build
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const OUT = join(HERE, "..", "epa_kernel", "apps", "jupyter_data", "voila", "templates", "epa", "static");
const NAME = "epa-page";

// sha256 over (path, NUL, bytes, NUL) of every file under src/ in the order of their paths as
// strings, then build.mjs and package-lock.json: what tests/apps/test_light_page.py computes.
function sourceHash() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(join(HERE, "src"));
  files.sort();
  files.push(join(HERE, "build.mjs"), join(HERE, "package-lock.json"));
  const hash = createHash("sha256");
  for (const path of files) {
    hash.update(relative(HERE, path).split("\\").join("/"));
    hash.update("\0");
    hash.update(readFileSync(path));
    hash.update("\0");
  }
  return hash.digest("hex");
}

// anywidget's front end is published as an AMD module (`define([...], factory)`): take its
// factory as the module's default export instead.
const anywidgetFactory = {
  name: "anywidget-factory",
  setup(build) {
    build.onLoad({ filter: /[\\/]anywidget[\\/]dist[\\/]index\.js$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      const amd = 'define(["@jupyter-widgets/base"], widget_default);';
      if (!text.includes(amd)) throw new Error("anywidget's front end changed shape: " + amd);
      return { contents: text.replace(amd, "export default widget_default;"), loader: "js" };
    });
  },
};

const hash = sourceHash();
const result = await esbuild.build({
  entryPoints: { [NAME]: join(HERE, "src", "index.js") },
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome100", "firefox100", "safari15"],
  outdir: OUT,
  assetNames: "[name]-[hash]",
  loader: { ".woff2": "file" },
  define: { "process.env.NODE_ENV": '"production"' },
  plugins: [anywidgetFactory],
  // ipywidgets' description sanitizer through the browser's parser (src/sanitize.js)
  absWorkingDir: HERE,
  alias: { "sanitize-html": "./src/sanitize.js" },
  legalComments: "none",
  write: false,
  logLevel: "warning",
});
// the static folder holds only this build: earlier builds' files go
mkdirSync(OUT, { recursive: true });
for (const old of readdirSync(OUT)) rmSync(join(OUT, old));
for (const file of result.outputFiles) {
  const header = /\.(js|css)$/.test(file.path) ? `/* epa-page sources sha256:${hash} */\n` : "";
  writeFileSync(file.path, header ? header + file.text : file.contents);
  console.log(relative(HERE, file.path), file.contents.length);
}
