import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

/**
 * The reference of the answer cache's target: a bare node:http server sending fixed bytes, as
 * fast as Node sends them, with the service's content type. Bodies come from the JSON file named
 * by argv[2] ({path: body}); GET /health answers ok.
 */
const bodies = new Map(
  Object.entries(JSON.parse(readFileSync(process.argv[2], 'utf8')) as Record<string, string>).map(
    ([path, body]) => [path, Buffer.from(body)] as const,
  ),
);
createServer((request, response) => {
  const body = bodies.get(request.url ?? '') ?? (request.url === '/health' ? Buffer.from('ok') : null);
  if (body === null) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  response.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
