import { createHash } from 'node:crypto';
import { Query, type ClientBase, type QueryArrayConfig } from 'pg';
import { QueryFailedError } from 'typeorm';

/**
 * The first column of every row of `text`, in order, as UTF-8 bytes. Each row's text becomes a
 * Buffer (outside V8's heap) the moment `pg` hands the row over, so no row's string outlives its
 * message: collected first, the ~18 KB pieces of a 300 KB `/v1/models` answer were alive whenever
 * their own allocation set off a scavenge, and were promoted to the old generation (~270 KB a
 * request), whose growth set off the full collections of that list's tail (README, Performance).
 * Errors are TypeORM's QueryFailedError, as DataSource.query would throw them. With `name`, the
 * statement is prepared under that name on the connection's first use and only bound afterwards.
 */
export function readTextColumn(client: ClientBase, text: string, values: unknown[], name?: string): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const texts: Buffer[] = [];
    let missing = false;
    const config: QueryArrayConfig = { text, values, rowMode: 'array', name };
    const query = new Query(config);
    // A listener must not throw: it runs inside pg's message parser.
    query.on('row', ([value]: unknown[]) => {
      if (typeof value === 'string') texts.push(Buffer.from(value, 'utf8'));
      else missing = true;
    });
    query.on('end', () =>
      missing ? reject(new Error('readTextColumn: a row without text in its first column')) : resolve(texts),
    );
    query.on('error', (error: Error) => reject(new QueryFailedError(text, values, error)));
    client.query(query);
  });
}

/**
 * The name a statement is prepared under: a digest of its text, so one text always has one name
 * on every connection and two texts never share one (node-postgres refuses a name reused for
 * another text). The values are not part of it: they are bound anew on every run.
 */
export function preparedName(text: string): string {
  return `r_${createHash('sha1').update(text).digest('base64url')}`;
}
