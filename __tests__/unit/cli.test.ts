// The CLI as a person runs it (tsx, not vitest's loaders): its whole module graph loads, and bad input exits 2 with one line.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
const lab = (...args: string[]) =>
  spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "lab", "cli.ts"), ...args], { cwd: ROOT, encoding: "utf8" });

describe("npm run lab", () => {
  it("loads every command's code and names the commands for an unknown one", () => {
    const result = lab("nope");
    expect(result.stderr.trim().split("\n").at(-1)).toBe(
      'unknown command "nope"; choose one of: up, plan, down, destroy, status, seed, test-connection, start, stop, verify, cutover, psql, review, apply',
    );
    expect(result.status).toBe(2);
  });

  it("names the deployments for an unknown one", () => {
    const result = lab("status", "--deployment", "staging");
    expect(result.stderr.trim().split("\n").at(-1)).toBe('unknown deployment "staging"; choose one of: local, dev, prod');
    expect(result.status).toBe(2);
  });
}, 30_000);
