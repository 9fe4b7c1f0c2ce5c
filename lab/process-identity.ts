// What a pid is right now (command line, start time), so a saved pid is signalled only while it is still our process.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined
 * where there is no /proc. Together with the pid it names one process: a pid reused after an exit
 * or a reboot comes back with another start time.
 */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name in parentheses may hold spaces and parentheses; the fields after it do not.
    const fieldsFromState = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fieldsFromState[22 - 3];
  } catch {
    return undefined;
  }
}

/** The process's arguments (argv), from /proc or else `ps`; undefined when the process cannot be read. */
export function processCommandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    // No /proc (macOS): ps prints the arguments joined by spaces, enough to find a path among them.
  }
  try {
    const args = execFileSync("ps", ["-o", "args=", "-p", String(pid)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return args.trim() ? args.trim().split(/\s+/) : undefined;
  } catch {
    return undefined;
  }
}
