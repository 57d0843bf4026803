import { InvalidRetrievalTierError } from '../../../domain/retrieval';
import { RetrievalTier } from '../../../domain/storage';

/** The tier a restore for a move uses when none is asked for: the provider's standard one, else its first. */
export function tierFor(
  offered: readonly RetrievalTier[],
  asked: RetrievalTier | undefined,
  providerId: string,
): RetrievalTier {
  if (asked && !offered.includes(asked)) throw new InvalidRetrievalTierError(asked, offered, providerId);
  return asked ?? (offered.includes('standard') ? 'standard' : offered[0]);
}
