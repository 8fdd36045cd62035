/**
 * Makes SQLite commits durable off the event loop. The connection runs `synchronous = NORMAL`
 * (a COMMIT writes its WAL frames but does not wait for the disk), and the gateway then fsyncs
 * the WAL file itself through libuv's thread pool before anyone hears "committed". That is the
 * same flush `synchronous = FULL` makes inside COMMIT, on the event loop: measured in
 * BENCHMARKS.md, it was the largest single cost of an intercept.
 *
 * fsync flushes the file, not a descriptor: this descriptor of our own flushes the frames
 * SQLite's descriptor wrote. The WAL file keeps its inode while the connection is open (a
 * checkpoint rewinds or truncates it, never deletes it), so the descriptor stays valid.
 */
import { closeSync, fsync, fsyncSync, openSync } from "node:fs";

export interface WalSync {
  /** Flushes every commit made so far to the disk, on libuv's thread pool. */
  sync(): Promise<void>;
  /** The same, blocking: for the last commits before the connection closes. */
  syncNow(): void;
  close(): void;
}

/** `onSync` hears how long each background fsync took, in seconds. */
export function walSync(databasePath: string, onSync?: (seconds: number) => void): WalSync {
  const walPath = `${databasePath}-wal`;
  let fd: number | null = null;
  // Opened at the first sync, after a commit has written the WAL (SQLite creates it lazily).
  const descriptor = (): number => {
    fd ??= openSync(walPath, "r");
    return fd;
  };
  return {
    sync() {
      const started = performance.now();
      return new Promise<void>((resolve, reject) => {
        fsync(descriptor(), (error) => {
          if (error) {
            reject(error);
            return;
          }
          onSync?.((performance.now() - started) / 1000);
          resolve();
        });
      });
    },
    syncNow() {
      fsyncSync(descriptor());
    },
    close() {
      if (fd !== null) {
        closeSync(fd);
        fd = null;
      }
    },
  };
}
