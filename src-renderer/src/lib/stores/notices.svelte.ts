/** Short messages to the user: what happened, what failed. Errors stay until dismissed. */
export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
  detail?: { path: string; message: string }[];
}

let nextId = 1;

class Notices {
  items = $state<Notice[]>([]);

  info(text: string): void {
    const id = nextId++;
    this.items.push({ id, kind: 'info', text });
    setTimeout(() => this.dismiss(id), 4000);
  }

  error(text: string, detail?: { path: string; message: string }[]): void {
    this.items.push({ id: nextId++, kind: 'error', text, ...(detail ? { detail } : {}) });
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }
}

export const notices = new Notices();
