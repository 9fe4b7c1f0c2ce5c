// `npm run policy`: synthesizes the app exactly as `cdktf synth` does (cdktf.json's app command) and reports every policy finding of every stack.
//
// Exit 0: no unsuppressed error. Exit 1: at least one (listed with its fix). Exit 2: the app did not synthesize.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALL_RULES } from "../constructs/policy/all-rules";
import { parseFindingMessage, type FindingStatus } from "../constructs/policy/finding";
import { PROJECT_ROOT } from "../variables/runtime";

interface ManifestAnnotation {
  readonly constructPath: string;
  readonly level: string;
  readonly message: string;
}

interface Manifest {
  readonly stacks: Record<string, { readonly annotations?: readonly ManifestAnnotation[] }>;
}

interface ReportedFinding {
  readonly stack: string;
  readonly path: string;
  readonly ruleId: string;
  readonly status: FindingStatus;
  readonly text: string;
}

const say = (line = "") => process.stdout.write(`${line}\n`);

/** Runs the app as the cdktf CLI does: its command from cdktf.json, errors kept in the manifest instead of thrown. */
function synthesize(outdir: string): { ok: boolean; output: string } {
  const { app } = JSON.parse(readFileSync(join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { app: string };
  const result = spawnSync(app, {
    cwd: PROJECT_ROOT,
    shell: true,
    encoding: "utf8",
    env: { ...process.env, CDKTF_OUTDIR: outdir, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true" },
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
}

function findingsOf(manifest: Manifest): ReportedFinding[] {
  return Object.entries(manifest.stacks).flatMap(([stack, { annotations = [] }]) =>
    annotations.flatMap((annotation) => {
      const parsed = parseFindingMessage(annotation.message);
      return parsed ? [{ stack, path: annotation.constructPath, ...parsed }] : [];
    }),
  );
}

function main(): number {
  const started = performance.now();
  const outdir = mkdtempSync(join(tmpdir(), "lab-policy-"));
  try {
    const synth = synthesize(outdir);
    if (!synth.ok) {
      say(`The app did not synthesize, so no policy finding could be read:\n${synth.output}`);
      return 2;
    }
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as Manifest;
    const findings = findingsOf(manifest);
    const stacks = Object.keys(manifest.stacks);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    say(
      `Policy pack: ${ALL_RULES.length} rules on ${stacks.length} stacks (${stacks.join(", ")}), synthesized and checked in ${seconds} s`,
    );
    const headings: Record<FindingStatus, string> = {
      error: "Errors",
      warning: "Warnings",
      unused: "Suppressions that match no finding (delete them)",
      suppressed: "Suppressed (with their reasons)",
    };
    for (const status of Object.keys(headings) as FindingStatus[]) {
      const ofStatus = findings.filter((finding) => finding.status === status);
      if (!ofStatus.length) continue;
      say();
      say(`${headings[status]}: ${ofStatus.length}`);
      for (const finding of ofStatus) say(`  ${finding.ruleId} ${finding.path}\n      ${finding.text}`);
    }
    const count = (status: FindingStatus) => findings.filter((finding) => finding.status === status).length;
    say();
    say(
      `${count("error")} unsuppressed errors, ${count("warning")} warnings, ${count("unused")} unused suppressions, ${count("suppressed")} suppressed`,
    );
    return count("error") === 0 ? 0 : 1;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

process.exitCode = main();
