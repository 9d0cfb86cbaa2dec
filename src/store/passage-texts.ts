/**
 * Reading passages with their texts: a passage record holds only offsets into its document's text chunks, so every
 * read that shows or indexes text — hits, their context, a document's passages, the word index build — goes
 * through `withTexts` here, which reads each run of neighbouring passages' chunks at once.
 */
import { TEXT_CHUNK_CHARS, type Database, type PassageRecord, type TextChunkRecord } from './schema.ts';
import { documentChunks, documentPositions } from './key-ranges.ts';
import { docIdOf, ordinalOf, type NeighbourPassage, type Passage, type PassageChunkVisit } from './library-types.ts';
import { lastOf, valueOf } from './checked.ts';

/**
 * Passages per read when building the word index: small enough that tokenizing one read (~0.2 ms a passage) never
 * holds the library worker for long, so searches queued meanwhile answer between reads.
 */
const PASSAGES_PER_READ = 250;

/** The text chunks store as withTexts reads it (in any transaction that includes it). */
interface ChunkReader {
  getAll(query: IDBKeyRange): Promise<TextChunkRecord[]>;
}

/**
 * The passages with their texts (and contexts, unless `context` is false: an empty string then), in the same
 * order. Passages of one document whose spans share or touch a chunk are read together: one getAll of the chunks
 * they span, so a run of neighbouring passages costs one read, and a single hit one or two chunks.
 */
export async function withTexts(chunks: ChunkReader, passages: readonly PassageRecord[], context = true): Promise<Passage[]> {
  const spans = passages.map((p) => {
    const from = context ? p.contextStart : p.start;
    return { p, first: Math.floor(from / TEXT_CHUNK_CHARS), last: Math.floor(Math.max(from, p.end - 1) / TEXT_CHUNK_CHARS) };
  });
  const byDoc = new Map<string, typeof spans>();
  for (const span of spans) byDoc.set(span.p.docId, [...(byDoc.get(span.p.docId) ?? []), span]);
  const reads: { docId: string; first: number; last: number; members: typeof spans }[] = [];
  for (const [docId, list] of byDoc) {
    list.sort((a, b) => a.first - b.first);
    for (const span of list) {
      const open = reads.at(-1);
      if (open && open.docId === docId && span.first <= open.last + 1) {
        open.last = Math.max(open.last, span.last);
        open.members.push(span);
      } else {
        reads.push({ docId, first: span.first, last: span.last, members: [span] });
      }
    }
  }
  const texts = new Map<PassageRecord, Passage>();
  await Promise.all(
    reads.map(async ({ docId, first, last, members }) => {
      const found = await chunks.getAll(IDBKeyRange.bound([docId, first], [docId, last]));
      const joined = found.map((c) => c.text).join('');
      const base = first * TEXT_CHUNK_CHARS;
      for (const { p } of members) {
        const text = joined.slice(p.start - base, p.end - base);
        texts.set(p, { ...p, text, context: context ? joined.slice(p.contextStart - base, p.start - base) : '' });
      }
    }),
  );
  return passages.map((p) => valueOf(texts, p, 'text'));
}

/** The document's extracted text (what its passages are slices of). */
export async function readText(db: Database, id: string): Promise<string | undefined> {
  const chunks = await db.getAll('textChunks', documentChunks(id));
  return chunks.length === 0 ? undefined : chunks.map((c) => c.text).join('');
}

/** The passages with these ids, in the same order (undefined for one that is gone), in one transaction. */
export async function readPassagesById(db: Database, ids: readonly string[]): Promise<(Passage | undefined)[]> {
  const tx = db.transaction(['passages', 'textChunks'], 'readonly');
  const records = await Promise.all(ids.map((id) => tx.objectStore('passages').get(id)));
  const found = records.filter((p): p is PassageRecord => p !== undefined);
  const withText = new Map((await withTexts(tx.objectStore('textChunks'), found)).map((p) => [p.id, p]));
  await tx.done;
  return records.map((p) => (p ? withText.get(p.id) : undefined));
}

/**
 * The passages shown as hits, each with the sentence codes stored beside its vector (null where there are none),
 * in one transaction: each passage's vector is asked for as soon as its record arrives (measured: two
 * transactions one after the other made "read" the largest part of a query at 100k passages).
 */
export async function readHits(db: Database, modelId: string, ids: readonly string[]): Promise<{ passage: Passage | undefined; codes: Uint8Array | null }[]> {
  const tx = db.transaction(['passages', 'vectors', 'textChunks'], 'readonly');
  const passages = tx.objectStore('passages');
  const vectors = tx.objectStore('vectors');
  const chunks = tx.objectStore('textChunks');
  const hits = await Promise.all(
    ids.map(async (id) => {
      const record = await passages.get(id);
      if (!record) return { passage: undefined, codes: null };
      // The codes and the text chunk (one, or two across a boundary) are asked for together.
      const [vector, [passage]] = await Promise.all([vectors.get([modelId, record.contentHash]), withTexts(chunks, [record], false)]);
      return { passage, codes: vector?.sentences ?? null };
    }),
  );
  await tx.done;
  return hits;
}

/** A document's passages in reading order, with their texts. */
export async function readPassages(db: Database, docId: string): Promise<Passage[]> {
  const tx = db.transaction(['passages', 'textChunks'], 'readonly');
  const records = await tx.objectStore('passages').index('by-position').getAll(documentPositions(docId));
  const passages = await withTexts(tx.objectStore('textChunks'), records);
  await tx.done;
  return passages;
}

/** The passage and up to `radius` passages either side of it in its document, in reading order. */
export async function readNeighbours(db: Database, id: string, radius: number): Promise<NeighbourPassage[]> {
  const docId = docIdOf(id);
  const ordinal = ordinalOf(id);
  const tx = db.transaction(['passages', 'textChunks'], 'readonly');
  const range = IDBKeyRange.bound([docId, Math.max(0, ordinal - radius)], [docId, ordinal + radius]);
  const records = await tx.objectStore('passages').index('by-position').getAll(range);
  const found = records.some((p) => p.id === id) ? await withTexts(tx.objectStore('textChunks'), records, false) : [];
  await tx.done;
  return found.map((passage) => ({ passage, isCentre: passage.id === id }));
}

/**
 * Passage texts a chunk at a time (for building the word index in the background): document by document, in
 * reading order, each chunk of passages with the text chunks they span read in its own short transaction, so
 * writes are never held up behind a long read.
 */
export async function forEachPassageChunk(
  db: Database,
  visit: (passages: Passage[]) => PassageChunkVisit | Promise<PassageChunkVisit>,
  perRead = PASSAGES_PER_READ,
): Promise<void> {
  const documents = await db.getAllKeys('documents');
  for (const docId of documents) {
    for (let from = -1; ; ) {
      const tx = db.transaction(['passages', 'textChunks'], 'readonly');
      const range = IDBKeyRange.bound([docId, from], [docId, Infinity], true, true);
      const records = await tx.objectStore('passages').index('by-position').getAll(range, perRead);
      const chunk = await withTexts(tx.objectStore('textChunks'), records, false);
      await tx.done;
      if (chunk.length > 0 && (await visit(chunk)) === 'stop') return;
      if (records.length < perRead) break;
      from = lastOf(records, 'record').ordinal;
    }
  }
}
