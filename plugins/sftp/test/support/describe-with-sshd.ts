import { SSHD_MISSING } from './sshd';

/**
 * `describe` for suites that need a real sshd: skipped with a warning where openssh-server is not
 * installed, but on CI a missing sshd is a broken machine, so the suite fails instead.
 */
export function describeWithSshd(title: string, suite: () => void): void {
  if (SSHD_MISSING && process.env.CI === 'true') throw new Error(`"${title}" needs sshd: ${SSHD_MISSING}`);
  if (SSHD_MISSING) {
    console.warn(`${title}: skipped: ${SSHD_MISSING}`);
    describe.skip(`${title} (skipped: ${SSHD_MISSING})`, suite);
    return;
  }
  describe(title, suite);
}
