/** Query parameters that carry credentials (Gemini clients send `?key=`): never written to a log. */
const SECRET_PARAMS = /([?&])(key|api[_-]?key|access[_-]?token|token|password|secret)=[^&#]*/gi;

/** The path and query as the client sent them, with credential values replaced. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1$2=[REDACTED]');
}
