/**
 * `streamlab load`: opens N concurrent calls of any method for a duration and reports why
 * every stream ended (issue 9 item 6). Being built: the command is registered first.
 */
import type { Command } from 'commander';
import type { CliContext } from './cli-context.ts';

/** Adds `load` to `program`. */
export function registerLoadCommand(program: Command, _context: CliContext): Command {
  return program
    .command('load')
    .summary('open N concurrent calls of any method for a duration and report why they ended')
    .action(() => {
      throw new Error('streamlab load is not built yet');
    });
}
