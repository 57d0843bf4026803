import { UploadNotFoundError, UploadSession, UploadSessionRepository } from '../../domain/uploads';
import { Actor, isAdmin } from '../../domain/auth/role';

/** Loads an upload the actor may act on; another user's upload is reported as missing. */
export async function loadAccessibleUpload(
  sessions: UploadSessionRepository,
  actor: Actor,
  id: string,
): Promise<UploadSession> {
  const session = await sessions.findById(id);
  if (!session || !(session.isOwnedBy(actor.userId) || isAdmin(actor))) throw new UploadNotFoundError(id);
  return session;
}
