/**
 * An error's message as the shell's notices quote it: a vanished file says so in words, and the "Passage: " prefix
 * the modules put on their own errors is dropped.
 */
import { classifyError, reasonFor } from '../core/faults.ts';

export function messageOf(error: unknown): string {
  if (classifyError(error) === 'file-gone') return reasonFor(error);
  return (error instanceof Error ? error.message : String(error)).replace(/^Passage:\s*/, '');
}
