/**
 * Whether a process of this machine is still running (signal 0 checks without signalling). A process of
 * another user answers EPERM: it exists. Used to tell a dead owner's leftovers (locks, temp files) from a
 * live one's.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
