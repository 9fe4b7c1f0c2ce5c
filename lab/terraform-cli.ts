// Terraform for the lab's tools: a CLI config that installs hashicorp/aws from an offline mirror, and a runner.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { PROJECT_ROOT } from "../variables/runtime";

export const AWS_PROVIDER_VERSION = "5.100.0";
const PROVIDER_PATH = join("registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION);

/** Folders searched for a filesystem mirror holding hashicorp/aws (first hit wins). */
export function mirrorCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    env.LAB_PROVIDER_MIRROR,
    "/opt/tf-plugins",
    join(homedir(), ".terraform.d", "plugins"),
    join(homedir(), ".local", "share", "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
  ].filter((candidate): candidate is string => Boolean(candidate));
}

export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return mirrorCandidates(env).find((candidate) => existsSync(join(candidate, PROVIDER_PATH)));
}

/**
 * The CLI config: hashicorp/aws from the mirror when there is one (offline machines), everything
 * else from the registry. Without a mirror Terraform uses the registry as usual.
 */
export function cliConfigText(mirror: string | undefined): string {
  if (!mirror) return "# No offline provider mirror found: providers come from the registry.\n";
  return [
    "# Written by lab/terraform-cli.ts: hashicorp/aws comes from the offline filesystem mirror.",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/hashicorp/aws"]',
    "  }",
    "  direct {",
    '    exclude = ["registry.terraform.io/hashicorp/aws"]',
    "  }",
    "}",
    "",
  ].join("\n");
}

export const DEFAULT_CLI_CONFIG = join(PROJECT_ROOT, ".lab", "terraform.tfrc");

/** Writes the CLI config and returns the environment Terraform (and cdktf) should run with. */
export function terraformEnvironment(env: NodeJS.ProcessEnv = process.env, configPath: string = DEFAULT_CLI_CONFIG): NodeJS.ProcessEnv {
  mkdirSync(dirname(configPath), { recursive: true });
  writeFileSync(configPath, cliConfigText(findProviderMirror(env)));
  return {
    ...env,
    TF_CLI_CONFIG_FILE: configPath,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    // No calls home: the machines may be offline.
    CHECKPOINT_DISABLE: "1",
  };
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion, capturing output (and echoing it when `echo` is set). */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; echo?: boolean } = {},
): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

/** Terraform's own words when a command failed: the error blocks, not just an exit code. */
export function terraformFailure(what: string, result: CommandResult): Error {
  const detail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-60).join("\n");
  return new Error(`${what} failed (exit ${result.code}):\n${detail}`);
}
