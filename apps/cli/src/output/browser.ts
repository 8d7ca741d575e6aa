/** Whether a browser could open where the user sits: not over SSH, and on Linux only with a display. */
export function hasBrowser(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
  if (env.SSH_CONNECTION || env.SSH_TTY) return false;
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** Opens `url` in the user's browser without waiting for it; false when that failed. */
export async function openBrowser(url: string): Promise<boolean> {
  try {
    const { default: open } = await import('open');
    const child = await open(url, { wait: false });
    child.once('error', () => {});
    return true;
  } catch {
    return false;
  }
}
