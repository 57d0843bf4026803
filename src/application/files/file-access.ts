import { File, FileNotFoundError, FileRepository } from '../../domain/files';
import { Actor, isAdmin } from '../../domain/auth/role';

/**
 * Loads a file the actor may act on. Another user's file is reported as missing, not forbidden,
 * so ids cannot be probed.
 */
export async function loadAccessibleFile(files: FileRepository, actor: Actor, id: string): Promise<File> {
  const file = await files.findById(id);
  if (!file || !(file.isOwnedBy(actor.userId) || isAdmin(actor))) throw new FileNotFoundError(id);
  return file;
}
