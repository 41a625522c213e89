/**
 * Renders a manifest model with its template (eta, stack.md §3.4). Templates are read once at
 * module load; rendering is pure.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Eta } from 'eta';
import type { ManifestModel } from './model.js';
import { attr, escapeXml, timelineBody } from './xml.js';

const TEMPLATE_DIR = new URL('../templates/', import.meta.url);

const eta = new Eta({ autoTrim: [false, 'nl'], autoEscape: true, escapeFunction: escapeXml, cache: true });
for (const file of readdirSync(TEMPLATE_DIR)) {
  if (file.endsWith('.eta'))
    eta.loadTemplate(`@${file.slice(0, -4)}`, readFileSync(new URL(file, TEMPLATE_DIR), 'utf8'));
}

/** What every template (and, through eta's `include`, every partial) receives. */
export interface TemplateData {
  m: ManifestModel;
  a: typeof attr;
  timelineBody: typeof timelineBody;
}

export function renderManifest(model: ManifestModel): string {
  const data: TemplateData = { m: model, a: attr, timelineBody };
  return eta.render(`@${model.template}`, data);
}
