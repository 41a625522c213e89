/**
 * The Prometheus metrics of app.md §14.3, one table: every metric loopcast exports is declared here
 * with its labels, so names and label sets cannot drift between the places that record them. One
 * registry per app instance (tests run several nodes in one process). Labels never carry raw URLs,
 * user names or stream names, so cardinality stays bounded.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function createMetrics(version: string) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const r = [registry];
  const buildInfo = new Gauge({
    name: 'loopcast_build_info',
    help: 'Always 1; the labels name the running version',
    labelNames: ['version', 'node'] as const,
    registers: r,
  });
  buildInfo.set({ version, node: process.version }, 1);
  return {
    registry,
    httpRequests: new Counter({
      name: 'loopcast_http_requests_total',
      help: 'HTTP requests by registered route pattern, method and status',
      labelNames: ['route', 'method', 'status'] as const,
      registers: r,
    }),
    httpDuration: new Histogram({
      name: 'loopcast_http_request_duration_seconds',
      help: 'Time from request to the last byte handed to the socket',
      labelNames: ['route', 'method'] as const,
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    httpBytes: new Counter({
      name: 'loopcast_http_response_bytes_total',
      help: 'Response body bytes by route pattern',
      labelNames: ['route'] as const,
      registers: r,
    }),
    manifests: new Counter({
      name: 'loopcast_manifests_total',
      help: 'Manifests served by template, mode and status',
      labelNames: ['template', 'mode', 'status'] as const,
      registers: r,
    }),
    segments: new Counter({
      name: 'loopcast_segments_total',
      help: 'Init and media segments served by mode, content type and status',
      labelNames: ['mode', 'content_type', 'status'] as const,
      registers: r,
    }),
    injectedFaults: new Counter({
      name: 'loopcast_injected_faults_total',
      help: 'Faults injected by URL options',
      labelNames: ['kind', 'status'] as const,
      registers: r,
    }),
    clearkeyRequests: new Counter({
      name: 'loopcast_clearkey_requests_total',
      help: 'ClearKey licence requests by result',
      labelNames: ['result'] as const,
      registers: r,
    }),
    uploads: new Counter({
      name: 'loopcast_uploads_total',
      help: 'Uploads by kind and result',
      labelNames: ['kind', 'result'] as const,
      registers: r,
    }),
    uploadBytes: new Counter({
      name: 'loopcast_upload_bytes_total',
      help: 'Uploaded bytes by kind and result',
      labelNames: ['kind', 'result'] as const,
      registers: r,
    }),
    indexDuration: new Histogram({
      name: 'loopcast_index_duration_seconds',
      help: 'Time to index one media file',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    }),
    loginAttempts: new Counter({
      name: 'loopcast_login_attempts_total',
      help: 'Login attempts by result',
      labelNames: ['result'] as const,
      registers: r,
    }),
    blobReadSeconds: new Histogram({
      name: 'loopcast_blob_read_seconds',
      help: 'Blob store range reads',
      labelNames: ['store'] as const,
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    blobCacheHits: new Counter({
      name: 'loopcast_blob_cache_hits_total',
      help: 'Blob read cache hits',
      registers: r,
    }),
    blobCacheMisses: new Counter({
      name: 'loopcast_blob_cache_misses_total',
      help: 'Blob read cache misses',
      registers: r,
    }),
    blobCacheBytes: new Gauge({
      name: 'loopcast_blob_cache_bytes',
      help: 'Bytes held by the blob read cache',
      registers: r,
    }),
    validatorJobs: new Gauge({
      name: 'loopcast_validator_jobs',
      help: 'Validator runs in progress',
      registers: r,
    }),
    validatorRuns: new Counter({
      name: 'loopcast_validator_runs_total',
      help: 'Validator runs by result',
      labelNames: ['result'] as const,
      registers: r,
    }),
    validatorFetchBytes: new Counter({
      name: 'loopcast_validator_fetch_bytes_total',
      help: 'Bytes fetched by the validator',
      registers: r,
    }),
    daapSessions: new Gauge({
      name: 'loopcast_daap_sessions',
      help: 'Live DAAP sessions by state',
      labelNames: ['state'] as const,
      registers: r,
    }),
    daapRevision: new Gauge({ name: 'loopcast_daap_revision', help: 'Current DAAP revision', registers: r }),
    daapRequests: new Counter({
      name: 'loopcast_daap_requests_total',
      help: 'DAAP requests by route pattern and status',
      labelNames: ['route', 'status'] as const,
      registers: r,
    }),
    daapStreamBytes: new Counter({
      name: 'loopcast_daap_stream_bytes_total',
      help: 'Audio bytes streamed to DAAP clients',
      registers: r,
    }),
    mediaFiles: new Gauge({
      name: 'loopcast_media_files',
      help: 'Media files by index state',
      labelNames: ['state'] as const,
      registers: r,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
