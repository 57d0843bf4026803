import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, problemType } from './problem-details';

interface ParserRefusal {
  status: number;
  title: string;
  code: string;
  detail: string;
}

/** What Node's HTTP parser refuses before any route sees the request, as the problem it answers. */
function refusalFor(code: string | undefined): ParserRefusal {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        title: 'Request Header Fields Too Large',
        code: 'headers-too-large',
        detail: 'The request headers are larger than the server accepts (16 KiB in all).',
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        title: 'Payload Too Large',
        code: 'chunk-extensions-too-large',
        detail: 'The chunked body carries chunk extensions larger than the server accepts.',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        title: 'Request Timeout',
        code: 'request-timeout',
        detail: 'The request did not arrive in time.',
      };
    default:
      return {
        status: 400,
        title: 'Bad Request',
        code: 'malformed-request',
        detail: 'The request is not valid HTTP/1.1.',
      };
  }
}

/**
 * Node answers what its parser refuses (headers over 16 KiB, a malformed request line or chunk)
 * with a bare status line before Nest sees the request; this answers the same status as
 * problem+json, like every other error. As Node does, it writes only when no answer to an earlier
 * request on the connection has begun (anything else would corrupt that answer), then closes.
 */
export function answerParserErrorsAsProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
      const { status, title, code, detail } = refusalFor(error.code);
      const problem: ProblemDetails = { type: problemType(code), title, status, detail };
      const body = JSON.stringify(problem);
      socket.write(
        `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  });
}
