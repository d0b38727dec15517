import type { ListableQuery, ModelSummaryRow } from '../../src/models/model-read.sql';
import { CLIENT_FAMILIES } from '../../src/gateway/client-family';
import { CLIENT_FORMATS } from '../../src/gateway/gateway-formats';
import type { ListableModels } from '../../src/gateway/gateway-query';
import { toOpenAiList } from '../../src/gateway/openai.format';
import { RawJson } from '../../src/common/raw-json';

const row = (id: string, created_at = 1_700_000_000): ModelSummaryRow => ({
  id,
  base_model_id: null,
  name: `Model ${id}`,
  meta: { description: 'd' },
  owned_by: 'openai',
  supported_endpoint_types: ['chat'],
  pricing: null,
  context_length: 8192,
  max_output_tokens: null,
  created_at,
  updated_at: created_at,
});

/** An in-memory list that records what each family asked for; the SQL behind it has its own tests. */
function listOf(rows: ModelSummaryRow[]): ListableModels & { asked: ListableQuery[] } {
  const asked: ListableQuery[] = [];
  return {
    asked,
    list: (query) => {
      asked.push(query);
      return Promise.resolve(rows.slice(0, query.limit ?? rows.length));
    },
    find: (id) => Promise.resolve(rows.find((model) => model.id === id) ?? null),
    // The texts PostgreSQL would build; the SQL itself is checked against the formats on a real
    // database (gateway-openai-*, gateway-anthropic-json e2e specs). OpenAI asks every model in id
    // order (one text); Anthropic a page from its cursors (a row each: the id as JSON, a newline, the
    // model's JSON), where a cursor not in the list finds no page.
    json: (query) => {
      asked.push(query);
      if (query.order === 'id') {
        const text = JSON.stringify(toOpenAiList(rows));
        return Promise.resolve([Buffer.from(text.slice(text.indexOf('[') + 1, -2))]);
      }
      const cursor = query.olderThanId ?? query.newerThanId;
      const at = cursor == null ? -1 : rows.findIndex((model) => model.id === cursor);
      if (cursor != null && at < 0) return Promise.resolve([]);
      const page = query.olderThanId != null ? rows.slice(at + 1) : rows;
      return Promise.resolve(
        page
          .slice(0, query.limit ?? page.length)
          .map((model) =>
            Buffer.from(`${JSON.stringify(model.id)}\n${JSON.stringify(CLIENT_FORMATS.anthropic.one(model))}`),
          ),
      );
    },
  };
}

describe('client family formats', () => {
  it('has an entry for every client family and no other, each with list, one and error', () => {
    expect(Object.keys(CLIENT_FORMATS).sort()).toEqual([...CLIENT_FAMILIES].sort());
    for (const family of CLIENT_FAMILIES) {
      const format = CLIENT_FORMATS[family];
      expect([typeof format.list, typeof format.one, typeof format.error]).toEqual([
        'function',
        'function',
        'function',
      ]);
    }
  });

  it("formats one model in each family's own shape", () => {
    expect(CLIENT_FORMATS.openai.one(row('a'))).toMatchObject({ id: 'a', object: 'model' });
    expect(CLIENT_FORMATS.anthropic.one(row('a'))).toMatchObject({ id: 'a', type: 'model', display_name: 'Model a' });
    expect(CLIENT_FORMATS.gemini.one(row('a'))).toMatchObject({ name: 'models/a', displayName: 'Model a' });
  });

  it("writes an error in each family's own shape", () => {
    expect(CLIENT_FORMATS.openai.error('/v1/models/a', 404, 'gone')).toMatchObject({
      error: { message: 'gone', type: 'invalid_request_error', code: 'model_not_found' },
    });
    expect(CLIENT_FORMATS.anthropic.error('/v1/models/a', 404, 'gone')).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'gone' },
    });
    expect(CLIENT_FORMATS.gemini.error('/v1beta/models/a', 404, 'gone')).toEqual({
      error: { code: 404, message: 'gone', status: 'NOT_FOUND' },
    });
  });

  it('lists every model for OpenAI, one page with its paging for Anthropic and Gemini', async () => {
    const rows = [row('a'), row('b'), row('c')];

    const openAi = listOf(rows);
    const openAiList = await CLIENT_FORMATS.openai.list(openAi, {});
    expect(openAiList).toBeInstanceOf(RawJson);
    expect((openAiList as RawJson).toJSON()).toMatchObject({ object: 'list', data: [{ id: 'a' }, {}, {}] });
    expect(openAi.asked).toEqual([{ order: 'id' }]);

    const anthropic = listOf(rows);
    const anthropicPage = await CLIENT_FORMATS.anthropic.list(anthropic, { limit: '2' });
    expect(anthropicPage).toBeInstanceOf(RawJson);
    expect((anthropicPage as RawJson).toJSON()).toEqual({
      data: [CLIENT_FORMATS.anthropic.one(rows[0]), CLIENT_FORMATS.anthropic.one(rows[1])],
      first_id: 'a',
      last_id: 'b',
      has_more: true,
    });
    expect(anthropic.asked).toEqual([{ order: 'newest', olderThanId: null, newerThanId: null, limit: 3 }]);

    const gemini = listOf(rows);
    const page = (await CLIENT_FORMATS.gemini.list(gemini, { pageSize: '2' })) as { nextPageToken?: string };
    expect(page.nextPageToken).toEqual(expect.any(String));
    expect(gemini.asked).toEqual([{ order: 'id', afterId: null, limit: 3 }]);
  });

  it("rejects an Anthropic cursor that is not in the caller's list", async () => {
    await expect(CLIENT_FORMATS.anthropic.list(listOf([row('a')]), { after_id: 'hidden' })).rejects.toThrow(
      "after_id: 'hidden' is not a model in this list",
    );
  });
});
