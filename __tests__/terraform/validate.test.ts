// `terraform validate` of every synthesized stack, offline, with hashicorp/aws from the filesystem mirror.
import { describe, expect, it } from "vitest";
import { run, terraformEnvironment, terraformFailure } from "../../lab/terraform-cli";
import { loadDeployments } from "../../variables/load";
import { synthToDisk } from "../helpers/synth-to-disk";
import { TEST_RUNTIME, VARIABLES_DIR } from "../helpers/synth";

const stackDirs = synthToDisk(loadDeployments(VARIABLES_DIR), TEST_RUNTIME);
const env = terraformEnvironment();

describe.concurrent("terraform validate", () => {
  it.each(Object.keys(stackDirs))(
    "%s is valid",
    async (stackId) => {
      const cwd = stackDirs[stackId];
      // -backend=false: validation needs no state, and prod's S3 bucket is not reachable here.
      const init = await run("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd, env });
      if (init.code !== 0) throw terraformFailure(`terraform init of ${stackId}`, init);
      const validate = await run("terraform", ["validate", "-json", "-no-color"], { cwd, env });
      const report = JSON.parse(validate.stdout) as {
        valid: boolean;
        error_count: number;
        diagnostics: Array<{ severity: string; summary: string; detail: string }>;
      };
      const problems = report.diagnostics.map((diagnostic) => `${diagnostic.severity}: ${diagnostic.summary} ${diagnostic.detail}`);
      expect(problems.filter((problem) => problem.startsWith("error"))).toEqual([]);
      expect(report.valid).toBe(true);
    },
    120_000,
  );
});
