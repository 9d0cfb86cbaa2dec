/**
 * Lets V8 reclaim what a heavy phase of the library worker left behind (an import, the start-up read of every
 * vector block, a word-index pass over every text).
 *
 * Why: measured at 100,000 passages after a library-file import in headless Chromium (bench/import-profile.ts
 * --memory), the library worker's heap held 74.5 MB, 11.9 MB of it alive; a forced GC of that one isolate took the
 * renderer from 512 to 417 MB. Right after the word index is built the renderer held 478 MB with the nudge against
 * 503 MB without; 20 s later V8 had collected the idle worker by itself in both builds (408 MB each, docs/BENCHMARKS.md
 * "Library-file import at 100k"), so the nudge only brings the collection forward. Workers cannot call `gc()`.
 *
 * How: an ArrayBuffer of NUDGE_BYTES, dropped at once, raises V8's count of external memory past the point where
 * it starts an incremental mark-compact (64 MB over the last GC in V8's heuristics; measured in Node: 64 MB and
 * more started one, 32 MB did not; in headless Chromium a worker holding ~80 MB of garbage went from 79 to 63 MB of
 * heap and the renderer from 302 to 243 MB within 4 s, where without it nothing changed). The buffer's pages are
 * never written, so they are not made resident. If a V8 ever ignores the hint, nothing is lost but the early
 * collection.
 */
const NUDGE_BYTES = 128 << 20;

export function releaseGarbage(): void {
  // Allocated and dropped at once: only its size, counted by V8, matters.
  new ArrayBuffer(NUDGE_BYTES);
}
