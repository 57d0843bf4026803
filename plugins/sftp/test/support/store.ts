import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SftpStore, SftpStoreOptions } from '../../src';
import { TestSshd } from './sshd';

/**
 * A store on its own fresh directory under the test sshd's root (made through the local disk:
 * same machine), configured as a provider would be, with the host key pinned.
 */
export function storeOn(sshd: TestSshd, options: Partial<SftpStoreOptions> = {}): { store: SftpStore; root: string } {
  const root = join(sshd.root, randomUUID());
  mkdirSync(root);
  const store = new SftpStore({
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKey: sshd.privateKey,
    hostKeySha256: sshd.hostKeySha256,
    root,
    ...options,
  });
  return { store, root };
}
