import { build } from "esbuild";
await build({ absWorkingDir: "/work/wt-dlpweb/web", entryPoints: ["src/dlp/index.ts"], bundle: true, format: "esm", platform: "neutral", outfile: "/tmp/dlpweb-b/dlp.mjs", loader: { ".tsv": "text" }, logLevel: "warning" });
const { scanText } = await import("/tmp/dlpweb-b/dlp.mjs");
const unit = ["Compte rendu de consultation du 14/02/2024. Mme Durand, née le 12/03/1985, ",
      "est suivie pour un diabète de type 2 et une hypertension artérielle. ",
      "Traitement : metformine 1000 mg matin et soir, posologie inchangée. ",
      "NIR 2 55 08 14 168 025 38, mutuelle n° 123456. Tél. 06 12 34 56 78. ",
      "Règlement par virement, IBAN FR14 2004 1010 0505 0001 3M02 606, ",
      "facture 2024-0042 de 120,50 euros, SIRET 732 829 320 00074. ",
      "Le patient ne présente pas de complication ; prochain rendez-vous dans six mois, ",
      "contact : secretariat@cabinet-exemple.fr ou au standard de la clinique.\n"].join("");
const bytes = new TextEncoder().encode(unit.repeat(Math.ceil((4 << 20) / unit.length)));
scanText(bytes); scanText(bytes); scanText(bytes);
