/**
 * The fetch wrapper README "Polling the registry" shows, verbatim: give it to an SDK (`fetch` in the
 * OpenAI and Anthropic clients, `httpOptions.fetch` in @google/genai) and its list calls revalidate.
 * It keeps each GET answer that has an ETag, sends that tag as If-None-Match next time, and hands
 * the SDK the kept answer when the registry says 304 (the SDKs would raise a 304 as an error).
 */
export function revalidatingFetch(inner: typeof fetch = fetch): typeof fetch {
  const kept = new Map<string, { etag: string; body: ArrayBuffer; headers: Headers }>();
  return async (input, init) => {
    const request = new Request(input, init);
    if (request.method !== 'GET') return inner(request);
    // One entry per URL and credential: another key's answer is never reused.
    const key = ['authorization', 'x-api-key', 'x-goog-api-key', 'anthropic-version']
      .map((name) => request.headers.get(name))
      .join('\n')
      .concat('\n', request.url);
    const entry = kept.get(key);
    if (entry) request.headers.set('if-none-match', entry.etag);
    const response = await inner(request);
    if (response.status === 304 && entry) return new Response(entry.body, { status: 200, headers: entry.headers });
    const etag = response.headers.get('etag');
    if (response.status === 200 && etag) {
      const headers = new Headers(response.headers);
      // The kept body is decoded already.
      headers.delete('content-encoding');
      headers.delete('content-length');
      kept.set(key, { etag, body: await response.clone().arrayBuffer(), headers });
    }
    return response;
  };
}
