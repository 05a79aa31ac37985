import * as fs from 'node:fs';
import * as path from 'node:path';

/** The absolute path of an executable on PATH, or '' when there is none. */
export function which(
  command: string,
  pathEnv = process.env['PATH'] ?? '',
): string {
  for (const dir of pathEnv.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return '';
}
