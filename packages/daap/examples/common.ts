// Shared bits of the examples: command-line flags and a generated WAV tone.

import { parseArgs } from 'node:util';

export function flags(): { mdns: boolean; port: number; host: string } {
  const { values } = parseArgs({
    options: {
      mdns: { type: 'string', default: 'on' },
      port: { type: 'string', default: '3689' },
      host: { type: 'string', default: '0.0.0.0' },
    },
    allowPositionals: true,
  });
  return { mdns: values.mdns !== 'off', port: Number(values.port), host: values.host };
}

/** A mono 16-bit PCM WAV file holding a sine tone. */
export function wavTone(hz: number, seconds: number, rate = 22050): Buffer {
  const n = Math.floor(seconds * rate);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++)
    b.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 12000), 44 + i * 2);
  return b;
}

export function announce(name: string, port: number, mdns: boolean): void {
  console.log(`DAAP share "${name}" on port ${port}${mdns ? ' (advertised over Bonjour)' : ' (mDNS off)'}`);
  console.log(`  try: curl -s http://127.0.0.1:${port}/server-info | xxd | head`);
}

export function onSignal(stop: () => Promise<void>): void {
  const go = (): void => {
    void stop().then(() => process.exit(0));
  };
  process.once('SIGINT', go);
  process.once('SIGTERM', go);
}
