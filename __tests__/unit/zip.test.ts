// The deterministic zip writer: identical bytes for identical input, and an archive other tools read back.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { zipEntries } from "../../functions/zip";

const entries = [
  { name: "index.js", data: Buffer.from("exports.handler = async () => 42;\n".repeat(50)) },
  { name: "lib/util.js", data: Buffer.from("module.exports = 1;\n"), mode: 0o755 },
];

describe("zipEntries", () => {
  it("writes the same bytes for the same files, whatever their order", () => {
    expect(zipEntries(entries).equals(zipEntries([...entries].reverse()))).toBe(true);
  });

  it("changes when a file changes", () => {
    const changed = [{ ...entries[0], data: Buffer.from("exports.handler = async () => 43;\n") }, entries[1]];
    expect(zipEntries(changed).equals(zipEntries(entries))).toBe(false);
  });

  it("is read back by Python's zipfile with contents, modes and the 1980 date", () => {
    const path = join(mkdtempSync(join(tmpdir(), "zip-test-")), "package.zip");
    writeFileSync(path, zipEntries(entries));
    const script = [
      "import json, sys, zipfile",
      "z = zipfile.ZipFile(sys.argv[1])",
      "assert z.testzip() is None",
      "print(json.dumps([[i.filename, z.read(i).decode(), oct(i.external_attr >> 16), list(i.date_time)] for i in z.infolist()]))",
    ].join("\n");
    const listing = JSON.parse(execFileSync("python3", ["-c", script, path], { encoding: "utf8" })) as Array<
      [string, string, string, number[]]
    >;
    expect(listing).toEqual([
      ["index.js", entries[0].data.toString(), "0o100644", [1980, 1, 1, 0, 0, 0]],
      ["lib/util.js", "module.exports = 1;\n", "0o100755", [1980, 1, 1, 0, 0, 0]],
    ]);
  });
});
