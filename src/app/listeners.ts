/** A set of listeners with an unsubscribe function per subscription; one failing listener doesn't stop the rest. */
export class Listeners<T> {
  private readonly _listeners = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  }

  emit(value: T): void {
    for (const listener of [...this._listeners]) {
      try {
        listener(value);
      } catch (error) {
        console.error('Passage: a listener failed', error);
      }
    }
  }
}
