import type { AppEvent } from '../../src-shared/api/contract';

/** Fan-out of core events to every connected UI (IPC window, SSE clients). */
export class EventBus {
  private readonly listeners = new Set<(e: AppEvent) => void>();

  emit(event: AppEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // One broken listener (a closed socket) must not stop the others.
      }
    }
  }

  subscribe(listener: (e: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
