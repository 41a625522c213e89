// The share-wide revision clock (daap.md §4.2). Every store of a share reads and stamps
// revisions from one clock, so one update() commits every collection at once.

export class RevisionClock {
  /** the pending revision: edits are stamped with it */
  head = 2;
  /** oldest revision that can still be read */
  oldest = 1;
  /** revision 1 is the empty tree; head − 1 is the newest committed one */
  get committed(): number {
    return this.head - 1;
  }
  /** called by stores when they take an edit */
  dirty = false;
  touch(): void {
    this.dirty = true;
  }
  check(rev: number): void {
    if (!Number.isInteger(rev) || rev < this.oldest || rev > this.head) {
      throw new RangeError(`revision ${rev} outside readable range [${this.oldest}, ${this.head}]`);
    }
  }
}
