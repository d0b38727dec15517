import { api } from '../api';

/** Ids per export request: keeps each address well under the service's header limit. */
const EXPORT_BATCH = 100;

/**
 * `GET /api/models/export`: every model the caller can write, or (with `ids`) those of them, asked
 * for in batches and joined. Ids the caller cannot write are simply absent from the answer.
 */
export async function exportModels(ids?: string[]): Promise<{ id: string }[]> {
  if (!ids) return api<{ id: string }[]>('/api/models/export');
  const models: { id: string }[] = [];
  for (let start = 0; start < ids.length; start += EXPORT_BATCH) {
    const batch = ids.slice(start, start + EXPORT_BATCH);
    const search = batch.map((id) => `ids=${encodeURIComponent(id)}`).join('&');
    models.push(...(await api<{ id: string }[]>(`/api/models/export?${search}`)));
  }
  return models;
}

/** Hands `data` to the browser as a JSON file download named `name`. */
export function downloadJson(name: string, data: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once it started; the address is freed a little later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `models-2026-11-30.json`: today's date, local time. */
export function exportFileName(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `models-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.json`;
}

export interface ImportResult {
  id: string;
  status: 'created' | 'updated' | 'skipped';
  reason?: string;
  warnings?: string[];
}

/**
 * The models of an export file: this service's export and Open WebUI's are JSON arrays; a body
 * `{models: [...]}` as the import route takes it is accepted too. Anything else says what is wrong.
 */
export function modelsOfFile(text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('This file is not JSON: choose a file exported from the registry or from Open WebUI');
  }
  if (Array.isArray(parsed)) return parsed;
  if (parsed && typeof parsed === 'object' && 'models' in parsed && Array.isArray(parsed.models)) return parsed.models;
  throw new Error('This file holds no list of models: an export file is a JSON array of models');
}

/** `POST /api/models/import` with the file's models: one result per model, in order. */
export function importModels(models: unknown[]): Promise<{ results: ImportResult[] }> {
  return api<{ results: ImportResult[] }>('/api/models/import', { method: 'POST', body: { models } });
}
