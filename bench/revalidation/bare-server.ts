import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

/**
 * The reference of the answer cache's target: a bare node:http server sending fixed bytes, as
 * fast as Node sends them, with the service's content type. Bodies come from the JSON file named
 * by argv[2] ({path: body}); GET /health answers ok.
 */
type Sent = string | { base64: string; encoding?: string };
const bodies = new Map(
  Object.entries(JSON.parse(readFileSync(process.argv[2], 'utf8')) as Record<string, Sent>).map(([path, sent]) => {
    const body = typeof sent === 'string' ? Buffer.from(sent) : Buffer.from(sent.base64, 'base64');
    const encoding = typeof sent === 'string' ? undefined : sent.encoding;
    return [path, { body, encoding }] as const;
  }),
);
createServer((request, response) => {
  const sent = bodies.get(request.url ?? '') ?? (request.url === '/health' ? { body: Buffer.from('ok') } : null);
  if (sent === null) {
    response.writeHead(404).end();
    return;
  }
  const { body } = sent;
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    ...('encoding' in sent && sent.encoding ? { 'content-encoding': sent.encoding } : {}),
  });
  response.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
