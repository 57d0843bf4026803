import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import { WebhookAttemptResult, WebhookSender, WebhookSendRequest } from '../../application/webhooks/ports';
import { DeliveryVerdict, verdictForStatus, WebhookTargetNotAllowedError } from '../../domain/webhooks';
import { DnsWebhookTargets, ResolvedAddress } from './webhook-targets';
import { signatureHeader } from './webhook-signature';

export const WEBHOOK_USER_AGENT = 'FlexStorage-Webhooks/1';

export interface HttpWebhookSenderOptions {
  /** The whole attempt: connecting, sending, the answer's headers and excerpt. */
  timeoutMs: number;
  /** How much of the answer's body is read (and kept in the log); the rest is not read at all. */
  excerptBytes: number;
}

/**
 * POSTs a signed event over node:http(s): to the address the target check approved (a pinned
 * lookup, no connection pool), never following redirects, within a timeout and the job's signal.
 */
export class HttpWebhookSender implements WebhookSender {
  constructor(
    private readonly targets: DnsWebhookTargets,
    private readonly options: HttpWebhookSenderOptions = { timeoutMs: 10_000, excerptBytes: 4096 },
  ) {}

  async send({
    url,
    secret,
    previousSecret,
    event,
    deliveryId,
    signal,
  }: WebhookSendRequest): Promise<WebhookAttemptResult> {
    const started = performance.now();
    const failed = (
      verdict: DeliveryVerdict,
      error: string,
      responseStatus: number | null = null,
      responseExcerpt: string | null = null,
    ) => ({ verdict, responseStatus, responseExcerpt, error, durationMs: Math.round(performance.now() - started) });
    const target = new URL(url.href);
    let address: ResolvedAddress;
    try {
      address = await this.targets.resolve(target);
    } catch (error) {
      // A refused address stays refused: retrying would only knock on the same door.
      if (error instanceof WebhookTargetNotAllowedError) return failed('permanent', error.message);
      return failed(
        'retry',
        `looking up ${target.hostname} failed: ${(error as { code?: string }).code ?? (error as Error).message}`,
      );
    }
    const body = JSON.stringify(event);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': WEBHOOK_USER_AGENT,
      'x-flexstorage-event': event.type,
      'x-flexstorage-delivery': deliveryId,
      'x-flexstorage-timestamp': String(timestamp),
      'x-flexstorage-signature': signatureHeader(
        previousSecret ? [secret.value, previousSecret.value] : [secret.value],
        timestamp,
        body,
      ),
    };
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const answer = await this.post(target, address, headers, body, AbortSignal.any([signal, timeout]));
      const verdict = verdictForStatus(answer.status);
      if (verdict === 'delivered')
        return {
          verdict,
          responseStatus: answer.status,
          responseExcerpt: answer.excerpt,
          error: null,
          durationMs: Math.round(performance.now() - started),
        };
      const why =
        answer.status >= 300 && answer.status < 400
          ? `the receiver answered ${answer.status}${answer.location ? ` (to ${answer.location.slice(0, 200)})` : ''}; redirects are not followed, update the endpoint's URL`
          : `the receiver answered ${answer.status}`;
      return failed(verdict, why, answer.status, answer.excerpt);
    } catch (error) {
      if (timeout.aborted) return failed('retry', `no answer within ${this.options.timeoutMs} ms`);
      if (signal.aborted) return failed('retry', `stopped: ${(signal.reason as Error)?.message ?? 'aborted'}`);
      return failed('retry', `the request failed: ${(error as { code?: string }).code ?? (error as Error).message}`);
    }
  }

  private post(url: URL, address: ResolvedAddress, headers: Record<string, string>, body: string, signal: AbortSignal) {
    // The connection goes to the address that was checked, whatever DNS says by now; TLS still
    // verifies the certificate against the URL's host name (SNI and Host come from the URL).
    const lookup: LookupFunction = (_host, options, callback) => {
      if (options.all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [address]);
      else callback(null, address.address, address.family);
    };
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<{ status: number; excerpt: string; location?: string }>((resolve, reject) => {
      const request = client.request(url, { method: 'POST', headers, agent: false, lookup, signal });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          resolve({
            status: response.statusCode ?? 0,
            // PostgreSQL text cannot hold NUL; the excerpt is for people reading the log.
            excerpt: Buffer.concat(chunks)
              .subarray(0, this.options.excerptBytes)
              .toString('utf8')
              .replaceAll('\u0000', ''),
            location: response.headers.location,
          });
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= this.options.excerptBytes) {
            done();
            response.destroy();
          }
        });
        response.on('end', done);
        response.on('close', done);
        response.on('error', done); // cut off mid-body: the status is what counts
      });
      request.on('error', reject);
      request.end(body);
    });
  }
}
