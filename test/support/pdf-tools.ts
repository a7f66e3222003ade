/**
 * The real PDF tools, for tests that check generated PDFs: qpdf (syntax), poppler's pdfinfo, pdffonts
 * and pdftotext, and Apache PDFBox Preflight (PDF/A-1b) on Java. A missing tool is an error that names
 * the Debian package to install (tests fail, they do not skip). All calls are synchronous; PDFs are
 * written to a temporary directory (`pdfTempDir`).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const JAVA_DIR = "/usr/share/java";
/** Preflight's class path (Debian's libpdfbox2-java and what it needs). */
export const PREFLIGHT_JARS: { jar: string; pkg: string }[] = [
  { jar: "preflight.jar", pkg: "libpdfbox2-java" },
  { jar: "pdfbox2.jar", pkg: "libpdfbox2-java" },
  { jar: "fontbox2.jar", pkg: "libpdfbox2-java" },
  { jar: "xmpbox.jar", pkg: "libpdfbox2-java" },
  { jar: "commons-logging.jar", pkg: "libcommons-logging-java" },
  { jar: "javax.activation.jar", pkg: "libactivation-java" },
  { jar: "jaxb-api.jar", pkg: "libjaxb-api-java" },
];

const TOOLS: { command: string; args: string[]; pkg: string }[] = [
  { command: "qpdf", args: ["--version"], pkg: "qpdf" },
  { command: "pdfinfo", args: ["-v"], pkg: "poppler-utils" },
  { command: "pdffonts", args: ["-v"], pkg: "poppler-utils" },
  { command: "pdftotext", args: ["-v"], pkg: "poppler-utils" },
  { command: "java", args: ["-version"], pkg: "default-jre-headless" },
];

/** Throws, naming the Debian packages to install, unless every tool and Preflight jar is present. */
export function requirePdfTools(): void {
  const missing: string[] = [];
  const packages = new Set<string>();
  for (const tool of TOOLS) {
    const result = spawnSync(tool.command, tool.args, { encoding: "utf8" });
    if (result.error) {
      missing.push(tool.command);
      packages.add(tool.pkg);
    }
  }
  for (const { jar, pkg } of PREFLIGHT_JARS) {
    if (!fs.existsSync(path.join(JAVA_DIR, jar))) {
      missing.push(path.join(JAVA_DIR, jar));
      packages.add(pkg);
    }
  }
  if (missing.length > 0) {
    throw new Error(`PDF tools missing: ${missing.join(", ")}. Install them with: apt-get install -y ${[...packages].join(" ")}`);
  }
}

function run(command: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`Could not run ${command}: ${result.error.message}`);
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export interface PdfTempDir {
  dir: string;
  /** Writes the bytes to `name` in the directory and returns the path. */
  write(name: string, bytes: Uint8Array): string;
  remove(): void;
}

export function pdfTempDir(prefix = "pp-pdf-"): PdfTempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    write(name, bytes) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      return file;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** `qpdf --check`: ok when it exits 0 (3 means warnings, 2 errors). */
export function qpdfCheck(file: string): { ok: boolean; output: string } {
  const result = run("qpdf", ["--check", file]);
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** The file with its objects uncompressed and one per line (`qpdf --qdf`), for looking into the structure. */
export function qpdfQdf(file: string): string {
  const result = run("qpdf", ["--qdf", "--object-streams=disable", file, "-"]);
  if (result.status !== 0 && result.status !== 3) throw new Error(`qpdf --qdf failed: ${result.stderr}`);
  return result.stdout;
}

/** `pdfinfo -isodates`: every "Key: value" line, plus the page count as a number. */
export function pdfInfo(file: string): { fields: Record<string, string>; pages: number } {
  const result = run("pdfinfo", ["-isodates", file]);
  if (result.status !== 0) throw new Error(`pdfinfo failed: ${result.stderr}`);
  const fields: Record<string, string> = {};
  for (const line of result.stdout.split("\n")) {
    const match = /^([^:]+):\s*(.*)$/.exec(line);
    if (match) fields[match[1]!.trim()] = match[2]!.trim();
  }
  return { fields, pages: Number(fields.Pages) };
}

export interface FontRow {
  name: string;
  type: string;
  encoding: string;
  embedded: boolean;
  subset: boolean;
  unicode: boolean;
}

/** `pdffonts`: one row per font (the columns are fixed-width, under a line of dashes). */
export function pdfFonts(file: string): FontRow[] {
  const result = run("pdffonts", [file]);
  if (result.status !== 0) throw new Error(`pdffonts failed: ${result.stderr}`);
  const lines = result.stdout.split("\n");
  const dashes = lines[1] ?? "";
  // Column boundaries from the dashes line: "----- ----- ...".
  const columns = [...dashes.matchAll(/-+/g)].map((m) => [m.index, m.index + m[0].length] as const);
  return lines
    .slice(2)
    .filter((l) => l.trim() !== "")
    .map((line) => {
      const cell = (i: number) => line.slice(columns[i]![0], i + 1 < columns.length ? columns[i + 1]![0] : undefined).trim();
      return { name: cell(0), type: cell(1), encoding: cell(2), embedded: cell(3) === "yes", subset: cell(4) === "yes", unicode: cell(5) === "yes" };
    });
}

/** `pdftotext` of the whole document or of pages `first`–`last` (1-based), in physical layout if asked. */
export function pdfText(file: string, options: { first?: number; last?: number; layout?: boolean } = {}): string {
  const args = [...(options.layout ? ["-layout"] : []), ...(options.first ? ["-f", String(options.first)] : []), ...(options.last ? ["-l", String(options.last)] : []), "-enc", "UTF-8", file, "-"];
  const result = run("pdftotext", args);
  if (result.status !== 0) throw new Error(`pdftotext failed: ${result.stderr}`);
  return result.stdout;
}

/** Text with every run of white space (line breaks included) made one space, for phrase searches. */
export const flat = (text: string) => text.replace(/\s+/g, " ");

export interface PreflightResult {
  file: string;
  valid: boolean;
  /** Preflight's XML report for the file (the errors when not valid). */
  output: string;
}

/**
 * PDFBox Preflight (PDF/A-1b) on several files in ONE Java process (its "group" mode: a list file
 * in, one XML report out), since each JVM start costs seconds. Basenames must be unique: the report
 * names files by basename.
 */
export function preflight(files: string[]): PreflightResult[] {
  const names = files.map((f) => path.basename(f));
  if (new Set(names).size !== names.length) throw new Error("preflight: file names must be unique");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pp-preflight-"));
  try {
    const list = path.join(work, "files.txt");
    fs.writeFileSync(list, `${files.map((f) => path.resolve(f)).join("\n")}\n`);
    const classPath = PREFLIGHT_JARS.map(({ jar }) => path.join(JAVA_DIR, jar)).join(":");
    const result = run("java", ["-cp", classPath, "org.apache.pdfbox.preflight.Validator_A1b", "xml", "group", list]);
    const reportFile = `${list}.preflight.xml`;
    if (!fs.existsSync(reportFile)) throw new Error(`Preflight wrote no report (exit ${result.status}): ${result.stdout}${result.stderr}`);
    const report = fs.readFileSync(reportFile, "utf8");
    return files.map((file, i) => {
      const block = new RegExp(`<preflight name="${escapeRegExp(escapeXmlAttr(names[i]!))}">([\\s\\S]*?)</preflight>`).exec(report)?.[1];
      if (block === undefined) throw new Error(`Preflight's report does not mention ${names[i]}:\n${report}`);
      return { file, valid: /<isValid[^>]*>true<\/isValid>/.test(block), output: block.trim() };
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const escapeXmlAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** Preflight on one file (a JVM start: prefer `preflight(files)` for several). */
export function preflightFile(file: string): { valid: boolean; output: string } {
  const [result] = preflight([file]);
  return { valid: result!.valid, output: result!.output };
}
