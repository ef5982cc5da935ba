// The last relayed requests, kept in memory for the status page and `GET /admin/activity`: a ring of
// a fixed size, so a busy gateway holds the same few kilobytes as an idle one.
import type { ActivityRow } from '@klody/gateway-client/schemas';

export const defaultActivitySize = 200;

export class RequestActivity {
  private readonly rows: ActivityRow[] = [];
  private next = 0;

  constructor(readonly size = defaultActivitySize) {}

  add(row: ActivityRow): void {
    if (this.rows.length < this.size) this.rows.push(row);
    else this.rows[this.next] = row;
    this.next = (this.next + 1) % this.size;
  }

  /** The rows kept, newest first. */
  list(): ActivityRow[] {
    const oldestFirst = [...this.rows.slice(this.next), ...this.rows.slice(0, this.next)];
    return oldestFirst.reverse();
  }
}
