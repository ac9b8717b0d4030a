// File-system helpers: output-size statistics and directory snapshots.
import fs from "node:fs";
import path from "node:path";

/** Every regular file under `dir`, as absolute paths, sorted. */
export function listFiles(dir) {
  const files = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return files.sort();
}

/** Every directory under `dir`, `dir` included. */
export function listDirs(dir) {
  const dirs = [dir];
  for (let i = 0; i < dirs.length; i++) {
    for (const e of fs.readdirSync(dirs[i], { withFileTypes: true })) {
      if (e.isDirectory()) dirs.push(path.join(dirs[i], e.name));
    }
  }
  return dirs;
}

/** `{ files, lines, bytes, tsFiles }` of a directory tree (lines = newline-terminated lines + a last partial one). */
export function dirStats(dir) {
  let lines = 0;
  let bytes = 0;
  let tsFiles = 0;
  const files = listFiles(dir);
  for (const f of files) {
    const buf = fs.readFileSync(f);
    bytes += buf.length;
    let n = 0;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
    if (buf.length > 0 && buf[buf.length - 1] !== 10) n++;
    lines += n;
    if (f.endsWith(".ts")) tsFiles++;
  }
  return { files: files.length, tsFiles, lines, bytes };
}

/** `Map<absolutePath, mtimeMs>` of a directory tree. */
export function mtimes(dir) {
  const m = new Map();
  for (const f of listFiles(dir)) m.set(f, fs.statSync(f).mtimeMs);
  return m;
}

export function readOrUndefined(file) {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
