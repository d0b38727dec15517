import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { TestApp } from './test-app';

/** One answer as it went over the wire: status line, every header in order (but Date), body bytes. */
export interface RawAnswer {
  status: number;
  statusMessage: string;
  headers: string[];
  body: Buffer;
}

export function rawAnswer(
  t: TestApp,
  method: 'GET' | 'HEAD',
  path: string,
  headers: Record<string, string>,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(new URL(path, t.baseUrl), { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const pairs: string[] = [];
        for (let i = 0; i < response.rawHeaders.length; i += 2) {
          if (response.rawHeaders[i].toLowerCase() !== 'date')
            pairs.push(`${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}`);
        }
        resolve({
          status: response.statusCode ?? 0,
          statusMessage: response.statusMessage ?? '',
          headers: pairs,
          body: Buffer.concat(chunks),
        });
      });
    });
    call.on('error', reject);
    call.end();
  });
}

export function headerOf(answer: RawAnswer, name: string): string | undefined {
  const prefix = `${name.toLowerCase()}: `;
  return answer.headers.find((line) => line.toLowerCase().startsWith(prefix))?.slice(prefix.length);
}

/** The body as the client reads it, whatever its Content-Encoding. */
export function decodedBody(answer: RawAnswer): string {
  const coding = headerOf(answer, 'content-encoding');
  const decode = { gzip: gunzipSync, br: brotliDecompressSync, deflate: inflateSync }[coding ?? ''];
  return (decode ? decode(answer.body) : answer.body).toString('utf8');
}
