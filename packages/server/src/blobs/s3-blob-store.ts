/**
 * S3-compatible blob store (spec app.md §6.2), for several nodes sharing one bucket. Uploads go
 * straight to the final key as a multipart upload (8 MiB parts, two in flight): the object appears
 * only when the upload completes, and a failed or oversized upload is aborted, so a reader never
 * sees a partial object. Reads are ranged GetObject requests.
 */
import { createHash } from 'node:crypto';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  assertValidKey,
  BlobNotFoundError,
  BlobTooLargeError,
  BlobUnavailableError,
  type BlobInfo,
  type BlobStore,
} from './blob-store.js';

export interface S3BlobStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, empty or ending in `/`. */
  prefix: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  /** Credentials come from the SDK's default chain (AWS_* variables, profile) unless given. */
  credentials?: S3ClientConfig['credentials'];
}

const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  readonly client: S3Client;

  constructor(readonly options: S3BlobStoreOptions) {
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // Bounded retries: a node whose bucket is unreachable answers 503 soon instead of hanging
      // (app.md §6.2; the caller maps the failure).
      maxAttempts: 2,
    });
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return this.options.prefix + key;
  }

  async put(
    key: string,
    source: NodeJS.ReadableStream | Readable,
    opts: { contentType: string; maxBytes?: number },
  ): Promise<{ size: number; sha256: string }> {
    const meter = new SizeAndHash(opts.maxBytes);
    const body = new PassThrough();
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.options.bucket,
        Key: this.objectKey(key),
        Body: body,
        ContentType: opts.contentType,
      },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    const uploaded = upload.done();
    // If the upload fails first, the pipeline must stop feeding it (and the other way round).
    uploaded.catch(() => body.destroy());
    try {
      await pipeline(source as Readable, meter, body);
    } catch (err) {
      await upload.abort().catch(() => {});
      await uploaded.catch(() => {});
      throw meter.tooLarge ?? unavailable(err);
    }
    await uploaded.catch((err: unknown) => {
      throw unavailable(err);
    });
    return { size: meter.size, sha256: meter.digest() };
  }

  async read(key: string, range?: { start: number; length: number }): Promise<Readable> {
    if (range && range.length === 0) return Readable.from([]);
    const answer = await this.get(key, range);
    return answer.Body as Readable;
  }

  async readBytes(key: string, start: number, length: number): Promise<Buffer> {
    if (length === 0) return Buffer.alloc(0);
    const answer = await this.get(key, { start, length });
    const bytes = await answer.Body!.transformToByteArray();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const head = await this.call(() =>
        this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) })),
      );
      return { size: head.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    await this.call(() =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: objectKey })),
    );
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    let token: string | undefined;
    do {
      const page = await this.call(() =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.options.bucket,
            Prefix: this.options.prefix + prefix,
            ContinuationToken: token,
          }),
        ),
      );
      for (const item of page.Contents ?? []) {
        if (!item.Key) continue;
        yield {
          key: item.Key.slice(this.options.prefix.length),
          size: item.Size ?? 0,
          modified: item.LastModified ?? new Date(0),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async check(): Promise<void> {
    await this.call(() => this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket })));
  }

  close(): void {
    this.client.destroy();
  }

  private async get(key: string, range?: { start: number; length: number }) {
    try {
      return await this.call(() =>
        this.client.send(
          new GetObjectCommand({
            Bucket: this.options.bucket,
            Key: this.objectKey(key),
            ...(range ? { Range: `bytes=${range.start}-${range.start + range.length - 1}` } : {}),
          }),
        ),
      );
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(`no blob ${key}`);
      throw err;
    }
  }

  /** Every request goes through here, so an unreachable store is one error type for the callers. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw unavailable(err);
    }
  }
}

/** Counts and hashes the bytes on their way to S3, and stops at `maxBytes`. */
class SizeAndHash extends Transform {
  size = 0;
  tooLarge: BlobTooLargeError | null = null;
  private readonly hash = createHash('sha256');

  constructor(private readonly maxBytes: number | undefined) {
    super();
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.size += bytes.length;
    if (this.maxBytes !== undefined && this.size > this.maxBytes) {
      this.tooLarge = new BlobTooLargeError(this.maxBytes);
      return done(this.tooLarge);
    }
    this.hash.update(bytes);
    done(null, bytes);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/** Network failures and server errors become `BlobUnavailableError`; 4xx answers stay as they are. */
function unavailable(err: unknown): unknown {
  if (err instanceof BlobUnavailableError || err instanceof BlobTooLargeError) return err;
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status < 500) return err;
  // Errors raised by our own source stream (not by S3) carry no $metadata and no SDK name.
  if (status === undefined && !isSdkNetworkError(err)) return err;
  return new BlobUnavailableError(`the blob store is unreachable: ${e.message ?? e.name ?? 'unknown error'}`);
}

function isSdkNetworkError(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $metadata?: unknown };
  return (
    e.$metadata !== undefined ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(e.code ?? '') ||
    e.name === 'TimeoutError'
  );
}
