// Bonjour through @homebridge/ciao (daap.md §8), behind the Advertiser interface so that an
// embedder can supply another responder. IPv4 only unless asked: iTunes had trouble with IPv6.

import type { CiaoService, Responder } from '@homebridge/ciao';
import type { Advert, Advertiser } from './txt.js';

type Service = CiaoService;

export class CiaoAdvertiser implements Advertiser {
  private responder: Responder | undefined;
  private service: Service | undefined;
  name: string | undefined;

  constructor(private readonly opts: { ipv6?: boolean; onRename?: (name: string) => void } = {}) {}

  async publish(a: Advert): Promise<string> {
    // Loaded on first use: an embedder with mDNS off never loads the responder.
    const ciao = (await import('@homebridge/ciao')).default;
    this.responder = ciao.getResponder(this.opts.ipv6 ? { advertiseIpv6: true } : { disableIpv6: true });
    const service = this.responder.createService({
      name: a.name,
      type: 'daap',
      port: a.port,
      txt: { ...a.txt },
      ...(this.opts.ipv6 ? {} : { disabledIpv6: true }),
    });
    this.service = service;
    this.name = a.name;
    service.on('name-change', (n: string) => {
      this.name = n;
      this.opts.onRename?.(n);
    });
    await service.advertise();
    return this.name;
  }

  /** Send goodbye packets (TTL 0) and stop the responder. */
  async withdraw(): Promise<void> {
    const s = this.service;
    const r = this.responder;
    this.service = undefined;
    this.responder = undefined;
    if (s) await s.end().catch(() => undefined);
    if (s) await s.destroy().catch(() => undefined);
    if (r) await r.shutdown().catch(() => undefined);
  }
}
