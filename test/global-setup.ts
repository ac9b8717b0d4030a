/**
 * Vitest global setup: compiles the runtime test fixtures (test/fixtures/<name>/schema.bee) with the
 * built beeorm-gen, so the tests always run against the current generator's output. The output
 * folders are git-ignored. Needs `npm run build` first (it runs dist/, like a user would).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = "dist/generator/cli/main.js";
const FIXTURES = ["test/fixtures/matrix"];

export default function setup(): void {
  if (!existsSync(new URL(`../${CLI}`, import.meta.url))) {
    throw new Error(`${CLI} is missing: run \`npm run build\` before the tests`);
  }
  for (const fixture of FIXTURES) {
    try {
      execFileSync(process.execPath, [CLI, fixture, "--out", `${fixture}/generated`, "--quiet"], {
        cwd: ROOT,
        stdio: ["ignore", "inherit", "pipe"],
      });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
      throw new Error(`beeorm-gen failed on ${fixture}:\n${stderr}`, { cause: error });
    }
  }
}
