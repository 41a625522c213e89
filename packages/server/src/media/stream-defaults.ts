/**
 * Per-stream option defaults as stored (spec app.md §2.1 `streams.defaults`, §4.4): validated
 * against the option registry (`@loopcast/dash`), with values equal to the registry default
 * dropped, full option names, prefixed families nested as objects.
 */
import {
  OPTION_PARAMS,
  formatOption,
  issueMessage,
  optionRow,
  validateStreamDefaults,
  type OptionIssue,
  type OptionParam,
} from '@loopcast/dash';

const PARAM_BY_FULL_NAME: ReadonlyMap<string, OptionParam> = new Map(
  OPTION_PARAMS.map((p) => [optionRow(p).fullName, p]),
);

/** Full names of the options a stream may store as defaults (the registry's own flag, §4.4). */
export const DEFAULTABLE_OPTIONS: readonly string[] = OPTION_PARAMS.filter(
  (p) => optionRow(p).streamDefault,
).map((p) => optionRow(p).fullName);

/** The first problem with a defaults object, as the field it names and a sentence; null when valid. */
export function defaultsProblem(values: Record<string, unknown>): { field: string; message: string } | null {
  const issues: OptionIssue[] = validateStreamDefaults(values);
  const first = issues[0];
  return first ? { field: first.param, message: `${issueMessage(first)}.` } : null;
}

function textOf(value: unknown): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** Whether a (valid) stored value means the same as the registry default. */
function isDefault(param: OptionParam, value: unknown): boolean {
  const row = optionRow(param);
  const text = textOf(value);
  if (text === '') return true;
  const parsed = row.codec.parse(text);
  return parsed.ok && formatOption(param, parsed.value) === formatOption(param, row.default);
}

/** Drops values equal to the registry default (§4.4) and families left empty. Input must be valid. */
export function withoutRegistryDefaults(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const param = PARAM_BY_FULL_NAME.get(name);
    if (param) {
      if (!isDefault(param, value)) out[name] = value;
      continue;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const family: Record<string, unknown> = {};
      for (const [sub, v] of Object.entries(value as Record<string, unknown>)) {
        const p = PARAM_BY_FULL_NAME.get(`${name}.${sub}`);
        if (p && !isDefault(p, v)) family[sub] = v;
      }
      if (Object.keys(family).length) out[name] = family;
    }
  }
  return out;
}
