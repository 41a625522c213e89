/**
 * The issue collector of one run (validator.md §3.1): builds issues from the check registry,
 * reports each distinct issue (code, location without refresh, message) once with a count, and
 * forwards new ones to the listeners.
 */
import { CHECKS, type CheckCode } from './registry.js';
import type { IssueLocation, ValidationIssue, ValidatorEvents } from './types.js';

export interface IssueExtra {
  path?: string;
  /** Where a rule's table row names a milder case (MEDIA_FETCH after a successful retry, §4.10). */
  severity?: ValidationIssue['severity'];
}

/** What a check receives: a way to raise issues against the registry. */
export interface IssueSink {
  add(code: CheckCode, message: string, location: IssueLocation, extra?: IssueExtra): void;
}

function keyOf(i: ValidationIssue): string {
  return JSON.stringify([i.code, i.location, i.message]);
}

export class IssueCollector implements IssueSink {
  readonly issues: ValidationIssue[] = [];
  private readonly seen = new Map<string, ValidationIssue>();
  refresh = 0;

  constructor(private readonly events: Partial<ValidatorEvents> = {}) {}

  add(code: CheckCode, message: string, location: IssueLocation, extra: IssueExtra = {}): void {
    const row = CHECKS[code];
    const issue: ValidationIssue = {
      severity: extra.severity ?? row.severity,
      code,
      message,
      location,
      refresh: this.refresh,
    };
    if ('clause' in row) issue.clause = row.clause;
    if (extra.path !== undefined) issue.path = extra.path;
    const key = keyOf(issue);
    const known = this.seen.get(key);
    if (known) {
      known.count = (known.count ?? 1) + 1;
      return;
    }
    this.seen.set(key, issue);
    this.issues.push(issue);
    this.events.issue?.(issue);
  }

  count(severity: ValidationIssue['severity']): number {
    return this.issues.filter((i) => i.severity === severity).length;
  }

  has(code: CheckCode): boolean {
    return this.issues.some((i) => i.code === code);
  }
}
