/**
 * Finding the native tools tests drive (grpcurl, chromium): the tools cache that
 * stack/install-tools.sh fills first, then PATH; a clear error saying how to install one
 * that is missing.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The tools cache's bin dir, as stack/install-tools.sh and stack/stack.test.ts name it. */
export const TOOLS_BIN = join(process.env.STREAMLAB_TOOLS_DIR ?? join(process.env.HOME ?? '/root', '.cache/streamlab-tools'), 'bin');

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The first executable of `names` in the tools cache, else on PATH.
 * @param install how to install it, appended to the error
 * @throws Error naming the tool, where it looked and how to install it
 */
export function findTool(names: readonly string[], install: string): string {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const candidates = [join(TOOLS_BIN, names[0]!), ...names.flatMap((name) => onPath.map((dir) => join(dir, name)))];
  const found = candidates.find(executable);
  if (found) return found;
  throw new Error(`${names[0]} not found in ${TOOLS_BIN} nor on PATH. ${install}`);
}
