// The plan-review workflow, checked offline: the structure GitHub requires, and what matters here (triggers, permissions, pinned actions, OIDC, the sticky comment's marker).
import Ajv from "ajv";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReviewArguments } from "../../lab/review/arguments";
import { PROJECT_ROOT } from "../../variables/runtime";

// js-yaml ships no types; its `load` is all this test needs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require("js-yaml") as { load(text: string): unknown };

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, string | number | boolean>;
}
interface Workflow {
  readonly on: { pull_request: { paths: string[] } };
  readonly permissions: Record<string, string>;
  readonly jobs: Record<string, { "runs-on": string; if?: string; env?: Record<string, string>; steps: Step[] }>;
}

/** The keys GitHub accepts and requires in a workflow file (a subset of its syntax: what this repository uses, strictly). */
const WORKFLOW_SCHEMA = {
  type: "object",
  required: ["on", "jobs"],
  additionalProperties: false,
  properties: {
    name: { type: "string" },
    "run-name": { type: "string" },
    on: { type: "object", minProperties: 1 },
    permissions: { type: "object", additionalProperties: { enum: ["read", "write", "none"] } },
    env: { type: "object" },
    defaults: { type: "object" },
    concurrency: {
      type: "object",
      required: ["group"],
      properties: { group: { type: "string" }, "cancel-in-progress": { type: "boolean" } },
    },
    jobs: {
      type: "object",
      minProperties: 1,
      propertyNames: { pattern: "^[A-Za-z_][A-Za-z0-9_-]*$" },
      additionalProperties: {
        type: "object",
        required: ["runs-on", "steps"],
        additionalProperties: false,
        properties: {
          name: { type: "string" },
          "runs-on": { type: "string" },
          if: { type: "string" },
          "timeout-minutes": { type: "number" },
          permissions: { type: "object" },
          env: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } },
          steps: {
            type: "array",
            minItems: 1,
            items: {
              type: "object",
              additionalProperties: false,
              oneOf: [{ required: ["uses"] }, { required: ["run"] }],
              properties: {
                id: { type: "string" },
                name: { type: "string" },
                if: { type: "string" },
                uses: { type: "string" },
                run: { type: "string" },
                with: { type: "object" },
                env: { type: "object" },
                shell: { type: "string" },
              },
            },
          },
        },
      },
    },
  },
};

const text = readFileSync(join(PROJECT_ROOT, ".github", "workflows", "plan.yml"), "utf8");
const workflow = yaml.load(text) as Workflow;
const job = workflow.jobs.review;
const steps = job.steps;
const stepUsing = (action: string) => steps.find((step) => step.uses?.startsWith(`${action}@`));
const runs = steps.flatMap((step) => (step.run ? [step.run] : []));

describe(".github/workflows/plan.yml", () => {
  it("has the structure GitHub requires", () => {
    const validate = new Ajv({ allErrors: true }).compile(WORKFLOW_SCHEMA);
    expect(validate(workflow), JSON.stringify(validate.errors)).toBe(true);
  });

  it("runs on pull requests that touch the project's code or deployments", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(workflow.on.pull_request.paths).toEqual(
      expect.arrayContaining(["stacks/**", "constructs/**", "variables/**", "lab/**", "main.ts", "package-lock.json"]),
    );
  });

  it("asks for an OIDC token, reads the code and writes pull-request comments, nothing more", () => {
    expect(workflow.permissions).toEqual({ "id-token": "write", contents: "read", "pull-requests": "write" });
  });

  it("pins every action to an exact release or a commit", () => {
    const uses = steps.flatMap((step) => (step.uses ? [step.uses] : []));
    expect(uses.length).toBeGreaterThanOrEqual(4);
    for (const action of uses) expect(action).toMatch(/@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
  });

  it("gets AWS credentials through OIDC from a role named by a repository variable, after npm ci", () => {
    const credentials = stepUsing("aws-actions/configure-aws-credentials");
    expect(credentials?.with?.["role-to-assume"]).toMatch(/^\$\{\{ vars\.[A-Z_]+ \}\}$/);
    expect(credentials?.with).not.toHaveProperty("aws-access-key-id");
    expect(steps.findIndex((step) => step.run === "npm ci")).toBeLessThan(steps.indexOf(credentials as Step));
  });

  it("uses the Terraform the lab is tested with, without the wrapper that would alter `show -json`", () => {
    const terraform = stepUsing("hashicorp/setup-terraform");
    expect(String(terraform?.with?.terraform_version)).toMatch(/^1\.11\./);
    expect(terraform?.with?.terraform_wrapper).toBe(false);
  });

  it("reviews each deployment of a repository variable with options the review command accepts", () => {
    expect(job.env?.DEPLOYMENTS).toMatch(/^\$\{\{ vars\.[A-Z_]+ \}\}$/);
    const review = runs.find((run) => run.includes("lab -- review"));
    const commandLine = review
      ?.replace(/\\\n\s*/g, " ")
      .match(/lab -- review (.*)/)?.[1]
      .replace(/"\$deployment"/g, "dev")
      .replace(/"\$limit"/g, "30000")
      .replace(/"[^"]*\$deployment[^"]*"/g, "file");
    expect(commandLine).toBeDefined();
    expect(parseReviewArguments((commandLine ?? "").trim().split(/\s+/))).toMatchObject({
      deployment: "dev",
      limit: 30000,
      out: "file",
      json: "file",
      full: "file",
    });
  });

  it("updates one comment found by its hidden marker, writes the job summary and labels by severity", () => {
    expect(job.env?.MARKER).toMatch(/^<!-- [a-z-]+ -->$/);
    const comment = runs.find((run) => run.includes("--method PATCH")) ?? "";
    expect(comment).toContain('echo "$MARKER"');
    expect(comment).toContain('startswith(\\"$MARKER\\")');
    expect(comment).toContain("--method POST");
    expect(runs.some((run) => run.includes('>> "$GITHUB_STEP_SUMMARY"'))).toBe(true);
    expect(runs.some((run) => run.includes('--add-label "plan-risk:$highest"'))).toBe(true);
  });

  it.each(runs.map((run, index) => [index, run]))("run script %i is valid bash", (_index, run) => {
    const script = String(run).replace(/\$\{\{[^}]*\}\}/g, "x");
    const result = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  /**
   * Runs a step's script in a scratch folder with a stand-in `gh` that answers the comment listing
   * with `existingIds` and records every other call.
   */
  function runStep(
    name: string,
    existingIds: string,
    files: Record<string, string>,
  ): { calls: string[]; status: number | null; stderr: string } {
    const script = steps.find((step) => step.name === name)?.run ?? "";
    const folder = mkdtempSync(join(tmpdir(), "plan-workflow-"));
    mkdirSync(join(folder, "bin"));
    mkdirSync(join(folder, ".lab", "pr-review"), { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(join(folder, ".lab", "pr-review", file), content);
    const log = join(folder, "gh-calls");
    writeFileSync(
      join(folder, "bin", "gh"),
      `#!/bin/bash\nif [[ " $* " == *" --paginate "* ]]; then printf '%s' "$EXISTING_IDS"; exit 0; fi\necho "$*" >> ${JSON.stringify(log)}\n`,
    );
    chmodSync(join(folder, "bin", "gh"), 0o755);
    const result = spawnSync("bash", ["--norc", "--noprofile", "-c", script.replace(/\$\{\{[^}]*\}\}/g, "x")], {
      cwd: folder,
      encoding: "utf8",
      env: {
        PATH: `${join(folder, "bin")}:${process.env.PATH}`,
        EXISTING_IDS: existingIds,
        MARKER: job.env?.MARKER,
        DEPLOYMENTS: "dev, prod",
        PR_NUMBER: "7",
        GITHUB_REPOSITORY: "owner/repo",
      },
    });
    let calls: string[] = [];
    try {
      calls = readFileSync(log, "utf8").trim().split("\n");
    } catch {
      calls = [];
    }
    return { calls, status: result.status, stderr: result.stderr };
  }

  const reports = { "dev.md": "## Plan review: `dev`\n", "prod.md": "## Plan review: `prod`\n" };

  it("updates the first comment carrying the marker in place", () => {
    const { calls, status, stderr } = runStep("One comment, updated in place", "101\n202", reports);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(calls).toEqual(["api --method PATCH repos/owner/repo/issues/comments/101 -F body=@.lab/pr-review/comment.md"]);
  });

  it("writes a new comment when none carries the marker", () => {
    const { calls, status } = runStep("One comment, updated in place", "", reports);
    expect(status).toBe(0);
    expect(calls).toEqual(["api --method POST repos/owner/repo/issues/7/comments -F body=@.lab/pr-review/comment.md"]);
  });

  // GitHub's runners have jq, and .ci/run installs it where it is missing.
  it("labels the pull request with the worst severity of all deployments and removes the other risk labels", () => {
    const findings = (...severities: string[]) => JSON.stringify({ findings: severities.map((severity) => ({ severity })) });
    const { calls, status } = runStep("Label by the highest severity", "", {
      "dev.json": findings("medium"),
      "prod.json": findings("low", "high"),
    });
    expect(status).toBe(0);
    expect(calls).toEqual([
      "pr edit 7 --remove-label plan-risk:critical",
      "pr edit 7 --remove-label plan-risk:medium",
      "pr edit 7 --remove-label plan-risk:low",
      "pr edit 7 --remove-label plan-risk:none",
      "pr edit 7 --add-label plan-risk:high",
    ]);
  });
});
