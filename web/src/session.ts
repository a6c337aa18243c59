// The signed-in account, as the server knows it (GET /api/v1/me), and the session's CSRF token,
// which every write carries (api/client.ts). Pages subscribe through useSession().

import { useEffect, useState } from 'preact/hooks';
import { api } from './api/client';
import type { Account } from './api/types';

// undefined: not asked yet; null: nobody is signed in.
let current: Account | null | undefined;
const listeners = new Set<() => void>();

function set(a: Account | null) {
  current = a;
  listeners.forEach((l) => l());
}

export function csrfToken(): string {
  return current?.csrf_token ?? '';
}

export async function loadSession(): Promise<void> {
  try {
    set(await api('get', '/api/v1/me'));
  } catch {
    set(null);
  }
}

export function setSession(a: Account | null): void {
  set(a);
}

// Officers and administrators of the workspace, and instance administrators, use its back office.
// With `adminOnly`, the workspace's administrators (and instance administrators) only.
export function isStaff(a: Account | null | undefined, ws: string, adminOnly = false): boolean {
  if (!a) return false;
  return a.instance_admin || a.roles.some((r) => r.workspace === ws && (r.role === 'admin' || (!adminOnly && r.role === 'officer')));
}

export function useSession(): Account | null | undefined {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((n) => n + 1);
    listeners.add(update);
    if (current === undefined) loadSession();
    return () => {
      listeners.delete(update);
    };
  }, []);
  return current;
}
