import request from 'supertest';
import type { HttpTarget } from './actors';

/**
 * The calls Open WebUI's pages make, one function per function of its client (same name, same
 * URL under WEBUI_API_BASE_URL = /api/v1, same query and body), written from reading its code
 * (src/lib/apis/models/index.ts, src/lib/apis/groups/index.ts, src/lib/apis/users/index.ts,
 * src/lib/apis/auths/index.ts, getModels in src/lib/apis/index.ts). Each sends
 * `authorization: Bearer <token>` as the page does; the profile image is an <img>, so it sends the
 * `token` cookie only. Answers are the raw supertest responses: the tests read what the page reads.
 */
const V1 = '/api/v1';

/** The fields createNewModel and updateModelById pick from the model before posting it. */
const MODEL_FORM_FIELDS = ['base_model_id', 'name', 'meta', 'params', 'access_grants', 'is_active'] as const;

function pick(model: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(MODEL_FORM_FIELDS.map((key) => [key, model[key]]));
}

/** `URLSearchParams` drops nothing Open WebUI appends only when truthy; mirror that. */
function searchParams(entries: Array<[string, string | number | null | undefined]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of entries) if (value) params.append(key, String(value));
  return params.toString();
}

export function openWebUi(t: HttpTarget, token: string) {
  const auth = { authorization: `Bearer ${token}` };
  const get = (path: string) => request(t.server).get(path).set(auth);
  const post = (path: string, body?: object) => {
    const req = request(t.server).post(path).set(auth).set('Content-Type', 'application/json');
    return body === undefined ? req : req.send(body);
  };
  return {
    /** models/index.ts getModelItems: the workspace list. */
    getModelItems: (
      query?: string,
      viewOption?: string,
      selectedTag?: string,
      orderBy?: string,
      direction?: string,
      page?: number,
    ) =>
      get(
        `${V1}/models/list?${searchParams([
          ['query', query],
          ['view_option', viewOption],
          ['tag', selectedTag],
          ['order_by', orderBy],
          ['direction', direction],
          ['page', page],
        ])}`,
      ),
    /** models/index.ts getModelTags. */
    getModelTags: () => get(`${V1}/models/tags`),
    /** models/index.ts getBaseModelTags. */
    getBaseModelTags: () => get(`${V1}/models/base/tags`),
    /** models/index.ts getBaseModels: `?tag=` only when a tag is chosen. */
    getBaseModels: (tag = '') => get(`${V1}/models/base?${searchParams([['tag', tag]])}`),
    /** models/index.ts getAllModels (admin settings). */
    getAllModels: () => get(`${V1}/models/all`),
    /** models/index.ts exportModels: every exportable model, or `ids` repeated. */
    exportModels: (ids?: string[]) => {
      const query = new URLSearchParams();
      for (const id of ids ?? []) query.append('ids', id);
      return get(`${V1}/models/export${ids ? `?${query.toString()}` : ''}`);
    },
    /** models/index.ts importModels: {models}. */
    importModels: (models: object[]) => post(`${V1}/models/import`, { models }),
    /** models/index.ts createNewModel: picks id and the form fields. */
    createNewModel: (model: Record<string, unknown>) => post(`${V1}/models/create`, { id: model.id, ...pick(model) }),
    /** models/index.ts getModelById. */
    getModelById: (id: string) => get(`${V1}/models/model?${new URLSearchParams({ id }).toString()}`),
    /** models/index.ts toggleModelById. */
    toggleModelById: (id: string) => post(`${V1}/models/model/toggle?${new URLSearchParams({ id }).toString()}`),
    /** models/index.ts updateModelById: the id given, the form fields picked from the model. */
    updateModelById: (id: string, model: Record<string, unknown>) =>
      post(`${V1}/models/model/update`, { id, ...pick(model) }),
    /** models/index.ts updateModelAccessGrants: {id, name, access_grants}. */
    updateModelAccessGrants: (id: string, name: string, accessGrants: object[]) =>
      post(`${V1}/models/model/access/update`, { id, name, access_grants: accessGrants }),
    /** models/index.ts deleteModelById: POST {id}. */
    deleteModelById: (id: string) => post(`${V1}/models/model/delete`, { id }),
    /** models/index.ts deleteAllModels. */
    deleteAllModels: () => request(t.server).delete(`${V1}/models/delete/all`).set(auth),
    /** apis/index.ts getModels: the models the user can use, {data}. */
    getModels: () => request(t.server).get('/api/models').set(auth),
    /** Models.svelte, the list item's <img>: the cookie only, with the page's language. */
    profileImage: (id: string, lang = 'en-US') =>
      request(t.server).get(`${V1}/models/model/profile/image?id=${id}&lang=${lang}`).set('Cookie', `token=${token}`),
    /** groups/index.ts getGroups: `?share=` when given. */
    getGroups: (share?: boolean) => get(`${V1}/groups/?${share === undefined ? '' : `share=${String(share)}`}`),
    /** groups/index.ts getGroupInfoById. */
    getGroupInfoById: (id: string) => get(`${V1}/groups/id/${id}/info`),
    /** users/index.ts searchUsers (MemberSelector): query, order_by, direction, page. */
    searchUsers: (query: string, orderBy = 'name', direction = 'asc', page = 1) =>
      get(
        `${V1}/users/search?${new URLSearchParams({ query, order_by: orderBy, direction, page: String(page) }).toString()}`,
      ),
    /** users/index.ts getUserInfoById. */
    getUserInfoById: (id: string) => get(`${V1}/users/${id}/info`),
    /** auths/index.ts getSessionUser: the user with its permissions. */
    getSessionUser: () => get(`${V1}/auths/`),
  };
}

export type OpenWebUi = ReturnType<typeof openWebUi>;
