import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export interface S3EmulatorOptions {
  /** The real S3 API server behind (s3rver). */
  upstream: string;
  /** The only access key id accepted; others answer 403 InvalidAccessKeyId, as a real store does. */
  accessKeyId: string;
  /**
   * `b2`: Backblaze B2's S3 API, which refuses the SDK's `x-amz-checksum-*` headers and every
   * storage class but STANDARD — so a client configured for AWS fails here as it would on B2.
   */
  mode?: 'aws' | 'b2';
}

export interface S3Emulator {
  endpoint: string;
  /** Every request seen, for assertions on what a client sent. */
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/**
 * A project-owned layer in front of s3rver for what s3rver does not check: credentials, B2's
 * refusals, and aws-chunked streaming bodies (which s3rver would store as garbage, frame headers
 * and all, so they are refused here instead).
 */
export async function startS3Emulator(options: S3EmulatorOptions): Promise<S3Emulator> {
  const upstream = new URL(options.upstream);
  const requests: S3Emulator['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method!, url: req.url!, headers: req.headers });
    const refusal = refuse(req, options);
    if (refusal) {
      req.resume();
      res.writeHead(refusal.status, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${refusal.code}</Code><Message>${refusal.message}</Message></Error>`);
      return;
    }
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function refuse(req: http.IncomingMessage, options: S3EmulatorOptions): { status: number; code: string; message: string } | undefined {
  const keyId = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
  if (keyId !== options.accessKeyId) return { status: 403, code: 'InvalidAccessKeyId', message: 'The access key ID you provided does not exist in our records.' };
  const contentSha = String(req.headers['x-amz-content-sha256'] ?? '');
  if (contentSha.startsWith('STREAMING-') || String(req.headers['content-encoding'] ?? '').includes('aws-chunked')) {
    return { status: 400, code: 'NotImplemented', message: 'aws-chunked request bodies are not accepted here (s3rver would store them corrupted).' };
  }
  if (options.mode === 'b2') {
    const checksum = Object.keys(req.headers).find((h) => h.startsWith('x-amz-checksum-') || h === 'x-amz-sdk-checksum-algorithm');
    if (checksum) return { status: 400, code: 'InvalidArgument', message: `Unsupported header '${checksum}' received for this API call.` };
    const storageClass = req.headers['x-amz-storage-class'];
    if (storageClass !== undefined && storageClass !== 'STANDARD') {
      return { status: 400, code: 'InvalidStorageClass', message: `Storage class ${storageClass} is not supported; B2 stores STANDARD only.` };
    }
  }
  return undefined;
}
