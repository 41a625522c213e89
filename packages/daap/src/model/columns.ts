// Growable typed columns: the model keeps per-record bookkeeping in these instead of one small
// object per record, which keeps the garbage collector's work proportional to the data (§12 B1).

export class Int32Column {
  a: Int32Array;
  constructor(n = 64) {
    this.a = new Int32Array(n);
  }
  ensure(n: number): void {
    if (n <= this.a.length) return;
    const b = new Int32Array(Math.max(n, this.a.length * 2));
    b.set(this.a);
    this.a = b;
  }
}
