import fs from "node:fs";
import path from "node:path";
import { validateFramework, type FrameworkFile, type ValidationProblem } from "./framework-schema";

export const FRAMEWORKS_DIR = path.resolve(process.env.FRAMEWORKS_DIR ?? "db/frameworks");

export interface FrameworkFileResult {
  file: string;
  framework?: FrameworkFile;
  problems: ValidationProblem[];
}

/**
 * Reads and validates every framework file: the core first, then each industry module against it.
 * Broken JSON is a problem of its file, not an exception.
 */
export function readFrameworkFiles(dir = FRAMEWORKS_DIR): FrameworkFileResult[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort((a, b) => (a === "core.json" ? -1 : b === "core.json" ? 1 : a.localeCompare(b)));
  const results: FrameworkFileResult[] = [];
  let core: FrameworkFile | undefined;
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
    } catch (error) {
      results.push({ file, problems: [{ path: "", message: `not valid JSON: ${(error as Error).message}` }] });
      continue;
    }
    const { framework, problems } = validateFramework(json, core);
    if (framework && `${framework.id}.json` !== file) problems.push({ path: "id", message: `the file of framework "${framework.id}" is ${framework.id}.json` });
    if (framework?.id === "core") core = framework;
    results.push({ file, framework, problems });
  }
  return results;
}
