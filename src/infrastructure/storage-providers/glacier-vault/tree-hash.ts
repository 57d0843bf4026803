import { createHash, Hash } from 'node:crypto';

/** Glacier hashes 1 MiB leaves; part sizes and tree-hash-aligned ranges are built from them. */
export const TREE_HASH_LEAF = 1024 * 1024;

/**
 * Glacier's SHA-256 tree hash from the leaf hashes: adjacent pairs are hashed together level by
 * level, an odd last hash is carried up unchanged. Zero bytes have one (empty) leaf, so the tree
 * hash of nothing is the SHA-256 of nothing, as Glacier computes it.
 */
export function combineTreeHash(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  let level = leaves;
  while (level.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      up.push(
        i + 1 < level.length
          ? createHash('sha256')
              .update(level[i])
              .update(level[i + 1])
              .digest()
          : level[i],
      );
    }
    level = up;
  }
  return level[0];
}

/**
 * A streaming tree hash: bytes go in however they are cut, only the finished 1 MiB leaf hashes
 * (32 bytes each) are kept, so a 40 TiB archive costs 1.3 MB of hashes, never its bytes.
 */
export class TreeHash {
  private readonly finished: Buffer[] = [];
  private leaf: Hash = createHash('sha256');
  private inLeaf = 0;

  update(chunk: Uint8Array): this {
    let rest = chunk;
    while (rest.byteLength > 0) {
      const take = Math.min(TREE_HASH_LEAF - this.inLeaf, rest.byteLength);
      this.leaf.update(rest.subarray(0, take));
      this.inLeaf += take;
      rest = rest.subarray(take);
      if (this.inLeaf === TREE_HASH_LEAF) this.closeLeaf();
    }
    return this;
  }

  /** Every leaf hash, the last partial leaf included; call once the bytes are all in. */
  leaves(): Buffer[] {
    if (this.inLeaf > 0) this.closeLeaf();
    return this.finished;
  }

  digest(): string {
    return combineTreeHash(this.leaves()).toString('hex');
  }

  private closeLeaf(): void {
    this.finished.push(this.leaf.digest());
    this.leaf = createHash('sha256');
    this.inLeaf = 0;
  }
}
