/**
 * One validation run (validator.md §2.2): manifest → clock → plan → init segments → media
 * segments → live loop → report. All I/O goes through the injected Fetcher and all time through
 * the injected clock, so tests feed recorded responses and a fixed clock.
 */
import type { Element } from '@xmldom/xmldom';
import { checkAddressing } from './checks/addressing.js';
import { elementLocation, type ManifestContext } from './checks/context.js';
import { checkEvents } from './checks/events.js';
import { checkInitSegment, type InitFacts } from './checks/init.js';
import { checkPublishFresh, checkRefresh, listingOf, type Listing } from './checks/live.js';
import { checkMediaSegment, type MediaFacts } from './checks/media.js';
import { checkMpdElement } from './checks/mpd-element.js';
import { checkUnknown } from './checks/unknown.js';
import { checkPeriods } from './checks/periods.js';
import { checkProtection, setProtection } from './checks/protection.js';
import { checkSets } from './checks/sets.js';
import { synchroniseClock } from './clock.js';
import { describeCodecs } from './codecs.js';
import { IssueCollector } from './issues.js';
import {
  buildMpdModel,
  MPD_NS,
  representations,
  type MpdModel,
  type PeriodModel,
  type RepresentationModel,
} from './mpd.js';
import {
  periodEnd,
  planRepresentation,
  selectSegments,
  type RepresentationPlan,
  type SegmentRef,
} from './plan.js';
import { checkAlternatives, digest, type PrimarySegment } from './baseurl-alternatives.js';
import { sortIssues } from './report.js';
import { planSegmentBase } from './segment-base.js';
import type {
  CodecInfo,
  FetchKind,
  FetchResult,
  Fetcher,
  LogLevel,
  Phase,
  ValidateOptions,
  ValidationReport,
  ValidatorEvents,
} from './types.js';
import { attr, children, parseXml } from './xml.js';
import { validateXsd } from './xsd.js';
import { isoTime } from './xs-time.js';
import { applyPatch } from './patch.js';
import { DOCTYPE_REFUSED } from './fetch/fetcher.js';
import { canonical } from '../patch/diff.js';

const MAX_MEDIA_SEGMENTS = 5000;
const MAX_REFRESHES = 100;
/** Clock precision allowed at availability window edges (UTCTiming sources give whole seconds). */
const CLOCK_MARGIN_MS = 1000;

interface RepState {
  key: string;
  order: number;
  init?: InitFacts;
  initChecked: boolean;
  previous?: { ref: SegmentRef; facts: MediaFacts };
  checked: Set<string>;
  earlyProbed: boolean;
  frameRateChecked?: boolean;
  /** What the primary BaseURL answered, for MPD_BASEURL_ALTERNATIVES (several BaseURLs only). */
  primaryInit?: PrimarySegment;
  primaryMedia?: PrimarySegment;
  alternativesChecked?: boolean;
}

export async function validate(
  opts: ValidateOptions,
  fetcher: Fetcher,
  events: Partial<ValidatorEvents> = {},
  clock: () => number = Date.now,
): Promise<ValidationReport> {
  return new Run(opts, fetcher, events, clock, sleep).run();
}

/** Waits `ms` or until the signal aborts; tests pass one that moves a virtual clock instead. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** `validate` with the wait between refreshes injected (unit tests of the live loop). */
export function validateWith(
  opts: ValidateOptions,
  fetcher: Fetcher,
  events: Partial<ValidatorEvents>,
  clock: () => number,
  wait: Sleep,
): Promise<ValidationReport> {
  return new Run(opts, fetcher, events, clock, wait).run();
}

class Run {
  private readonly sink: IssueCollector;
  private readonly controller = new AbortController();
  private readonly startedAt: number;
  private readonly summary = { manifests: 0, patches: 0, initSegments: 0, mediaSegments: 0, bytes: 0 };
  private offset: number | null = null;
  private type: 'static' | 'dynamic' | null = null;
  private codecs: CodecInfo[] = [];
  private readonly reps = new Map<string, RepState>();
  private limitHit = false;
  private done = 0;
  private total = 0;
  private phase: Phase = 'manifest';

  constructor(
    private readonly opts: ValidateOptions,
    private readonly fetcher: Fetcher,
    private readonly events: Partial<ValidatorEvents>,
    private readonly clock: () => number,
    private readonly wait: Sleep,
  ) {
    this.sink = new IssueCollector(events);
    this.startedAt = clock();
    if (opts.signal) {
      if (opts.signal.aborted) this.controller.abort();
      else opts.signal.addEventListener('abort', () => this.controller.abort(), { once: true });
    }
  }

  private get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  private now(): number {
    return this.clock() + (this.offset ?? 0);
  }

  private log(level: LogLevel, text: string): void {
    this.events.log?.({ level, text, at: new Date(this.clock()).toISOString() });
  }

  private progress(phase: Phase, text: string): void {
    this.phase = phase;
    this.events.progress?.({ done: this.done, total: this.total, phase, text });
  }

  private async get(url: string, kind: FetchKind, range?: [number, number]): Promise<FetchResult> {
    const r = await this.fetcher.fetch({
      url,
      method: 'GET',
      kind,
      signal: this.controller.signal,
      ...(range && { range }),
    });
    this.summary.bytes += r.body.byteLength;
    this.log(
      r.status >= 200 && r.status < 300 ? 'debug' : 'warn',
      `GET ${url}${range ? ` [${range[0]}-${range[1]}]` : ''} → ${r.failure ?? r.status} (${r.body.byteLength} bytes, ${r.attempts} attempt${r.attempts === 1 ? '' : 's'})`,
    );
    return r;
  }

  async run(): Promise<ValidationReport> {
    try {
      await this.main();
    } catch (err) {
      if (!this.aborted) {
        this.log('error', `validation stopped: ${(err as Error).stack ?? String(err)}`);
        throw err;
      }
    }
    this.progress('done', this.aborted ? 'cancelled' : 'finished');
    return this.report();
  }

  private report(): ValidationReport {
    const issues = sortIssues(this.sink.issues, (key) => this.reps.get(key)?.order ?? 0);
    return {
      reportVersion: 1,
      url: this.opts.url,
      startedAt: new Date(this.startedAt).toISOString(),
      finishedAt: new Date(this.clock()).toISOString(),
      aborted: this.aborted,
      options: {
        duration: this.opts.duration,
        encrypted: this.opts.encrypted,
        media: this.opts.media,
        concurrency: this.opts.concurrency,
      },
      type: this.type,
      clockOffsetMs: this.offset === null ? null : Math.round(this.offset),
      summary: {
        errors: this.sink.count('error'),
        warnings: this.sink.count('warning'),
        infos: this.sink.count('info'),
        ...this.summary,
      },
      codecs: this.codecs,
      issues,
    };
  }

  /** Fetches and parses one MPD; undefined when it is not usable (issues raised). */
  private async loadManifest(
    url: string,
    refresh: number,
  ): Promise<{ mpd: MpdModel; fetchedAt: number } | undefined> {
    const before = this.clock();
    const r = await this.get(url, 'manifest');
    const fetchedAt = (before + this.clock()) / 2;
    const loc = { kind: 'url' as const, url };
    const code = refresh === 0 ? 'DOC_FETCH' : 'LIVE_REFRESH';
    if (this.aborted) return undefined;
    if (r.failureDetail === DOCTYPE_REFUSED) {
      // §6.2: refused by the fetcher before any XML parser saw it
      this.sink.add(refresh === 0 ? 'DOC_XML' : 'LIVE_REFRESH', r.failureDetail, loc);
      return undefined;
    }
    if (r.status !== 200 || r.failure) {
      this.sink.add(
        code,
        `the manifest answered ${r.failure ? `${r.failure}${r.failureDetail ? ` (${r.failureDetail})` : ''}` : `HTTP ${r.status}`}, not 200`,
        loc,
      );
      return undefined;
    }
    this.summary.manifests++;
    const ct = (r.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (ct !== 'application/dash+xml' && !r.url.startsWith('file:'))
      this.sink.add(
        'DOC_CONTENT_TYPE',
        `Content-Type is "${r.headers['content-type'] ?? ''}", not application/dash+xml`,
        { kind: 'url', url: r.url },
      );
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(r.body);
    } catch {
      this.sink.add('DOC_XML', 'the manifest is not valid UTF-8', { kind: 'url', url: r.url });
      return undefined;
    }
    const parsed = parseXml(text);
    if (!parsed.ok) {
      const line = parsed.line;
      this.sink.add(
        'DOC_XML',
        `the manifest is not well-formed XML: ${parsed.message}`,
        line ? { kind: 'manifest', url: r.url, line, column: 1, endLine: line } : { kind: 'url', url: r.url },
      );
      return undefined;
    }
    const xml = parsed.xml;
    if (xml.root.localName !== 'MPD' || xml.root.namespaceURI !== MPD_NS) {
      const s = xml.span(xml.root);
      this.sink.add(
        'DOC_ROOT',
        `the root element is {${xml.root.namespaceURI ?? ''}}${xml.root.localName}, not {${MPD_NS}}MPD`,
        { kind: 'manifest', url: r.url, line: s.line, column: s.column, endLine: s.endLine },
      );
      return undefined;
    }
    const mpd = buildMpdModel(xml, r.url);
    this.events.manifest?.({
      url: r.url,
      refresh,
      publishTime: mpd.publishTime !== undefined ? isoTime(mpd.publishTime) : null,
      text: xml.text,
    });
    if (this.opts.schemaPath) {
      for (const m of await validateXsd(xml.text, this.opts.schemaPath, this.controller.signal))
        this.sink.add('DOC_XSD', m.message, {
          kind: 'manifest',
          url: r.url,
          line: m.line,
          column: 1,
          endLine: m.line,
        });
    }
    return { mpd, fetchedAt };
  }

  private structureChecks(ctx: ManifestContext): Map<RepresentationModel, RepresentationPlan> {
    checkMpdElement(ctx);
    checkUnknown(ctx);
    checkPeriods(ctx);
    checkSets(ctx);
    checkProtection(ctx);
    checkEvents(ctx);
    checkPublishFresh(ctx);
    this.checkPatchLocation(ctx);
    const plans = new Map<RepresentationModel, RepresentationPlan>();
    for (const { period, rep } of representations(ctx.mpd))
      plans.set(rep, planRepresentation(ctx.mpd, period, rep, ctx.now));
    checkAddressing(ctx, plans);
    return plans;
  }

  private checkPatchLocation(ctx: ManifestContext): void {
    const el = ctx.mpd.patchLocation;
    if (!el) return;
    const u = (el.textContent ?? '').trim();
    if (!/^https?:\/\/\S+$/.test(u))
      ctx.sink.add(
        'PATCH_LOCATION',
        `PatchLocation "${u}" is not an absolute http(s) URL`,
        elementLocation(ctx.mpd, el),
      );
    const ttl = attr(el, 'ttl');
    if (ttl !== undefined && !/^\d+$/.test(ttl))
      ctx.sink.add(
        'PATCH_LOCATION',
        `PatchLocation@ttl "${ttl}" is not a non-negative integer`,
        elementLocation(ctx.mpd, el),
      );
  }

  private context(mpd: MpdModel): ManifestContext {
    return { mpd, sink: this.sink, now: this.now(), encrypted: this.opts.encrypted };
  }

  private async main(): Promise<void> {
    this.progress('manifest', `fetching ${this.opts.url}`);
    const first = await this.loadManifest(this.opts.url, 0);
    if (!first) return;
    let mpd = first.mpd;
    this.type = mpd.type;
    if (mpd.type === 'dynamic') {
      this.progress('clock', 'synchronising the clock');
      this.offset = await synchroniseClock(
        mpd,
        this.fetcher,
        this.clock,
        this.sink,
        this.controller.signal,
        first.fetchedAt,
      );
      if (this.offset !== null) {
        this.log('info', `clock offset ${Math.round(this.offset)} ms`);
        if (Math.abs(this.offset) > 2000)
          this.sink.add(
            'LIVE_CLOCK',
            `the synchronised clock differs from the local clock by ${(this.offset / 1000).toFixed(1)} s`,
            { kind: 'url', url: mpd.url },
          );
      }
    }
    let plans = this.structureChecks(this.context(mpd));
    this.registerReps(mpd);
    this.codecs = codecTable(mpd);
    this.events.codecs?.(this.codecs);
    await this.checkSegments(mpd, plans, 'first');
    let listing = keyedListing(mpd, plans);
    if (mpd.type !== 'dynamic' || !mpd.minimumUpdatePeriod) return;
    // a pinned clock (tests with `now=`) never reaches the next publish time
    if (this.clock() === this.startedAt) return;
    // live loop (§2.2 step 6)
    const deadline = this.startedAt + this.opts.duration * 1000;
    let lastFetch = first.fetchedAt;
    for (let refresh = 1; refresh <= MAX_REFRESHES && !this.aborted && !this.pastRunTime(); refresh++) {
      const mup = mpd.minimumUpdatePeriod ?? 0;
      const due =
        mpd.publishTime !== undefined
          ? mpd.publishTime + mup * 1000 - (this.offset ?? 0)
          : lastFetch + mup * 1000;
      const at = Math.min(Math.max(due, lastFetch + 1000), lastFetch + 60_000);
      if (at > deadline) break;
      const waitText = `refresh ${refresh} in ${((at - this.clock()) / 1000).toFixed(1)} s`;
      this.progress('waiting', waitText);
      this.log('info', waitText);
      const before = this.clock();
      await this.wait(at - before, this.controller.signal);
      if (this.aborted) break;
      // a pinned clock (tests with `now=`) never reaches the next publish time
      if (this.clock() === before && at > before) break;
      this.sink.refresh = refresh;
      const url = mpd.locations[0] && /^https?:/.test(mpd.locations[0]) ? mpd.locations[0] : this.opts.url;
      const patchUrl = mpd.patchLocation ? (mpd.patchLocation.textContent ?? '').trim() : '';
      let next = /^https?:\/\//.test(patchUrl) ? await this.loadPatch(mpd, patchUrl, refresh) : undefined;
      if (next && !this.patchCompared) {
        this.patchCompared = true;
        await this.comparePatched(next.mpd, url, patchUrl);
      }
      if (!next) {
        this.progress('refresh', `refresh ${refresh}: ${url}`);
        next = await this.loadManifest(url, refresh);
      }
      lastFetch = this.clock();
      if (!next) continue;
      const ctx = this.context(next.mpd);
      const nextPlans = this.structureChecks(ctx);
      const nextListing = keyedListing(next.mpd, nextPlans);
      checkRefresh(ctx, mpd, listing, nextListing);
      this.registerReps(next.mpd);
      mpd = next.mpd;
      plans = nextPlans;
      listing = nextListing;
      await this.checkSegments(mpd, plans, 'refresh');
      if (mpd.type === 'static') break;
    }
  }

  private patchCompared = false;
  private runTimeHit = false;

  /** §6.2: a run lasts at most `duration` + 120 s; then it ends with a warning, not aborted. */
  private pastRunTime(): boolean {
    if (this.runTimeHit) return true;
    if (this.clock() <= this.startedAt + (this.opts.duration + 120) * 1000) return false;
    this.runTimeHit = true;
    this.sink.add(
      'RUN_LIMIT',
      `the run reached its time limit of ${this.opts.duration + 120} s; the report lists what was found so far`,
      { kind: 'url', url: this.opts.url },
    );
    return true;
  }

  /** §4.12: the refresh through PatchLocation; undefined means "fetch the full MPD instead". */
  private async loadPatch(
    previous: MpdModel,
    url: string,
    refresh: number,
  ): Promise<{ mpd: MpdModel; fetchedAt: number } | undefined> {
    this.progress('patch', `refresh ${refresh}: patch ${url}`);
    let before = this.clock();
    let r = await this.get(url, 'patch');
    // Our clock is synchronised to a time source of one-second precision, so a refresh can come a
    // little before the next publish time: a 425 with a short Retry-After is waited out once.
    const retryAfter = Number(r.headers['retry-after']);
    if (r.status === 425 && retryAfter >= 0 && retryAfter <= 2) {
      this.log('info', `patch ${url} answered 425; retrying in ${retryAfter} s`);
      await this.wait(Math.max(250, retryAfter * 1000), this.controller.signal);
      if (this.aborted) return undefined;
      before = this.clock();
      r = await this.get(url, 'patch');
    }
    const fetchedAt = (before + this.clock()) / 2;
    if (this.aborted) return undefined;
    if (r.status !== 200) {
      // 410 after the ttl and 425 (too early) are correct answers that lead to a full fetch
      if (r.status !== 410 && r.status !== 425)
        this.sink.add('PATCH_FETCH', `the patch answered ${r.failure ?? `HTTP ${r.status}`}, not 200`, {
          kind: 'patch',
          url,
        });
      else this.log('info', `patch ${url} answered ${r.status}; fetching the full MPD`);
      return undefined;
    }
    this.summary.patches++;
    const text = Buffer.from(r.body).toString('utf8');
    this.events.manifest?.({ url, refresh, publishTime: null, text });
    const applied = applyPatch({ previous, text, url, headers: r.headers, sink: this.sink });
    if (!applied.ok) return undefined;
    const parsed = parseXml(applied.text);
    if (!parsed.ok) {
      this.sink.add('PATCH_APPLY', `the patched MPD does not parse again: ${parsed.message}`, {
        kind: 'patch',
        url,
      });
      return undefined;
    }
    const mpd = buildMpdModel(parsed.xml, previous.url);
    this.events.manifest?.({
      url: previous.url,
      refresh,
      publishTime: mpd.publishTime !== undefined ? isoTime(mpd.publishTime) : null,
      text: parsed.xml.text,
    });
    return { mpd, fetchedAt };
  }

  /** §4.12: once per run, the full MPD of the same publishTime must equal the patched one. */
  private async comparePatched(patched: MpdModel, url: string, patchUrl: string): Promise<void> {
    const r = await this.get(url, 'manifest');
    if (r.status !== 200) return;
    this.summary.manifests++;
    const full = parseXml(Buffer.from(r.body).toString('utf8'));
    if (!full.ok) return;
    const fullModel = buildMpdModel(full.xml, url);
    if (fullModel.publishTime !== patched.publishTime) {
      this.log('info', 'the full MPD has another publishTime than the patched one; not compared');
      return;
    }
    const strip = (m: MpdModel): string => canonical(m.root);
    if (strip(fullModel) !== strip(patched))
      this.sink.add(
        'PATCH_RESULT',
        `the patched MPD differs from the full MPD of the same publishTime ${isoTime(patched.publishTime ?? 0)}`,
        { kind: 'patch', url: patchUrl },
      );
  }

  private registerReps(mpd: MpdModel): void {
    for (const { period, rep } of representations(mpd)) {
      const key = repKey(period, rep);
      if (!this.reps.has(key))
        this.reps.set(key, {
          key,
          order: this.reps.size,
          initChecked: false,
          checked: new Set(),
          earlyProbed: false,
        });
    }
  }

  /** Init segments of every Representation, then the selected media segments (§2.3). */
  private async checkSegments(
    mpd: MpdModel,
    plans: Map<RepresentationModel, RepresentationPlan>,
    when: 'first' | 'refresh',
  ): Promise<void> {
    const jobs: {
      period: PeriodModel;
      rep: RepresentationModel;
      plan: RepresentationPlan;
      state: RepState;
      refs: SegmentRef[];
    }[] = [];
    for (const { period, rep } of representations(mpd)) {
      const plan = plans.get(rep);
      const state = this.reps.get(repKey(period, rep));
      if (!plan || !state) continue;
      jobs.push({ period, rep, plan, state, refs: [] });
    }
    this.progress('init', 'init segments');
    this.total += jobs.filter((j) => !j.state.initChecked).length;
    await pool(jobs, this.opts.concurrency, async (j) => {
      if (j.state.initChecked || this.aborted) return;
      j.state.initChecked = true;
      await this.checkInit(mpd, j.period, j.rep, j.plan, j.state);
      this.done++;
      this.progress('init', `init ${j.rep.id}`);
    });
    if (!this.opts.media || this.aborted) return this.checkBaseUrlAlternatives(jobs);
    const dynamic = mpd.type === 'dynamic';
    for (const j of jobs) {
      if (j.rep.addressing.kind === 'base' && j.plan.indexRange && when === 'first')
        await planSegmentBase({
          mpd,
          period: j.period,
          rep: j.rep,
          plan: j.plan,
          sink: this.sink,
          get: (url, kind, range) => this.get(url, kind, range),
          aborted: () => this.aborted,
        });
      const candidates =
        when === 'first'
          ? selectSegments(j.plan.segments, dynamic, this.opts.duration, mpd.timeShiftBufferDepth)
          : j.plan.segments;
      j.refs = candidates.filter((s) => !j.state.checked.has(s.url));
      // §2.3: a refresh checks only segments listed for the first time
      for (const s of j.plan.segments) j.state.checked.add(s.url);
    }
    let planned = jobs.reduce((n, j) => n + j.refs.length, 0);
    if (this.summary.mediaSegments + planned > MAX_MEDIA_SEGMENTS) {
      let room = Math.max(0, MAX_MEDIA_SEGMENTS - this.summary.mediaSegments);
      for (const j of jobs) {
        j.refs = j.refs.slice(0, Math.min(j.refs.length, Math.ceil(room / jobs.length)));
      }
      room = jobs.reduce((n, j) => n + j.refs.length, 0);
      if (!this.limitHit)
        this.sink.add(
          'RUN_LIMIT',
          `the plan holds ${planned} media segments; only ${MAX_MEDIA_SEGMENTS} per run are checked`,
          { kind: 'url', url: mpd.url },
        );
      this.limitHit = true;
      planned = room;
    }
    this.total += planned;
    this.progress('media', 'media segments');
    await pool(jobs, this.opts.concurrency, async (j) => {
      for (const ref of j.refs) {
        if (this.aborted || this.pastRunTime()) return;
        await this.checkMedia(mpd, j.period, j.rep, ref, j.state);
        this.done++;
        this.progress('media', `${j.rep.id} #${ref.number ?? ref.time}`);
      }
      if (dynamic && !j.state.earlyProbed) {
        j.state.earlyProbed = true;
        await this.probeEarly(mpd, j.period, j.rep, j.plan);
      }
    });
    await this.checkBaseUrlAlternatives(jobs);
  }

  /** MPD_BASEURL_ALTERNATIVES (§4.2): once per Representation with several BaseURLs. */
  private async checkBaseUrlAlternatives(
    jobs: readonly { period: PeriodModel; rep: RepresentationModel; state: RepState }[],
  ): Promise<void> {
    const due = jobs.filter((j) => j.rep.baseUrls.length > 1 && !j.state.alternativesChecked);
    await pool(due, this.opts.concurrency, async ({ period, rep, state }) => {
      if (this.aborted) return;
      state.alternativesChecked = true;
      const segments = [state.primaryInit, state.primaryMedia].filter(
        (s): s is PrimarySegment => s !== undefined,
      );
      await checkAlternatives({
        rep,
        segments,
        sink: this.sink,
        get: (url, kind, range) => this.get(url, kind, range),
        location: (url, s) => this.segmentLocation(period, rep, url, s.init, s.ref, s.range),
        aborted: () => this.aborted,
      });
    });
  }

  private segmentLocation(
    period: PeriodModel,
    rep: RepresentationModel,
    url: string,
    init: boolean,
    ref?: SegmentRef,
    range?: [number, number],
  ) {
    return {
      kind: 'segment' as const,
      url,
      periodId: period.id ?? String(period.index),
      representationId: rep.id,
      init,
      ...(range && { range: `${range[0]}-${range[1]}` }),
      ...(ref?.number !== undefined && { number: ref.number }),
      ...(ref && { time: ref.time }),
    };
  }

  private async checkInit(
    mpd: MpdModel,
    period: PeriodModel,
    rep: RepresentationModel,
    plan: RepresentationPlan,
    state: RepState,
  ): Promise<void> {
    if (!plan.init) return;
    if (rep.addressing.kind === 'single') return;
    const { url, range } = plan.init;
    const loc = this.segmentLocation(period, rep, url, true, undefined, range);
    const primary: PrimarySegment | undefined =
      rep.baseUrls.length > 1 ? { init: true, url, ...(range && { range }) } : undefined;
    state.primaryInit = primary;
    const r = await this.get(url, 'init', range);
    if (this.aborted) return;
    const want = range ? 206 : 200;
    if (r.status !== want && !(range && r.status === 200)) {
      this.sink.add(
        'INIT_FETCH',
        `${underBase(rep)}the init segment answered ${r.failure ? `${r.failure}${r.failureDetail ? ` (${r.failureDetail})` : ''}` : `HTTP ${r.status}`}, not ${want}`,
        loc,
        { path: rep.path },
      );
      return;
    }
    let body = r.body;
    if (range && r.status === 200) body = body.subarray(range[0], range[1] + 1);
    if (body.byteLength === 0) {
      this.sink.add('INIT_FETCH', 'the init segment is empty', loc, { path: rep.path });
      return;
    }
    this.summary.initSegments++;
    if (primary) primary.digest = digest(body);
    this.contentType(r, rep, 'INIT_CONTENT_TYPE', loc);
    const facts = checkInitSegment({ mpd, rep, body, location: loc, sink: this.sink });
    if (facts) {
      state.init = facts;
      const info = this.codecs.find(
        (c) => c.representationId === rep.id && c.periodId === (period.id ?? String(period.index)),
      );
      if (info) {
        info.encrypted = facts.encrypted;
        if (facts.scheme) info.scheme = facts.scheme;
        info.kids = facts.kids;
        if (facts.channels && info.channels === undefined) info.channels = facts.channels;
      }
      const acc = [
        ...children(rep.el, 'AudioChannelConfiguration'),
        ...children(rep.el.parentNode as Element, 'AudioChannelConfiguration'),
      ].find((e) => attr(e, 'schemeIdUri') === 'urn:mpeg:dash:23003:3:audio_channel_configuration:2011');
      if (acc && facts.channels !== undefined && Number(attr(acc, 'value')) !== facts.channels)
        this.sink.add(
          'AS_AUDIO_CHANNELS',
          `AudioChannelConfiguration says ${attr(acc, 'value') ?? ''} channels, the init segment ${facts.channels}`,
          elementLocation(mpd, acc),
          { path: rep.path },
        );
    }
  }

  private contentType(
    r: FetchResult,
    rep: RepresentationModel,
    code: 'INIT_CONTENT_TYPE' | 'MEDIA_CONTENT_TYPE',
    loc: ReturnType<Run['segmentLocation']>,
  ): void {
    const ct = (r.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (rep.mimeType && ct && ct !== rep.mimeType.toLowerCase() && !r.url.startsWith('file:'))
      this.sink.add(code, `Content-Type is "${ct}", @mimeType is "${rep.mimeType}"`, loc, { path: rep.path });
  }

  private async checkMedia(
    mpd: MpdModel,
    period: PeriodModel,
    rep: RepresentationModel,
    ref: SegmentRef,
    state: RepState,
  ): Promise<void> {
    const loc = this.segmentLocation(period, rep, ref.url, false, ref, ref.range);
    // the first media segment checked is the one compared under the other BaseURLs
    const primary: PrimarySegment | undefined =
      rep.baseUrls.length > 1 && !state.primaryMedia
        ? { init: false, url: ref.url, ref, ...(ref.range && { range: ref.range }) }
        : undefined;
    if (primary) state.primaryMedia = primary;
    const r = await this.get(ref.url, 'media', ref.range);
    if (this.aborted) return;
    const want = ref.range ? 206 : 200;
    if (r.status !== want && !(ref.range && r.status === 200)) {
      const now = this.now();
      const what = r.failure
        ? `${r.failure}${r.failureDetail ? ` (${r.failureDetail})` : ''}`
        : `HTTP ${r.status}`;
      const dynamic = mpd.type === 'dynamic' && ref.availableFrom !== undefined;
      const from = ref.availableFrom ?? 0;
      const until = ref.availableUntil ?? Infinity;
      // time sources give whole seconds: within that margin of a window edge the answer is not judged
      const nearEdge =
        dynamic && (Math.abs(now - from) < CLOCK_MARGIN_MS || Math.abs(now - until) < CLOCK_MARGIN_MS);
      const inWindow = dynamic && from <= now && until >= now && !nearEdge;
      if (nearEdge && [404, 410, 425].includes(r.status)) {
        this.log(
          'info',
          `${ref.url} answered ${r.status} within ${CLOCK_MARGIN_MS} ms of its window edge; not judged`,
        );
        state.previous = undefined;
        return;
      }
      if (inWindow && [404, 410, 425].includes(r.status))
        this.sink.add(
          'MEDIA_AVAILABLE',
          `${underBase(rep)}the segment answered ${what} inside its availability window (${isoTime(ref.availableFrom!)} – ${isoTime(ref.availableUntil ?? Infinity)})`,
          loc,
          { path: rep.path },
        );
      else
        this.sink.add('MEDIA_FETCH', `${underBase(rep)}the segment answered ${what}, not ${want}`, loc, {
          path: rep.path,
        });
      state.previous = undefined;
      return;
    }
    if (r.attempts > 1 && r.status === want)
      this.sink.add('MEDIA_FETCH', `the segment answered only after ${r.attempts} attempts`, loc, {
        path: rep.path,
        severity: 'warning',
      });
    this.summary.mediaSegments++;
    this.contentType(r, rep, 'MEDIA_CONTENT_TYPE', loc);
    const body = ref.range && r.status === 200 ? r.body.subarray(ref.range[0], ref.range[1] + 1) : r.body;
    if (primary) primary.digest = digest(body);
    const facts = checkMediaSegment({
      rep,
      ref,
      body,
      init: state.init,
      location: loc,
      sink: this.sink,
      periodStart: period.start ?? 0,
    });
    if (!facts) {
      state.previous = undefined;
      return;
    }
    const prev = state.previous;
    const adjacent =
      prev &&
      (ref.number !== undefined && prev.ref.number !== undefined
        ? ref.number === prev.ref.number + 1
        : prev.ref.time + prev.ref.duration === ref.time);
    if (
      prev &&
      adjacent &&
      prev.facts.tfdtOk &&
      facts.tfdtOk &&
      prev.facts.decodeTime !== undefined &&
      facts.decodeTime !== undefined
    ) {
      const end = prev.facts.decodeTime + prev.facts.duration;
      const tol = Math.max(facts.sampleDuration, 1);
      if (Math.abs(end - facts.decodeTime) > tol)
        this.sink.add(
          'MEDIA_CONTINUITY',
          `the previous segment ends at ${end}, this one starts at ${facts.decodeTime} (${facts.decodeTime - end} ticks apart)`,
          loc,
          { path: rep.path },
        );
    }
    state.previous = { ref, facts };
    this.checkFrameRate(rep, state, facts, this.segmentLocation(period, rep, ref.url, false, ref));
    this.checkAlignment(rep, ref, state, facts, loc);
  }

  /** INIT_FRAMERATE (§4.9): the first fragment's sample duration gives @frameRate. */
  private checkFrameRate(
    rep: RepresentationModel,
    state: RepState,
    facts: MediaFacts,
    loc: ReturnType<Run['segmentLocation']>,
  ): void {
    if (state.frameRateChecked || state.init?.handler !== 'vide' || !rep.frameRate || !facts.sampleDuration)
      return;
    state.frameRateChecked = true;
    const [n, d] = rep.frameRate.split('/');
    const declared = Number(n) / Number(d ?? 1);
    const actual = state.init.timescale / facts.sampleDuration;
    if (Number.isFinite(declared) && Math.abs(actual - declared) > declared * 0.005)
      this.sink.add(
        'INIT_FRAMERATE',
        `samples of ${facts.sampleDuration}/${state.init.timescale} s give ${actual.toFixed(3)} frames per second, @frameRate is ${rep.frameRate}`,
        loc,
        { path: rep.path },
      );
  }

  /** AS_ALIGNMENT (§4.4): with @segmentAlignment, segments of one start time start together. */
  private checkAlignment(
    rep: RepresentationModel,
    ref: SegmentRef,
    state: RepState,
    facts: MediaFacts,
    loc: ReturnType<Run['segmentLocation']>,
  ): void {
    const set = rep.el.parentNode as Element | null;
    if (!set || attr(set, 'segmentAlignment') !== 'true' || facts.decodeTime === undefined || !state.init)
      return;
    const ts = state.init.timescale;
    const pto =
      rep.addressing.kind === 'single' ? 0 : (rep.addressing.pto * ts) / (rep.addressing.timescale || 1);
    const start = (facts.decodeTime - pto) / ts;
    const setKey = rep.path.slice(0, rep.path.lastIndexOf('/'));
    const starts =
      this.alignment.get(setKey) ?? new Map<number, { rep: string; start: number; tolerance: number }>();
    this.alignment.set(setKey, starts);
    const key = Math.round(ref.start * 1000);
    const other = starts.get(key);
    const tolerance = facts.sampleDuration / ts;
    if (!other) starts.set(key, { rep: rep.id, start, tolerance });
    else if (
      other.rep !== rep.id &&
      Math.abs(other.start - start) > Math.max(tolerance, other.tolerance) &&
      !this.misaligned.has(setKey)
    ) {
      this.misaligned.add(setKey);
      this.sink.add(
        'AS_ALIGNMENT',
        `${rep.id} starts this segment at ${start.toFixed(3)} s, ${other.rep} at ${other.start.toFixed(3)} s, although @segmentAlignment is true`,
        loc,
        { path: rep.path },
      );
    }
  }

  private readonly alignment = new Map<
    string,
    Map<number, { rep: string; start: number; tolerance: number }>
  >();
  private readonly misaligned = new Set<string>();

  /** MEDIA_EARLY (§4.10): the segment after the live edge, once per Representation. */
  private async probeEarly(
    mpd: MpdModel,
    period: PeriodModel,
    rep: RepresentationModel,
    plan: RepresentationPlan,
  ): Promise<void> {
    const a = rep.addressing;
    const last = plan.segments.at(-1);
    if (a.kind !== 'template' || a.timeline || !a.duration || !last || last.number === undefined || !a.media)
      return;
    const next = { ...last, number: last.number + 1, time: last.time + a.duration };
    const end = periodEnd(mpd, period);
    if (end !== undefined && (period.start ?? 0) + (next.time - a.pto) / a.timescale >= end - 1e-6) return;
    const ast = mpd.availabilityStartTime ?? 0;
    const from =
      ast +
      ((period.start ?? 0) +
        (next.time - a.pto) / a.timescale +
        a.duration / a.timescale -
        a.availabilityTimeOffset) *
        1000;
    if (from - this.now() < 1000) return; // too close to tell
    const url = new URL(
      a.media
        .replace(/\$RepresentationID\$/g, rep.id)
        .replace(/\$Number(%0(\d+)d)?\$/g, (_w, _f, width?: string) =>
          String(next.number).padStart(Number(width ?? 0), '0'),
        )
        .replace(/\$Bandwidth\$/g, String(rep.bandwidth ?? '')),
      rep.baseUrl,
    ).href;
    const r = await this.get(url, 'media');
    if (r.status === 200 && from - this.now() > 1000)
      this.sink.add(
        'MEDIA_EARLY',
        `segment ${next.number} answered 200 ${((from - this.now()) / 1000).toFixed(1)} s before its availability start`,
        this.segmentLocation(period, rep, url, false, next),
        { path: rep.path },
      );
  }
}

/** Names the BaseURL in fetch issues where several are alternatives (§4.2). */
function underBase(rep: RepresentationModel): string {
  return rep.baseUrls.length > 1 ? `under BaseURL ${rep.baseUrl}, ` : '';
}

function repKey(period: PeriodModel, rep: RepresentationModel): string {
  return `${period.id ?? period.index}/${rep.id}`;
}

function keyedListing(mpd: MpdModel, plans: Map<RepresentationModel, RepresentationPlan>): Listing {
  const byKey = new Map<string, RepresentationPlan>();
  for (const { period, rep } of representations(mpd)) {
    const p = plans.get(rep);
    if (p) byKey.set(repKey(period, rep), p);
  }
  return listingOf(mpd, byKey);
}

function codecTable(mpd: MpdModel): CodecInfo[] {
  const out: CodecInfo[] = [];
  for (const { period, set, rep } of representations(mpd)) {
    const prot = setProtection(rep.contentProtection);
    const info: CodecInfo = {
      periodId: period.id ?? String(period.index),
      adaptationSetId: set.id,
      representationId: rep.id,
      contentType: rep.contentType,
      mimeType: rep.mimeType ?? '',
      codecs: rep.codecs ?? '',
      description: describeCodecs(rep.codecs ?? ''),
      bandwidth: rep.bandwidth ?? 0,
      encrypted: rep.contentProtection.length > 0,
      kids: prot.defaultKid ? [prot.defaultKid] : [],
    };
    if (rep.width !== undefined) info.width = rep.width;
    if (rep.height !== undefined) info.height = rep.height;
    if (rep.frameRate !== undefined) info.frameRate = rep.frameRate;
    if (rep.audioSamplingRate !== undefined) info.sampleRate = rep.audioSamplingRate;
    if (prot.scheme) info.scheme = prot.scheme;
    out.push(info);
  }
  return out;
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const n = Math.max(1, Math.min(32, concurrency || 1));
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
