/** A small argument parser: `--name value`, `--name=value`, boolean flags and positionals. */

export class UsageError extends Error {}

export interface ParsedArgs {
  /** The last value of each value flag. */
  values: Map<string, string>;
  /** Every value of each value flag, in order (for flags that may be repeated). */
  lists: Map<string, string[]>;
  booleans: Set<string>;
  positionals: string[];
}

/**
 * @param valueFlags flags that take a value (e.g. `--port`)
 * @param booleanFlags flags that stand alone (e.g. `--force`)
 */
export function parseArgs(
  argv: string[],
  valueFlags: readonly string[],
  booleanFlags: readonly string[],
): ParsedArgs {
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const booleans = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (booleanFlags.includes(name)) {
      if (eq !== -1) throw new UsageError(`${name} takes no value`);
      booleans.add(name);
    } else if (valueFlags.includes(name)) {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      values.set(name, value);
      lists.set(name, [...(lists.get(name) ?? []), value]);
    } else {
      throw new UsageError(`unknown option ${name}`);
    }
  }
  return { values, lists, booleans, positionals };
}
