import { build } from "esbuild";
await build({ absWorkingDir: "/work/wt-dlpweb/web", entryPoints: ["src/dlp/index.ts"], bundle: true, format: "esm", platform: "neutral", outfile: "/tmp/dlpweb-b/dlp.mjs", loader: { ".tsv": "text" }, logLevel: "warning" });
const { scanText } = await import("/tmp/dlpweb-b/dlp.mjs");
const unit = process.argv[2];
const bytes = new TextEncoder().encode(unit.repeat(Math.ceil((4 << 20) / unit.length)));
scanText(bytes); scanText(bytes); scanText(bytes);
