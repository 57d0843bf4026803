import { EnvReader } from '../../config/env-reader';

export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A key id and its secret, both or neither; neither leaves the AWS SDK's default credential chain. */
export function readKeyPair(env: EnvReader, idKey: string, secretKey: string): KeyPair | undefined {
  const accessKeyId = env.string(idKey);
  const secretAccessKey = env.secret(secretKey);
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    env.problem(`${env.name(idKey)} and ${env.name(secretKey)} must be set together`);
  }
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}
